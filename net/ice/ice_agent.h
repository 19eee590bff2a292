#pragma once
// IceAgent: one ICE session (RFC 8445) with one component, through libnice
// (docs/adr/0015-ice-with-libnice.md). It gathers candidates from the host
// addresses it is given (never from interfaces it was not given, so a lab
// test cannot reach the machine's real network), from a STUN server and from
// TURN servers (UDP, TCP, TLS; TCP and TLS optionally through an HTTP or
// SOCKS5 proxy), trickles each one as soon as it is found, checks pairs with
// the peer's candidates as they arrive, and then carries datagrams on the
// selected pair. Consent freshness (RFC 7675) is on.
//
//   create() -> gather() -> on_candidate ... on_gathering_done
//               setRemoteCredentials(), addRemoteCandidate() ...
//               on_state(Checking -> Connected | Failed), on_selected_pair
//               send() / on_datagram
//
// Candidates travel as SDP attribute values ("candidate:1 1 UDP 2013266431
// 10.0.0.1 40000 typ host"), parsed and bounded here before libnice sees them.
//
// Threads: libnice runs on a GLib main loop on the agent's own thread; every
// event callback runs there and must not block (post to your own executor).
// The public methods may be called from any thread. Ownership: the owner
// destroys the agent from any thread but the agent's own (from a callback it
// would join itself); afterwards no callback runs.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace parley::net {

// Longest candidate attribute accepted from the wire (a TURN-over-TLS relay
// candidate with IPv6 addresses is about 150 characters).
inline constexpr std::size_t kMaxCandidateLength = 256;
// ICE credentials: RFC 8445 allows 4..256 ufrag and 22..256 pwd characters.
inline constexpr std::size_t kMaxIceCredentialLength = 256;

enum class IceState { New, Gathering, Checking, Connected, Failed, Closed };
const char* iceStateName(IceState state);

enum class IceCandidateType { Host, ServerReflexive, PeerReflexive, Relayed };
const char* iceCandidateTypeName(IceCandidateType type);

struct IceCredentials {
  std::string ufrag;
  std::string pwd;
};

struct IceStunServer {
  std::string ip;  // a literal address: resolve names before
  std::uint16_t port = 3478;
};

struct IceTurnServer {
  enum class Transport { Udp, Tcp, Tls };
  std::string ip;  // a literal address
  std::uint16_t port = 3478;
  Transport transport = Transport::Udp;
  std::string username;
  std::string password;
};

// How TURN over TCP or TLS leaves the machine when only a proxy lets it out.
struct IceProxy {
  enum class Type { None, Http, Socks5 };
  Type type = Type::None;
  std::string ip;  // a literal address
  std::uint16_t port = 0;
  std::string username;  // HTTP Basic or SOCKS5 user/password; empty: none
  std::string password;
};

struct IceAgentConfig {
  bool controlling = false;
  // The addresses host candidates come from (see local_interfaces.h for the
  // allow and deny lists); empty: no host candidates, only relayed ones.
  std::vector<std::string> host_addresses;
  // false: host and peer-reflexive candidates are gathered (they are needed
  // to reach the STUN and TURN servers) but never offered to the peer.
  bool offer_host_candidates = true;
  std::optional<IceStunServer> stun;
  std::vector<IceTurnServer> turn;
  IceProxy proxy;
  std::uint16_t port_min = 0;  // 0, 0: any port
  std::uint16_t port_max = 0;
  // The agent's thread receives the peer path's media: raise it as a voice
  // thread (net/platform/realtime_priority.h).
  bool realtime_priority = false;
};

struct IceSelectedPair {
  IceCandidateType local = IceCandidateType::Host;
  IceCandidateType remote = IceCandidateType::Host;
  std::string local_address;  // "ip:port"
  std::string remote_address;
  [[nodiscard]] bool relayed() const {
    return local == IceCandidateType::Relayed || remote == IceCandidateType::Relayed;
  }
};

struct IceEvents {
  std::function<void(std::string candidate)> on_candidate;
  std::function<void()> on_gathering_done;
  std::function<void(IceState)> on_state;
  std::function<void(IceSelectedPair)> on_selected_pair;
  std::function<void(std::span<const std::byte>)> on_datagram;
};

// Checks a candidate attribute from the wire: length, printable ASCII, the
// "candidate:" form with a component, transport, priority, address, port and
// type. What it accepts libnice can parse; what it refuses never reaches it.
Result<void> validateCandidateLine(std::string_view line);
Result<void> validateCredentials(const IceCredentials& credentials);

class IceAgent {
 public:
  static Result<std::unique_ptr<IceAgent>> create(IceAgentConfig config, IceEvents events);
  ~IceAgent();
  IceAgent(const IceAgent&) = delete;
  IceAgent& operator=(const IceAgent&) = delete;

  [[nodiscard]] IceCredentials localCredentials() const;
  // Starts gathering; candidates arrive through on_candidate.
  Result<void> gather();
  Result<void> setRemoteCredentials(const IceCredentials& credentials);
  // One trickled candidate of the peer (validated first).
  Result<void> addRemoteCandidate(const std::string& line);
  // The peer has sent all its candidates: checks may now fail for good.
  void remoteGatheringDone();
  // Sends one datagram on the selected pair; false when there is none yet
  // or the socket refused it.
  bool send(std::span<const std::byte> datagram);
  [[nodiscard]] IceState state() const;

  class Impl;

 private:
  explicit IceAgent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::net
