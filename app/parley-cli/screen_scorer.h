#pragma once
// ScreenScorer: `--screen-reference IMAGE.png --screen-scores OUT.json`.
// Every decoded screen frame is compared with the image the sender shares
// (PSNR of the luma plane, as the lab's screen checks measure), so a test can
// tell what a person saw frame by frame, not only the last picture. The
// scores (time since the first frame, PSNR; null for a frame of another
// size, a smaller layer) are written as JSON when the call ends.
//
// Threads: onFrame() on the call's decode thread (one luma pass, a few ms
// at 1920x1080); write() after the call stopped.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "media/video/video_frame.h"

namespace parley::cli {

class ScreenScorer {
 public:
  static Result<std::unique_ptr<ScreenScorer>> create(const std::string& reference_png,
                                                      std::string out_json);

  void onFrame(bool screen, const media::VideoFrame& frame);
  Result<void> write() const;

 private:
  ScreenScorer(media::VideoFrame reference, std::string out_json)
      : reference_(std::move(reference)), out_(std::move(out_json)) {}

  media::VideoFrame reference_;
  std::string out_;
  mutable std::mutex mu_;
  std::optional<std::chrono::steady_clock::time_point> first_;
  // Every screen frame: ms since the first, PSNR Y in dB (none when the
  // frame is not the reference's size: a smaller layer).
  std::vector<std::pair<double, std::optional<double>>> scores_;
  std::uint64_t other_size_ = 0;
};

}  // namespace parley::cli
