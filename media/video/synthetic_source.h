#pragma once
// SyntheticSource: a deterministic moving test pattern, the camera of
// `parley-cli --send-video synthetic` and of tests: colour bars, a box that
// moves across them, and the frame number as a row of black and white
// blocks (32 bits, most significant first) that a receiver can read back
// from a decoded frame to check order and loss. Frame n is the same on
// every run and machine. Owned by the send pipeline; one thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/base/result.h"
#include "media/video/video_source.h"

namespace parley::media {

class SyntheticSource final : public VideoSource {
 public:
  // width, height: 16..kMaxVideoDimension; fps: 1..120 (sets the timestamps,
  // the caller paces the calls). MediaUnsupported otherwise.
  static Result<std::unique_ptr<SyntheticSource>> create(int width, int height, int fps = 30);

  // Never blocks and never returns nullopt: each call is the next frame,
  // stamped index / fps.
  Result<std::optional<VideoFrame>> nextFrame() override;
  [[nodiscard]] int width() const override { return width_; }
  [[nodiscard]] int height() const override { return height_; }
  [[nodiscard]] std::string name() const override;

  // Frame `index` of the pattern, without advancing.
  [[nodiscard]] VideoFrame render(std::uint64_t index) const;

  // Reads the frame number back from a (possibly decoded, lossy) frame of
  // this pattern; nullopt when the blocks are not legible.
  static std::optional<std::uint32_t> readFrameNumber(const VideoFrame& frame);

 private:
  SyntheticSource(int width, int height, int fps);

  int width_;
  int height_;
  int fps_;
  std::uint64_t next_index_ = 0;
};

}  // namespace parley::media
