#include "media/audio/audio_mixer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace parley::media {
namespace {

using Accumulator = std::array<std::int32_t, kAudioFrameSamples>;

// Gains are applied in Q12 fixed point: exact for unity gain, and at most
// 2^15 * 8 * 2^12 = 2^30 per product, which int32 holds.
constexpr int kGainShift = 12;

std::int32_t gainQ12(float gain) {
  if (!(gain > 0.0F)) {  // also catches NaN
    return 0;
  }
  gain = std::min(gain, kMaxMixGain);
  return static_cast<std::int32_t>(std::lround(gain * static_cast<float>(1 << kGainShift)));
}

void addScaled(Accumulator& acc, const AudioFrame& frame, std::int32_t gain_q12) {
  if (gain_q12 == (1 << kGainShift)) {
    for (std::size_t i = 0; i < acc.size(); ++i) {
      acc[i] += frame[i];
    }
    return;
  }
  for (std::size_t i = 0; i < acc.size(); ++i) {
    acc[i] += (frame[i] * gain_q12) / (1 << kGainShift);
  }
}

void saturate(const Accumulator& acc, AudioFrame& out) {
  for (std::size_t i = 0; i < acc.size(); ++i) {
    out[i] = static_cast<std::int16_t>(
        std::clamp<std::int32_t>(acc[i], std::numeric_limits<std::int16_t>::min(),
                                 std::numeric_limits<std::int16_t>::max()));
  }
}

}  // namespace

void mixFrames(std::span<const MixInput> inputs, AudioFrame& out) {
  // int32 holds 2^30 / 2^18 = 4096 streams at maximum gain before it could
  // overflow; a room never has that many.
  Accumulator acc{};
  for (const MixInput& input : inputs) {
    if (input.frame != nullptr) {
      addScaled(acc, *input.frame, gainQ12(input.gain));
    }
  }
  saturate(acc, out);
}

void mixFrames(std::span<const AudioFrame* const> inputs, AudioFrame& out) {
  Accumulator acc{};
  for (const AudioFrame* frame : inputs) {
    if (frame != nullptr) {
      addScaled(acc, *frame, 1 << kGainShift);
    }
  }
  saturate(acc, out);
}

void applyGain(AudioFrame& frame, float gain) {
  Accumulator acc{};
  addScaled(acc, frame, gainQ12(gain));
  saturate(acc, frame);
}

}  // namespace parley::media
