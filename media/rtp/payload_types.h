#pragma once
// The RTP payload types Parley uses on every leg (dynamic range, RFC 3551).
// Fixed rather than negotiated: both ends are Parley, and the server's
// MediaOffer names the room's video codec.

#include <cstdint>

namespace parley::media {

inline constexpr std::uint8_t kOpusPayloadType = 111;
inline constexpr std::uint8_t kVp8PayloadType = 96;
inline constexpr std::uint8_t kVp9PayloadType = 98;
// Opus with redundancy (RFC 2198, red_payload.h), on the audio SSRC while
// the receivers report loss; its blocks carry kOpusPayloadType.
inline constexpr std::uint8_t kRedPayloadType = 63;

}  // namespace parley::media
