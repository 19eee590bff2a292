#pragma once
// ImageSource: the `file:IMAGE.png` screen share: the same still picture
// every frame, converted to I420 once. Lets headless clients and tests share
// a known image (and measure PSNR against it) without an X server. Owned by
// the send pipeline; one thread.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/base/result.h"
#include "media/video/frame_convert.h"
#include "media/video/video_source.h"

namespace parley::media {

class ImageSource final : public VideoSource {
 public:
  // Reads the PNG (MediaFileInvalid if it cannot) and converts it. fps
  // (1..120) sets the timestamps; the caller paces the calls.
  static Result<std::unique_ptr<ImageSource>> open(const std::filesystem::path& png, int fps = 15);
  // The same from an image already in memory.
  static Result<std::unique_ptr<ImageSource>> fromImage(const PackedImage& image, std::string name,
                                                        int fps = 15);

  // Never blocks or returns nullopt: a copy of the picture, stamped
  // index / fps.
  Result<std::optional<VideoFrame>> nextFrame() override;
  [[nodiscard]] int width() const override { return frame_.width(); }
  [[nodiscard]] int height() const override { return frame_.height(); }
  [[nodiscard]] std::string name() const override { return name_; }

 private:
  ImageSource(VideoFrame frame, std::string name, int fps);

  VideoFrame frame_;
  std::string name_;
  int fps_;
  std::uint64_t next_index_ = 0;
};

}  // namespace parley::media
