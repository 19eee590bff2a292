#pragma once
// What a receiving parley-cli dumped (--dump-video), scored against the
// picture that was shared: the video integration tests' measure.

#include <filesystem>
#include <optional>
#include <string>

#include "media/video/frame_convert.h"
#include "media/video/png_image.h"
#include "media/video/video_quality.h"

namespace parley::test {

// Luma PSNR of the dumped picture against `reference`, or nothing while
// there is no picture yet, or while it has another size (the sender's screen
// changed size and the new size has not arrived).
inline std::optional<double> receivedPsnr(const media::PackedImage& reference,
                                          const std::string& dumped) {
  if (!std::filesystem::exists(dumped)) {
    return std::nullopt;
  }
  auto received = media::readPng(dumped);  // written beside, then renamed: never half a file
  if (!received || received->width != reference.width || received->height != reference.height) {
    return std::nullopt;
  }
  media::FrameConverter converter;
  auto ref = converter.toI420(media::view(reference));
  auto got = converter.toI420(media::view(*received));
  if (!ref || !got) {
    return std::nullopt;
  }
  auto score = media::psnr(*ref, *got);
  if (!score) {
    return std::nullopt;
  }
  return score->y;
}

}  // namespace parley::test
