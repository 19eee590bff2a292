#pragma once
// The RTP SSRCs the server assigns: each participant gets one per stream kind,
// derived from its participant id, so they are unique among the live
// participants of a server without a table and a packet's SSRC names its
// sender. Bit 3 stays clear: a video stream's retransmissions (RTX) go under
// its SSRC with that bit set (media/rtp/rtx.h). Ids wrap after 2^28
// participants (a quarter billion connections of one process); the router
// refuses a duplicate if that ever happens.

#include <array>
#include <cstddef>
#include <cstdint>

namespace parley::server {

// Video goes out as two simulcast layers (full and a quarter-size one), so the
// server can give a slow receiver the small layer without slowing the rest.
enum class StreamKind : std::uint32_t {
  Audio = 1,
  Video = 2,
  Screen = 3,
  VideoLow = 4,
  ScreenLow = 5
};
inline constexpr std::size_t kStreamKinds = 5;

// Its low four bits (14) are no stream kind and no stream's RTX (9-13).
inline constexpr std::uint32_t kServerSsrc = 0xFFFFFFFEu;

inline std::uint32_t mediaSsrc(std::uint64_t participant_id, StreamKind kind) {
  return static_cast<std::uint32_t>(((participant_id & 0x0FFFFFFFu) << 4) |
                                    static_cast<std::uint32_t>(kind));
}

// All of a participant's SSRCs, indexed by StreamKind - 1 (the order of
// MediaLegInfo::ssrcs).
inline std::array<std::uint32_t, kStreamKinds> mediaSsrcs(std::uint64_t participant_id) {
  return {mediaSsrc(participant_id, StreamKind::Audio),
          mediaSsrc(participant_id, StreamKind::Video),
          mediaSsrc(participant_id, StreamKind::Screen),
          mediaSsrc(participant_id, StreamKind::VideoLow),
          mediaSsrc(participant_id, StreamKind::ScreenLow)};
}

}  // namespace parley::server
