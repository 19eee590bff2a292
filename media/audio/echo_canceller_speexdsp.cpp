// EchoCanceller on speexdsp (docs/adr/0014-echo-cancellation-engines.md):
// a high-pass biquad, the MDF adaptive echo canceller fed with the far end
// delayed by the reported latency, and the preprocessor's noise and residual
// echo suppression.
//
// speexdsp's own playback/capture pairing assumes the two sides are within a
// frame or two of each other; Parley knows the output plus input latency
// instead (`delay_ms`), so it keeps 600 ms of far-end history and hands the
// canceller the samples that were played `delay_ms - kLeadMs` before each
// capture chunk. The adaptive filter then covers the echo path from there.

#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "media/audio/echo_canceller.h"

namespace parley::media {
namespace {

static_assert(kAudioFrameSamples == 2 * EchoCanceller::kChunkSamples);

constexpr int kSampleRate = kAudioSampleRateHz;
constexpr int kSamplesPerMs = kSampleRate / 1000;
// The longest delay honoured, as webrtc-audio-processing's [0, 500] ms.
constexpr int kMaxDelayMs = 500;
// The reference starts this much before the reported delay: a latency
// reported a little too long must not put the echo before the filter.
constexpr int kLeadMs = 20;
constexpr std::size_t kHistorySamples =
    static_cast<std::size_t>(kMaxDelayMs + 100) * static_cast<std::size_t>(kSamplesPerMs);
constexpr double kHighPassHz = 80;

// Second-order Butterworth high-pass (RBJ cookbook), for rumble and DC.
class HighPass {
 public:
  HighPass() {
    const double w0 = 2 * std::numbers::pi * kHighPassHz / kSampleRate;
    const double alpha = std::sin(w0) / std::numbers::sqrt2;  // sin(w0) / 2Q, Q = 1/sqrt(2)
    const double cosw = std::cos(w0);
    const double a0 = 1 + alpha;
    b0_ = (1 + cosw) / 2 / a0;
    b1_ = -(1 + cosw) / a0;
    b2_ = b0_;
    a1_ = -2 * cosw / a0;
    a2_ = (1 - alpha) / a0;
  }
  std::int16_t run(std::int16_t sample) {
    const double x = sample;
    const double y = b0_ * x + b1_ * x1_ + b2_ * x2_ - a1_ * y1_ - a2_ * y2_;
    x2_ = x1_;
    x1_ = x;
    y2_ = y1_;
    y1_ = y;
    return static_cast<std::int16_t>(std::clamp(std::round(y), -32768.0, 32767.0));
  }

 private:
  double b0_ = 1, b1_ = 0, b2_ = 0, a1_ = 0, a2_ = 0;
  double x1_ = 0, x2_ = 0, y1_ = 0, y2_ = 0;
};

double energy(const std::int16_t* samples, std::size_t count) {
  double sum = 0;
  for (std::size_t i = 0; i < count; ++i) {
    sum += static_cast<double>(samples[i]) * samples[i];
  }
  return sum;
}

}  // namespace

struct EchoCanceller::Engine {
  ~Engine() {
    if (preprocess != nullptr) {
      speex_preprocess_state_destroy(preprocess);
    }
    if (echo != nullptr) {
      speex_echo_state_destroy(echo);
    }
  }

