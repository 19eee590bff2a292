#pragma once
// The client-to-mixer audio level (RFC 6464) in an RTP one-byte header
// extension (RFC 8285 section 4.2). Senders put it on every Opus packet; the
// server reads it to forward only the loudest speakers of a big room without
// touching the payload (docs/media.md, "Audio level").
//
// Plain functions and value types: safe to call from any thread.

#include <cstdint>
#include <optional>
#include <span>

#include "media/rtp/rtp_packet.h"

namespace parley::media {

// The extension's local ID (1..14) in Parley's RTP: fixed by the protocol,
// not negotiated (docs/media.md).
inline constexpr std::uint8_t kAudioLevelExtensionId = 1;
// RFC 8285 section 4.2: the one-byte header form's "defined by profile" value.
inline constexpr std::uint16_t kOneByteExtensionProfile = 0xBEDE;
// RFC 6464: 127 is the level for digital silence (-127 dBov or quieter).
inline constexpr std::uint8_t kAudioLevelSilent = 127;

struct AudioLevel {
  std::uint8_t level = kAudioLevelSilent;  // -dBov, 0 (loudest) .. 127 (silence)
  bool voice = false;                      // the V bit: the sender thinks it is speech

  bool operator==(const AudioLevel&) const = default;
};

// The audio level element with ID `id` in a one-byte header extension, or
// nothing when the packet has no such extension, it is not the one-byte form,
// the element is absent, or the elements are malformed (an element running
// past the end, a level element whose length is not 1). Never reads outside
// the extension's words.
std::optional<AudioLevel> findAudioLevel(const RtpHeader& header,
                                         std::uint8_t id = kAudioLevelExtensionId);

// Sets `header.extension` to a one-byte header extension holding only the
// audio level element (one 32-bit word: the element and two padding bytes).
// Reuses the extension's storage when it already has one word, so a sender
// that keeps its RtpHeader does not allocate per packet.
void setAudioLevel(RtpHeader& header, AudioLevel level, std::uint8_t id = kAudioLevelExtensionId);

// The level of 16-bit PCM in -dBov (RFC 6464 section 3: the RMS of the
// samples relative to a full-scale square wave), rounded and clamped to
// 0..127. An empty span is silence.
std::uint8_t pcmLevelDbov(std::span<const std::int16_t> samples);

}  // namespace parley::media
