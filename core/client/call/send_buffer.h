#pragma once
// The capacity the call's two send paths (MediaTransport to the server,
// PeerPath to the peer) keep for the packet they protect: the largest media
// packet and what SRTP adds to it. Reserved once, it keeps the copy of each
// outgoing packet free of allocation on the network thread, which voice
// shares (docs/media.md, "A busy machine").

#include <cstddef>

#include "media/rtp/rtp_packet.h"
#include "net/media_transport/srtp_session.h"

namespace parley::client {

inline constexpr std::size_t kSendBufferCapacity =
    media::kMaxMediaPacketSize + net::kSrtpMaxOverhead;

}  // namespace parley::client
