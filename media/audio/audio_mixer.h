#pragma once
// Mixing of 20 ms frames: several remote voices into what the speaker plays
// (client), with an optional gain per stream (a participant's volume
// slider). Free functions on caller-owned frames; thread-safe, no
// allocation, so they run on the audio callback.

#include <cstddef>
#include <span>

#include "media/audio/audio_format.h"

namespace parley::media {

inline constexpr float kMaxMixGain = 8.0F;  // +18 dB; louder is a bug, not a preference

struct MixInput {
  const AudioFrame* frame = nullptr;  // null inputs are skipped
  float gain = 1.0F;                  // clamped to [0, kMaxMixGain]
};

// out = saturate(sum of gain * frame). Accumulates in int32 and clamps once
// at the end, so two loud voices clip rather than wrap around.
void mixFrames(std::span<const MixInput> inputs, AudioFrame& out);

// Same with unit gains.
void mixFrames(std::span<const AudioFrame* const> inputs, AudioFrame& out);

// Scales one frame in place, with saturation.
void applyGain(AudioFrame& frame, float gain);

}  // namespace parley::media
