#pragma once
// VideoFrame: one I420 (YUV 4:2:0, 8-bit) picture with its capture time, the
// unit every video stage passes on: sources produce it, VpxEncoder consumes
// it, VpxDecoder produces it. It owns its pixels in one buffer (planes are
// 64-byte aligned with strides rounded up to 64 so libvpx and libswscale can
// use their SIMD paths). Moving is cheap (the buffer moves, pointers stay
// valid because planes are stored as offsets); copying is explicit through
// clone(). A frame belongs to whoever holds it; it is a plain value, not
// thread-safe to share for writing.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/base/result.h"

namespace parley::media {

// Largest width or height any video stage accepts, so a hostile stream or
// file cannot make us allocate without bound (8192x8192 I420 is 96 MiB).
inline constexpr int kMaxVideoDimension = 8192;

enum class Plane { Y = 0, U = 1, V = 2 };

class VideoFrame {
 public:
  static constexpr std::size_t kAlignment = 64;

  // An empty frame (width() == 0); what a moved-from frame becomes.
  VideoFrame() = default;

  // Allocates a width x height frame (contents zero, i.e. a dark green
  // picture; call fill()). Fails with MediaUnsupported outside
  // 1..kMaxVideoDimension.
  static Result<VideoFrame> create(int width, int height,
                                   std::chrono::microseconds timestamp = {}) {
    if (width < 1 || height < 1 || width > kMaxVideoDimension || height > kMaxVideoDimension) {
      return makeError(ErrorCode::MediaUnsupported,
                       "video frame size out of range: " + std::to_string(width) + "x" +
                           std::to_string(height));
    }
    VideoFrame frame;
    frame.width_ = width;
    frame.height_ = height;
    frame.timestamp_ = timestamp;
    const int cw = (width + 1) / 2;
    const int ch = (height + 1) / 2;
    frame.strides_[0] = alignUp(width);
    frame.strides_[1] = alignUp(cw);
    frame.strides_[2] = alignUp(cw);
    const std::size_t y_size = static_cast<std::size_t>(frame.strides_[0]) * height;
    const std::size_t c_size = static_cast<std::size_t>(frame.strides_[1]) * ch;
    frame.buffer_.assign(y_size + 2 * c_size + kAlignment, 0);
    // The vector's storage does not move when the vector does, but offsets
    // keep the frame correct even if a future buffer type did.
    const auto base = reinterpret_cast<std::uintptr_t>(frame.buffer_.data());
    const std::size_t pad = (kAlignment - base % kAlignment) % kAlignment;
    frame.offsets_[0] = pad;
    frame.offsets_[1] = pad + y_size;
    frame.offsets_[2] = pad + y_size + c_size;
    return frame;
  }

  VideoFrame(VideoFrame&& other) noexcept { *this = std::move(other); }
  VideoFrame& operator=(VideoFrame&& other) noexcept {
    if (this != &other) {
      buffer_ = std::move(other.buffer_);
      width_ = std::exchange(other.width_, 0);
      height_ = std::exchange(other.height_, 0);
      timestamp_ = other.timestamp_;
      for (int i = 0; i < 3; ++i) {
        strides_[i] = std::exchange(other.strides_[i], 0);
        offsets_[i] = std::exchange(other.offsets_[i], 0);
      }
    }
    return *this;
  }
  VideoFrame(const VideoFrame&) = delete;
  VideoFrame& operator=(const VideoFrame&) = delete;
  ~VideoFrame() = default;

  // A deep copy (same size, timestamp and pixels).
  [[nodiscard]] VideoFrame clone() const {
    if (empty()) {
      return {};
    }
    auto copy = create(width_, height_, timestamp_);
    // create() cannot fail for a size that already succeeded once.
    for (int p = 0; p < 3; ++p) {
      const auto plane = static_cast<Plane>(p);
      for (int row = 0; row < planeHeight(plane); ++row) {
        std::memcpy(copy->row(plane, row), rowAt(plane, row),
                    static_cast<std::size_t>(planeWidth(plane)));
      }
    }
    return std::move(copy).value();
  }

