#include "media/video/synthetic_source.h"

#include <algorithm>
#include <array>
#include <string>

namespace parley::media {
namespace {

constexpr int kCounterBits = 32;

// Block size of the frame counter: as big as fits across the bottom of the
// frame, so it survives lossy coding at low bitrates.
int counterBlock(int width) { return std::max(2, width / (kCounterBits + 2)); }

}  // namespace

SyntheticSource::SyntheticSource(int width, int height, int fps)
    : width_(width), height_(height), fps_(fps) {}

Result<std::unique_ptr<SyntheticSource>> SyntheticSource::create(int width, int height, int fps) {
  if (width < 16 || height < 16 || width > kMaxVideoDimension || height > kMaxVideoDimension) {
    return makeError(ErrorCode::MediaUnsupported,
                     "synthetic source size out of range: " + std::to_string(width) + "x" +
                         std::to_string(height));
  }
  if (fps < 1 || fps > 120) {
    return makeError(ErrorCode::MediaUnsupported,
                     "synthetic source frame rate out of range: " + std::to_string(fps));
  }
  return std::unique_ptr<SyntheticSource>(new SyntheticSource(width, height, fps));
}

std::string SyntheticSource::name() const {
  return "synthetic " + std::to_string(width_) + "x" + std::to_string(height_);
}

Result<std::optional<VideoFrame>> SyntheticSource::nextFrame() {
  return std::optional<VideoFrame>(render(next_index_++));
}

VideoFrame SyntheticSource::render(std::uint64_t index) const {
  const auto timestamp = std::chrono::microseconds(
      static_cast<std::int64_t>(index * 1000000 / static_cast<std::uint64_t>(fps_)));
  // create() cannot fail: the size was checked in create().
  VideoFrame frame = std::move(VideoFrame::create(width_, height_, timestamp)).value();

  // SMPTE-like bars: white, yellow, cyan, green, magenta, red, blue, black.
  static constexpr std::array<std::array<int, 3>, 8> kBars = {{{235, 235, 235},
                                                               {235, 235, 16},
                                                               {16, 235, 235},
                                                               {16, 235, 16},
                                                               {235, 16, 235},
                                                               {235, 16, 16},
                                                               {16, 16, 235},
                                                               {16, 16, 16}}};
  const int bar_width = (width_ + 7) / 8;
  for (int i = 0; i < 8; ++i) {
    const Yuv c =
        rgbToYuv(kBars[static_cast<std::size_t>(i)][0], kBars[static_cast<std::size_t>(i)][1],
                 kBars[static_cast<std::size_t>(i)][2]);
    frame.fillRect(i * bar_width, 0, bar_width, height_, c.y, c.u, c.v);
  }

  // A box one eighth of the height moving right 4 pixels a frame and down
  // 2, bouncing, so motion search has something to find.
  const int box = std::max(4, height_ / 8);
  const int span_x = std::max(1, width_ - box);
  const int span_y = std::max(1, height_ - box);
  const auto bounce = [](std::uint64_t pos, int span) {
    const auto period = static_cast<std::uint64_t>(2 * span);
    const auto p = static_cast<int>(pos % period);
    return p < span ? p : 2 * span - p;
  };
  const int bx = bounce(index * 4, span_x);
  const int by = bounce(index * 2, span_y);
  const Yuv orange = rgbToYuv(255, 128, 0);
  frame.fillRect(bx, by, box, box, orange.y, orange.u, orange.v);

  // Counter blocks on a grey strip at the bottom.
  const int block = counterBlock(width_);
  const int strip_y = height_ - 2 * block;
  frame.fillRect(0, strip_y, width_, 2 * block, 128, 128, 128);
  const auto number = static_cast<std::uint32_t>(index);
  for (int bit = 0; bit < kCounterBits; ++bit) {
    const bool one = ((number >> (kCounterBits - 1 - bit)) & 1U) != 0;
    const std::uint8_t luma = one ? 235 : 16;
    frame.fillRect(block + bit * block, strip_y + block / 2, block, block, luma, 128, 128);
  }
  return frame;
}

std::optional<std::uint32_t> SyntheticSource::readFrameNumber(const VideoFrame& frame) {
  if (frame.width() < 16 || frame.height() < 16) {
    return std::nullopt;
  }
  const int block = counterBlock(frame.width());
  const int y = frame.height() - 2 * block + block / 2 + block / 2;
  if (y < 0 || y >= frame.height()) {
    return std::nullopt;
  }
  std::uint32_t number = 0;
  for (int bit = 0; bit < kCounterBits; ++bit) {
    const int x = block + bit * block + block / 2;
    if (x >= frame.width()) {
      return std::nullopt;
    }
    const int luma = frame.row(Plane::Y, y)[x];
    if (luma > 90 && luma < 160) {
      return std::nullopt;  // neither black nor white: not legible
    }
    number = (number << 1) | (luma >= 160 ? 1U : 0U);
  }
  return number;
}

}  // namespace parley::media
