#pragma once
// MediaLink: how a ClientSession hands the media side of a meeting to the
// call (core/client/call/): where to send media and with which keys after
// each (re)join, media packets that arrived inside the TLS channel (the TCP
// fallback), who is present with which SSRCs, and when the connection is gone.
//
// Threads: every method is called on the session's strand; an implementation
// that lives elsewhere posts. Ownership: the front end owns the link and
// keeps it alive until the session has stopped (like SessionObserver).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/client/session_observer.h"

namespace parley::client {

// Sends one media message on the current channel: `packet` (SRTP/SRTCP) as a
// MediaPacket; `urgent` puts it ahead of queued chat and video (audio). Does
// nothing once that channel is gone.
using MediaPacketSender = std::function<void(std::string packet, bool urgent)>;
// Tells the server which path to send this client's media on.
using MediaTransportSender = std::function<void(bool udp)>;

struct MediaOfferInfo {
  std::string server_host;  // the host the session connects to
  std::uint16_t udp_port = 0;
  std::uint32_t audio_ssrc = 0;
  std::uint32_t video_ssrc = 0;
  std::uint32_t screen_ssrc = 0;
  std::uint32_t video_low_ssrc = 0;
  std::uint32_t screen_low_ssrc = 0;
  std::uint32_t server_ssrc = 0;
  std::string video_codec;  // "VP9" or "VP8"
  std::uint8_t audio_payload_type = 111;
  std::uint8_t video_payload_type = 96;
  std::vector<std::byte> keying;  // the channel's exporter output
  // How the control connection got out ("direct", "http", "socks5", ...)
  // and its first hop: TURN over TCP/TLS for peer paths takes the same way
  // out when it is a proxy.
  std::string connection_method;
  std::string first_hop_address;
  std::uint16_t first_hop_port = 0;
  MediaPacketSender send_packet;
  MediaTransportSender send_transport;
};

// Peer paths (two-person rooms): what the server hands each member, and the
// signals relayed between them (core/protocol/parley.proto, PeerPathStart).
struct IceServerInfo {
  std::string kind;       // "stun" or "turn"
  std::string transport;  // "udp", "tcp", "tls"
  std::string address;    // numeric
  std::uint16_t port = 0;
  std::string username;
  std::string password;
};

struct PeerPathStartInfo {
  std::uint64_t attempt = 0;
  std::uint64_t peer_participant_id = 0;
  bool controlling = false;
  std::vector<IceServerInfo> servers;
};

struct PeerSignalInfo {
  std::uint64_t attempt = 0;
  std::string ice_ufrag;
  std::string ice_pwd;
  std::string dtls_fingerprint;
  std::vector<std::string> candidates;
  bool end_of_candidates = false;
};

using PeerSignalSender = std::function<void(PeerSignalInfo)>;
// Tells the server where this member's media goes now ("peer-to-peer",
// "relayed (TURN)", "via server") for the participants list.
using PeerStateSender =
    std::function<void(std::uint64_t attempt, std::string path, std::uint32_t rtt_ms)>;

class MediaLink {
 public:
  virtual ~MediaLink() = default;
  // After every join and rejoin: a new leg (new keys, new SSRCs).
  virtual void onMediaOffer(MediaOfferInfo offer) = 0;
  virtual void onMediaPacket(std::string packet) = 0;
  virtual void onVideoCodecChanged(const std::string& codec, std::uint8_t payload_type) = 0;
  // Everyone present (on join), then each change.
  virtual void onParticipantsChanged(const std::vector<ParticipantInfo>& participants) = 0;
  // The connection is gone (a reconnect may follow with a new offer).
  virtual void onMediaStopped() = 0;
  // The server asks for a peer-path attempt, relays the peer's signals, and
  // ends the attempt. Links without peer paths ignore them.
  virtual void onPeerPathStart(PeerPathStartInfo /*start*/, PeerSignalSender /*send_signal*/,
                               PeerStateSender /*send_state*/) {}
  virtual void onPeerSignal(PeerSignalInfo /*signal*/) {}
  virtual void onPeerPathStop(std::uint64_t /*attempt*/, std::string /*reason*/) {}
};

}  // namespace parley::client