  [[nodiscard]] bool empty() const { return width_ == 0; }
  [[nodiscard]] int width() const { return width_; }
  [[nodiscard]] int height() const { return height_; }
  [[nodiscard]] int chromaWidth() const { return (width_ + 1) / 2; }
  [[nodiscard]] int chromaHeight() const { return (height_ + 1) / 2; }
  [[nodiscard]] int planeWidth(Plane p) const { return p == Plane::Y ? width_ : chromaWidth(); }
  [[nodiscard]] int planeHeight(Plane p) const { return p == Plane::Y ? height_ : chromaHeight(); }
  [[nodiscard]] int stride(Plane p) const { return strides_[index(p)]; }

  [[nodiscard]] std::uint8_t* data(Plane p) {
    return empty() ? nullptr : buffer_.data() + offsets_[index(p)];
  }
  [[nodiscard]] const std::uint8_t* data(Plane p) const {
    return empty() ? nullptr : buffer_.data() + offsets_[index(p)];
  }
  // Row `y` of plane `p`; precondition 0 <= y < planeHeight(p).
  [[nodiscard]] std::uint8_t* row(Plane p, int y) {
    return data(p) + static_cast<std::size_t>(stride(p)) * static_cast<std::size_t>(y);
  }
  [[nodiscard]] const std::uint8_t* row(Plane p, int y) const { return rowAt(p, y); }

  // Capture time (any epoch the source picks, monotonic within a stream);
  // the encoder turns it into 90 kHz RTP time.
  [[nodiscard]] std::chrono::microseconds timestamp() const { return timestamp_; }
  void setTimestamp(std::chrono::microseconds timestamp) { timestamp_ = timestamp; }

  // Paints the whole frame one colour.
  void fill(std::uint8_t y, std::uint8_t u, std::uint8_t v) {
    const std::uint8_t values[3] = {y, u, v};
    for (int p = 0; p < 3; ++p) {
      const auto plane = static_cast<Plane>(p);
      for (int r = 0; r < planeHeight(plane); ++r) {
        std::memset(row(plane, r), values[p], static_cast<std::size_t>(planeWidth(plane)));
      }
    }
  }

  // Paints the rectangle [x, x+w) x [y, y+h), clipped to the frame. Chroma
  // covers the 2x2 blocks the rectangle touches, so odd edges bleed by one
  // luma pixel, which test patterns do not mind.
  void fillRect(int x, int y, int w, int h, std::uint8_t luma, std::uint8_t u, std::uint8_t v) {
    const int x0 = std::clamp(x, 0, width_);
    const int y0 = std::clamp(y, 0, height_);
    const int x1 = std::clamp(x + w, 0, width_);
    const int y1 = std::clamp(y + h, 0, height_);
    if (x0 >= x1 || y0 >= y1) {
      return;
    }
    for (int r = y0; r < y1; ++r) {
      std::memset(row(Plane::Y, r) + x0, luma, static_cast<std::size_t>(x1 - x0));
    }
    const int cx0 = x0 / 2;
    const int cx1 = (x1 + 1) / 2;
    for (int r = y0 / 2; r < (y1 + 1) / 2; ++r) {
      std::memset(row(Plane::U, r) + cx0, u, static_cast<std::size_t>(cx1 - cx0));
      std::memset(row(Plane::V, r) + cx0, v, static_cast<std::size_t>(cx1 - cx0));
    }
  }

 private:
  static int alignUp(int n) {
    const int a = static_cast<int>(kAlignment);
    return (n + a - 1) / a * a;
  }
  static int index(Plane p) { return static_cast<int>(p); }
  [[nodiscard]] const std::uint8_t* rowAt(Plane p, int y) const {
    return data(p) + static_cast<std::size_t>(stride(p)) * static_cast<std::size_t>(y);
  }

  std::vector<std::uint8_t> buffer_;
  int width_ = 0;
  int height_ = 0;
  int strides_[3] = {0, 0, 0};
  std::size_t offsets_[3] = {0, 0, 0};
  std::chrono::microseconds timestamp_{0};
};

// BT.601 limited-range YUV of an sRGB colour, the matrix libswscale uses by
// default for I420 <-> RGB, so test patterns and conversions agree.
struct Yuv {
  std::uint8_t y, u, v;
};
constexpr Yuv rgbToYuv(int r, int g, int b) {
  const int y = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
  const int u = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
  const int v = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
  return {static_cast<std::uint8_t>(std::clamp(y, 0, 255)),
          static_cast<std::uint8_t>(std::clamp(u, 0, 255)),
          static_cast<std::uint8_t>(std::clamp(v, 0, 255))};
}

}  // namespace parley::media
