#pragma once
// Protocol constants shared by client and server. Changing a limit here is a
// protocol change: document it in docs/protocol.md.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace parley::protocol {

inline constexpr std::uint32_t kProtocolVersion = 1;
inline constexpr std::size_t kFrameHeaderBytes = 4;
inline constexpr std::size_t kMaxFrameBytes = 1024 * 1024;  // payload, header excluded
// Until sign-in succeeds only hello, sign-in, ping, pong and error messages
// are accepted, all far smaller than this; a stranger announcing more is
// closed at once instead of holding a megabyte buffer open.
inline constexpr std::size_t kMaxFrameBytesBeforeSignIn = 16 * 1024;
inline constexpr std::size_t kMaxChatBytes = 16 * 1024;
inline constexpr std::size_t kMaxRoomNameBytes = 64;
inline constexpr std::size_t kMaxUserNameBytes = 64;
inline constexpr std::size_t kMaxPasswordBytes = 1024;
inline constexpr std::chrono::seconds kHandshakeTimeout{10};
// Media over the channel: one SRTP/SRTCP packet per MediaPacket. Larger ones
// are dropped and counted (like an oversized UDP datagram), not fatal.
inline constexpr std::size_t kMaxMediaPacketBytes = 2048;
inline constexpr std::size_t kMaxVideoDecoders = 8;
inline constexpr std::size_t kMaxCodecNameBytes = 16;
// Peer-path signalling: candidates per PeerSignal, and the longest candidate,
// ICE credential or fingerprint (net/ice checks the content itself).
inline constexpr std::size_t kMaxCandidatesPerSignal = 16;
inline constexpr std::size_t kMaxPeerFieldBytes = 256;
// Peer signals one member may send per attempt; more closes nothing but is
// dropped (a client trickles a handful of candidates).
inline constexpr std::size_t kMaxPeerSignalsPerAttempt = 64;
// Accounts plus groups in one room's admission list (RoomControl).
inline constexpr std::size_t kMaxAdmissionEntries = 256;
// Participants one server may list in one room's presence (interconnection).
inline constexpr std::size_t kMaxPresenceParticipants = 2000;
inline constexpr std::chrono::seconds kDefaultIdleTimeout{120};
inline constexpr std::chrono::seconds kDefaultKeepaliveInterval{20};

}  // namespace parley::protocol