  SpeexEchoState* echo = nullptr;
  SpeexPreprocessState* preprocess = nullptr;
  HighPass high_pass;
  // Far-end history, a ring: `rendered` samples written so far in total.
  std::vector<std::int16_t> history = std::vector<std::int16_t>(kHistorySamples, 0);
  std::uint64_t rendered = 0;
  std::array<std::int16_t, kChunkSamples> reference{};
  std::array<std::int16_t, kChunkSamples> in{};
  std::array<std::int16_t, kChunkSamples> out{};
  bool has_echo = false;
};

EchoCanceller::EchoCanceller(std::unique_ptr<Engine> engine, const EchoCancellerConfig& config)
    : engine_(std::move(engine)), config_(config) {}

EchoCanceller::~EchoCanceller() = default;

Result<std::unique_ptr<EchoCanceller>> EchoCanceller::create(const EchoCancellerConfig& config) {
  auto engine = std::make_unique<Engine>();
  const int chunk = static_cast<int>(kChunkSamples);
  if (config.echo_cancellation) {
    const int filter_ms = config.extended_filter ? 200 : 100;
    engine->echo = speex_echo_state_init(chunk, filter_ms * kSamplesPerMs);
    if (engine->echo == nullptr) {
      return makeError(ErrorCode::MediaCodecFailed, "audio processing: speex_echo_state_init");
    }
    int rate = kSampleRate;
    speex_echo_ctl(engine->echo, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
  }
  if (config.echo_cancellation || config.noise_suppression) {
    engine->preprocess = speex_preprocess_state_init(chunk, kSampleRate);
    if (engine->preprocess == nullptr) {
      return makeError(ErrorCode::MediaCodecFailed,
                       "audio processing: speex_preprocess_state_init");
    }
    int denoise = config.noise_suppression ? 1 : 0;
    speex_preprocess_ctl(engine->preprocess, SPEEX_PREPROCESS_SET_DENOISE, &denoise);
    // Suppression in dB, as webrtc's Low/Moderate/High levels roughly are.
    int noise_db = config.suppression == EchoCancellerConfig::Level::Low    ? -10
                   : config.suppression == EchoCancellerConfig::Level::High ? -25
                                                                            : -15;
    speex_preprocess_ctl(engine->preprocess, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &noise_db);
    if (engine->echo != nullptr) {
      speex_preprocess_ctl(engine->preprocess, SPEEX_PREPROCESS_SET_ECHO_STATE, engine->echo);
      int echo_db = config.suppression == EchoCancellerConfig::Level::Low    ? -30
                    : config.suppression == EchoCancellerConfig::Level::High ? -50
                                                                             : -40;
      int echo_active_db = echo_db + 15;
      speex_preprocess_ctl(engine->preprocess, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS, &echo_db);
      speex_preprocess_ctl(engine->preprocess, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE,
                           &echo_active_db);
    }
  }
  return std::unique_ptr<EchoCanceller>(new EchoCanceller(std::move(engine), config));
}

Result<void> EchoCanceller::processRender(const AudioFrame& frame) {
  Engine& e = *engine_;
  for (const std::int16_t sample : frame) {
    e.history[e.rendered % kHistorySamples] = sample;
    ++e.rendered;
  }
  return {};
}

Result<void> EchoCanceller::processCapture(AudioFrame& frame, int delay_ms) {
  Engine& e = *engine_;
  const int offset_ms = std::clamp(delay_ms, 0, kMaxDelayMs) - kLeadMs;
  const auto offset = static_cast<std::int64_t>(std::max(offset_ms, 0)) * kSamplesPerMs;
  // The capture frame lines up with the last rendered frame; its echo comes
  // from what was played `offset` samples before that.
  const auto frame_start = static_cast<std::int64_t>(e.rendered) -
                           static_cast<std::int64_t>(kAudioFrameSamples) - offset;
  for (std::size_t chunk = 0; chunk < 2; ++chunk) {
    const std::size_t base = chunk * kChunkSamples;
    for (std::size_t i = 0; i < kChunkSamples; ++i) {
      std::int16_t sample = frame[base + i];
      if (config_.high_pass_filter) {
        sample = e.high_pass.run(sample);
      }
      e.in[i] = sample;
      const std::int64_t at = frame_start + static_cast<std::int64_t>(base + i);
      const bool known = at >= 0 && static_cast<std::uint64_t>(at) < e.rendered &&
                         e.rendered - static_cast<std::uint64_t>(at) <= kHistorySamples;
      e.reference[i] = known ? e.history[static_cast<std::uint64_t>(at) % kHistorySamples] : 0;
    }
    if (e.echo != nullptr) {
      speex_echo_cancellation(e.echo, e.in.data(), e.reference.data(), e.out.data());
      const double before = energy(e.in.data(), kChunkSamples);
      const double after = energy(e.out.data(), kChunkSamples);
      // Echo: a far end worth hearing, and the filter took out more than half.
      e.has_echo =
          energy(e.reference.data(), kChunkSamples) > kChunkSamples * 100.0 && after < 0.5 * before;
    } else {
      e.out = e.in;
    }
    if (e.preprocess != nullptr) {
      speex_preprocess_run(e.preprocess, e.out.data());
    }
    std::copy(e.out.begin(), e.out.end(), frame.begin() + static_cast<std::ptrdiff_t>(base));
  }
  return {};
}

bool EchoCanceller::streamHasEcho() const { return config_.echo_cancellation && engine_->has_echo; }

}  // namespace parley::media
