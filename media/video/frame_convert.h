#pragma once
// Conversions between packed RGB images (what screens, PNG files and the
// GUI use) and I420 VideoFrames (what the codecs use), and I420 scaling for
// a smaller simulcast-style layer, all through libswscale. FrameConverter
// keeps one SwsContext per conversion shape (source size and format,
// destination size and format), because creating one costs far more than a
// conversion and a stream converts the same shape every frame. Owned by one
// pipeline stage (a capture source, a decoder's consumer); not thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/base/result.h"
#include "media/video/video_frame.h"

namespace parley::media {

// Byte orders of packed 8-bit pixels. Bgra is X11's and Windows' screen
// layout (the 4th byte may be padding), Rgba is PNG's, Rgb24 has no alpha.
enum class PixelFormat { Bgra, Rgba, Rgb24 };

constexpr int bytesPerPixel(PixelFormat format) { return format == PixelFormat::Rgb24 ? 3 : 4; }

// A packed image that owns its pixels, rows tightly packed
// (stride == width * bytesPerPixel).
struct PackedImage {
  std::vector<std::uint8_t> pixels;
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::Rgba;

  [[nodiscard]] int stride() const { return width * bytesPerPixel(format); }
  // Allocates a zeroed image; precondition 1..kMaxVideoDimension each way.
  static PackedImage allocate(int width, int height, PixelFormat format);
};

// A view of packed pixels owned elsewhere (a capture buffer), rows `stride`
// bytes apart.
struct PackedImageView {
  const std::uint8_t* pixels = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;
  PixelFormat format = PixelFormat::Rgba;
};

inline PackedImageView view(const PackedImage& image) {
  return {image.pixels.data(), image.width, image.height, image.stride(), image.format};
}

// The largest size within max_width x max_height with the aspect of
// width x height, in even numbers (4:2:0), never larger than width x height
// itself and at least 16 x 16; max 0 (either): width x height unchanged.
struct PictureSize {
  int width = 0;
  int height = 0;
  friend bool operator==(const PictureSize&, const PictureSize&) = default;
};
PictureSize fitWithin(int width, int height, int max_width, int max_height);

class FrameConverter {
 public:
  FrameConverter();
  FrameConverter(FrameConverter&&) noexcept;
  FrameConverter& operator=(FrameConverter&&) noexcept;
  ~FrameConverter();

  // Packed RGB -> I420 of the same size (or scaled to width x height when
  // both are given). Fails with MediaUnsupported for an image that is empty,
  // too large, or whose view is inconsistent (stride too small, no pixels).
  Result<VideoFrame> toI420(const PackedImageView& image, int width = 0, int height = 0);

  // I420 -> packed RGB of the same size, or scaled to width x height when
  // both are given, in the same pass (area averaging when shrinking): a
  // picture shown smaller than it was sent is never converted at full size.
  Result<PackedImage> fromI420(const VideoFrame& frame, PixelFormat format, int width = 0,
                               int height = 0);

  // I420 -> I420 at another size (area averaging when shrinking, which keeps
  // thin text strokes from vanishing). Keeps the timestamp.
  Result<VideoFrame> scale(const VideoFrame& frame, int width, int height);

  // How many conversion shapes are cached (tests).
  [[nodiscard]] std::size_t cachedContextCountForTest() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::media
