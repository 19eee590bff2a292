#pragma once
// EchoCanceller: acoustic echo cancellation, noise suppression and a
// high-pass filter for the local microphone. Two engines behind one class
// (docs/adr/0014-echo-cancellation-engines.md): webrtc-audio-processing 0.3
// (echo_canceller_webrtc.cpp, the full AEC: the mobile canceller refuses
// 48 kHz in that version) where Debian ships it, and speexdsp's MDF canceller
// with its preprocessor (echo_canceller_speexdsp.cpp) for Windows, whose
// webrtc-audio-processing sources Debian's archive does not serve. Owned by
// the client's audio engine, one per microphone. Call both processRender()
// and processCapture() from the audio thread (the duplex callback, or the
// capture thread with render frames handed over through an SPSC queue).
// Works on 20 ms frames, fed to the engine in 10 ms chunks (480 samples at
// 48 kHz) from preallocated buffers: no allocation after create().

#include <array>
#include <memory>

#include "core/base/result.h"
#include "media/audio/audio_format.h"

namespace parley::media {

struct EchoCancellerConfig {
  bool echo_cancellation = true;
  bool noise_suppression = true;
  bool high_pass_filter = true;
  // Longer echo tails, more robust to delay errors (webrtc: the extended
  // filter; speexdsp: a 200 ms adaptive filter instead of 100 ms).
  bool extended_filter = true;
  // Let the AEC estimate the delay itself when the reported one is wrong
  // (webrtc; speexdsp aligns on the reported delay, its filter absorbs errors
  // up to its length).
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
  struct Engine;  // the library's state, in the engine's own .cpp
  EchoCanceller(std::unique_ptr<Engine> engine, const EchoCancellerConfig& config);

  std::unique_ptr<Engine> engine_;
  EchoCancellerConfig config_;
};

}  // namespace parley::media
