#include "media/engine/file_audio_devices.h"

#include <algorithm>

namespace parley::media {

Result<std::unique_ptr<WavFileInput>> WavFileInput::open(const std::filesystem::path& path,
                                                         bool loop) {
  auto samples = readWavAs48kMono(path);
  if (!samples) {
    return makeError(std::move(samples).error());
  }
  return std::make_unique<WavFileInput>(std::move(*samples), loop);
}

bool WavFileInput::read(AudioFrame& frame) {
  if (samples_.empty() || (position_ >= samples_.size() && !loop_)) {
    finished_ = true;
    return false;
  }
  std::size_t filled = 0;
  while (filled < frame.size()) {
    if (position_ >= samples_.size()) {
      if (!loop_) {
        break;
      }
      position_ = 0;
    }
    const std::size_t n = std::min(frame.size() - filled, samples_.size() - position_);
    std::copy_n(samples_.begin() + static_cast<std::ptrdiff_t>(position_), n,
                frame.begin() + static_cast<std::ptrdiff_t>(filled));
    position_ += n;
    filled += n;
  }
  std::fill(frame.begin() + static_cast<std::ptrdiff_t>(filled), frame.end(), std::int16_t{0});
  return true;
}

Result<std::unique_ptr<WavFileOutput>> WavFileOutput::create(const std::filesystem::path& path) {
  auto writer = WavWriter::create(path);
  if (!writer) {
    return makeError(std::move(writer).error());
  }
  return std::make_unique<WavFileOutput>(std::move(*writer));
}

WavFileOutput::~WavFileOutput() { (void)close(); }

void WavFileOutput::write(const AudioFrame& frame) {
  if (closed_) {
    return;
  }
  if (writer_.write(frame)) {
    ++frames_;
  }
}

Result<void> WavFileOutput::close() {
  if (closed_) {
    return {};
  }
  closed_ = true;
  return writer_.close();
}

}  // namespace parley::media
