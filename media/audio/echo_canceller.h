#pragma once
// EchoCanceller: acoustic echo cancellation, noise suppression and a
// high-pass filter for the local microphone, wrapping webrtc-audio-processing
// 0.3 (webrtc::AudioProcessing). Uses the full AEC: the mobile canceller
// (AECM) refuses 48 kHz streams in this library version. Owned by the client's audio engine, one
// per microphone. Call both processRender() and processCapture() from the audio thread (the duplex
// callback, or the capture thread with render frames handed over through an SPSC queue); the
// library serialises the two internally, but its lock is never contended that way. Works on 20 ms
// frames and feeds the library 10 ms chunks (480 samples at 48 kHz) from preallocated buffers: no
// allocation after create().

#include <array>
#include <memory>

#include "core/base/result.h"
#include "media/audio/audio_format.h"

namespace webrtc {
class AudioProcessing;
}

namespace parley::media {

struct EchoCancellerConfig {
  bool echo_cancellation = true;
  bool noise_suppression = true;
  bool high_pass_filter = true;
  // Extended filter: longer echo tails, more robust to delay errors (AEC only).
  bool extended_filter = true;
  // Let the AEC estimate the delay itself when the reported one is wrong.
  bool delay_agnostic = true;
  enum class Level { Low, Moderate, High };
  Level suppression = Level::Moderate;  // echo suppressor and noise suppressor aggressiveness
};

class EchoCanceller {
 public:
  static inline constexpr std::size_t kChunkSamples = 480;  // 10 ms

  // MediaCodecFailed if the library cannot be created or refuses a setting.
  static Result<std::unique_ptr<EchoCanceller>> create(const EchoCancellerConfig& config = {});
  ~EchoCanceller();
  EchoCanceller(const EchoCanceller&) = delete;
  EchoCanceller& operator=(const EchoCanceller&) = delete;

  // Far end: the frame about to be played on the speaker (the echo reference).
  Result<void> processRender(const AudioFrame& frame);
  // Near end: cleans one captured frame in place. `delay_ms` is the time
  // from handing a frame to processRender() to its echo reaching
  // processCapture() (output latency + input latency), as the library wants.
  Result<void> processCapture(AudioFrame& frame, int delay_ms);

  // The library's verdict on the last capture chunk.
  [[nodiscard]] bool streamHasEcho() const;

 private:
  struct Deleter {
    void operator()(webrtc::AudioProcessing* apm) const;
  };
  EchoCanceller(std::unique_ptr<webrtc::AudioProcessing, Deleter> apm,
                const EchoCancellerConfig& config);

  std::unique_ptr<webrtc::AudioProcessing, Deleter> apm_;
  EchoCancellerConfig config_;
  std::array<float, kChunkSamples> scratch_{};
};

}  // namespace parley::media
