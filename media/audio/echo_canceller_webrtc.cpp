#include "media/audio/echo_canceller.h"

#include <webrtc/modules/audio_processing/include/audio_processing.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace parley::media {
namespace {

static_assert(kAudioFrameSamples == 2 * EchoCanceller::kChunkSamples);

Unexpected apmError(const char* what, int code) {
  return makeError(ErrorCode::MediaCodecFailed, std::string("audio processing: ") + what +
                                                    " failed (" + std::to_string(code) + ")");
}

webrtc::StreamConfig monoConfig() { return webrtc::StreamConfig(kAudioSampleRateHz, 1, false); }

}  // namespace

struct EchoCanceller::Engine {
  std::unique_ptr<webrtc::AudioProcessing> apm;
  std::array<float, kChunkSamples> scratch{};
};

EchoCanceller::EchoCanceller(std::unique_ptr<Engine> engine, const EchoCancellerConfig& config)
    : engine_(std::move(engine)), config_(config) {}

EchoCanceller::~EchoCanceller() = default;

Result<std::unique_ptr<EchoCanceller>> EchoCanceller::create(const EchoCancellerConfig& config) {
  webrtc::Config extra;
  // Desktop sound stacks report their latency poorly, hence both options on
  // by default. Config::Set takes ownership of the raw pointers.
  extra.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(config.extended_filter));
  extra.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(config.delay_agnostic));
  std::unique_ptr<webrtc::AudioProcessing> apm(webrtc::AudioProcessing::Create(extra));
  if (!apm) {
    return makeError(ErrorCode::MediaCodecFailed, "audio processing: Create() failed");
  }
  const webrtc::ProcessingConfig processing = {
      {monoConfig(), monoConfig(), monoConfig(), monoConfig()}};
  if (int rc = apm->Initialize(processing); rc != webrtc::AudioProcessing::kNoError) {
    return apmError("Initialize", rc);
  }
  if (int rc = apm->high_pass_filter()->Enable(config.high_pass_filter); rc != 0) {
    return apmError("high_pass_filter", rc);
  }
  if (config.echo_cancellation) {
    webrtc::EchoCancellation* aec = apm->echo_cancellation();
    // Render and capture run on one clock here (the same duplex device, or
    // frames paced by the same callback), so no drift compensation.
    if (int rc = aec->enable_drift_compensation(false); rc != 0) {
      return apmError("enable_drift_compensation", rc);
    }
    const auto level = config.suppression == EchoCancellerConfig::Level::Low
                           ? webrtc::EchoCancellation::kLowSuppression
                       : config.suppression == EchoCancellerConfig::Level::High
                           ? webrtc::EchoCancellation::kHighSuppression
                           : webrtc::EchoCancellation::kModerateSuppression;
    if (int rc = aec->set_suppression_level(level); rc != 0) {
      return apmError("set_suppression_level", rc);
    }
    if (int rc = aec->Enable(true); rc != 0) {
      return apmError("echo_cancellation", rc);
    }
  }
  if (config.noise_suppression) {
    const auto level = config.suppression == EchoCancellerConfig::Level::Low
                           ? webrtc::NoiseSuppression::kLow
                       : config.suppression == EchoCancellerConfig::Level::High
                           ? webrtc::NoiseSuppression::kHigh
                           : webrtc::NoiseSuppression::kModerate;
    if (int rc = apm->noise_suppression()->set_level(level); rc != 0) {
      return apmError("noise_suppression level", rc);
    }
    if (int rc = apm->noise_suppression()->Enable(true); rc != 0) {
      return apmError("noise_suppression", rc);
    }
  }
  auto engine = std::make_unique<Engine>();
  engine->apm = std::move(apm);
  return std::unique_ptr<EchoCanceller>(new EchoCanceller(std::move(engine), config));
}

Result<void> EchoCanceller::processRender(const AudioFrame& frame) {
  const webrtc::StreamConfig stream = monoConfig();
  for (std::size_t chunk = 0; chunk < 2; ++chunk) {
    for (std::size_t i = 0; i < kChunkSamples; ++i) {
      engine_->scratch[i] = static_cast<float>(frame[chunk * kChunkSamples + i]) / 32768.0F;
    }
    float* channels[1] = {engine_->scratch.data()};
    if (int rc = engine_->apm->ProcessReverseStream(channels, stream, stream, channels); rc != 0) {
      return apmError("ProcessReverseStream", rc);
    }
  }
  return {};
}

Result<void> EchoCanceller::processCapture(AudioFrame& frame, int delay_ms) {
  const webrtc::StreamConfig stream = monoConfig();
  for (std::size_t chunk = 0; chunk < 2; ++chunk) {
    for (std::size_t i = 0; i < kChunkSamples; ++i) {
      engine_->scratch[i] = static_cast<float>(frame[chunk * kChunkSamples + i]) / 32768.0F;
    }
    // The library rejects delays outside [0, 500] ms; clamping keeps a bad
    // device estimate from disabling the canceller.
    (void)engine_->apm->set_stream_delay_ms(std::clamp(delay_ms, 0, 500));
    float* channels[1] = {engine_->scratch.data()};
    if (int rc = engine_->apm->ProcessStream(channels, stream, stream, channels); rc != 0) {
      return apmError("ProcessStream", rc);
    }
    for (std::size_t i = 0; i < kChunkSamples; ++i) {
      const float scaled = std::round(engine_->scratch[i] * 32768.0F);
      frame[chunk * kChunkSamples + i] =
          static_cast<std::int16_t>(std::clamp(scaled, -32768.0F, 32767.0F));
    }
  }
  return {};
}

bool EchoCanceller::streamHasEcho() const {
  return config_.echo_cancellation && engine_->apm->echo_cancellation()->stream_has_echo();
}

}  // namespace parley::media
