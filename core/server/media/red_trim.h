#pragma once
// Redundant voice copies that would land on the wrong packets. A RED packet
// (RFC 2198) carries copies of the packets sent just before it, and Parley's
// receivers file the i-th of n copies as the packet n - i sequence numbers
// back (media/rtp/red_payload.h). The server renumbers what it forwards of a
// voice to close the gaps its speaker selection leaves (media_router_leg.h,
// audio_held_back), so after a held-back stretch a copy's "n - i back" names
// a different packet than the one it copies: a listener would play a frame
// of stale audio in place of a lost one, or refuse a good packet as a
// duplicate. Copies reaching into the held-back stretch are dropped.

#include <cstddef>
#include <span>
#include <vector>

#include "media/rtp/rtp_packet.h"

namespace parley::server {

// Writes `packet` (RED, parsed as `rtp`) into `out` with only the redundant
// copies fewer than `max_back` packets back (the newest max_back - 1 of
// them; none for max_back <= 1), and without padding. Returns false, with
// `out` unspecified, when no copy reaches that far back, or when the payload
// is not valid RED: the packet then goes on as it came (a receiver judges a
// malformed one as it would have anyway).
bool trimRedCopies(std::span<const std::byte> packet, const media::RtpPacketView& rtp,
                   std::size_t max_back, std::vector<std::byte>& out);

}  // namespace parley::server
