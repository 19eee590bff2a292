#pragma once
// Conversions between the peer-path messages on the wire (PeerPathStart,
// PeerSignal) and the call's plain structs (media_link.h), so the session
// only routes them. Pure functions.

#include "core/client/media_link.h"
#include "core/protocol/message_codec.h"

namespace parley::client {

PeerPathStartInfo peerStartFromProto(const proto::PeerPathStart& in);
PeerSignalInfo peerSignalFromProto(const proto::PeerSignal& in);
// Fills a PeerSignal; candidates beyond the protocol's per-message bound are
// left out (the caller trickles one at a time).
void peerSignalToProto(const PeerSignalInfo& in, proto::PeerSignal& out);

}  // namespace parley::client
