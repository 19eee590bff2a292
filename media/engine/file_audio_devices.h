#pragma once
// Audio devices made of files, for parley-cli and the tests:
//  - WavFileInput plays a WAV file (any PCM rate/channels, resampled to
//    48 kHz mono when opened), optionally after a lead-in of silence, then
//    reports the end (read() false) or loops.
//  - WavFileOutput records what the engine plays to a 48 kHz mono WAV; the
//    header is fixed on close (and by the destructor), so a recording cut
//    short is still a valid file.
//  - SilentInput / NullOutput: nothing in, nothing kept.
// Threads: the audio thread only (see audio_device.h); construction anywhere.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/base/result.h"
#include "media/audio/wav_file.h"
#include "media/engine/audio_device.h"

namespace parley::media {

class WavFileInput final : public AudioInput {
 public:
  static Result<std::unique_ptr<WavFileInput>> open(const std::filesystem::path& path,
                                                    bool loop = false);
  explicit WavFileInput(std::vector<std::int16_t> samples, bool loop)
      : samples_(std::move(samples)), loop_(loop) {}
  bool read(AudioFrame& frame) override;
  void idle() override {}  // the file waits for the call
  [[nodiscard]] bool finished() const { return finished_.load(); }
  [[nodiscard]] std::size_t sampleCount() const { return samples_.size(); }

 private:
  std::vector<std::int16_t> samples_;
  std::size_t position_ = 0;
  bool loop_ = false;
  std::atomic<bool> finished_{false};
};

class WavFileOutput final : public AudioOutput {
 public:
  static Result<std::unique_ptr<WavFileOutput>> create(const std::filesystem::path& path);
  explicit WavFileOutput(WavWriter writer) : writer_(std::move(writer)) {}
  ~WavFileOutput() override;
  void write(const AudioFrame& frame) override;
  // Fixes the header; later writes are ignored. Call when the engine stopped.
  Result<void> close();
  [[nodiscard]] std::uint64_t framesWritten() const { return frames_.load(); }

 private:
  WavWriter writer_;
  bool closed_ = false;
  std::atomic<std::uint64_t> frames_{0};
};

class SilentInput final : public AudioInput {
 public:
  bool read(AudioFrame& /*frame*/) override { return false; }
};

class NullOutput final : public AudioOutput {
 public:
  void write(const AudioFrame& /*frame*/) override {}
};

}  // namespace parley::media
