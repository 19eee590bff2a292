#pragma once
// The one voice format Parley uses end to end (docs/media.md, "Voice"): Opus at
// 48 kHz, mono, 20 ms frames, int16 PCM between capture, codec, mixer and
// playback. Anything else (WAV files, sound devices) converts at the edge.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace parley::media {

inline constexpr int kAudioSampleRateHz = 48000;
inline constexpr int kAudioChannels = 1;
inline constexpr std::chrono::milliseconds kAudioFrameDuration{20};
inline constexpr std::size_t kAudioFrameSamples = 960;  // 20 ms at 48 kHz
static_assert(kAudioFrameSamples ==
              static_cast<std::size_t>(kAudioSampleRateHz) * kAudioFrameDuration.count() / 1000);

// RTP clock of the Opus payload (RFC 7587 section 4.1: always 48 kHz).
inline constexpr std::uint32_t kOpusRtpClockRate = 48000;
inline constexpr std::uint32_t kRtpTicksPerFrame = 960;

// Largest Opus packet for one frame (RFC 6716 section 3.2.1), so buffers
// sized for it never truncate a packet our encoder produced.
inline constexpr std::size_t kMaxOpusPacketBytes = 1275;
// Largest payload the receive side accepts: anything a UDP datagram within a
// 1500-byte MTU could carry. Larger ones are refused, not truncated.
inline constexpr std::size_t kMaxAudioPayloadBytes = 1500;
// Opus DTX frames are one or two bytes (TOC only); senders may skip them.
inline constexpr std::size_t kMaxDtxPacketBytes = 2;

// 20 ms of mono PCM. A plain array so frames live on the stack or inside
// preallocated buffers and copying one never allocates.
using AudioFrame = std::array<std::int16_t, kAudioFrameSamples>;

}  // namespace parley::media
