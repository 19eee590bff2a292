#pragma once
// PeerPath: one attempt at a direct media path to the other member of a
// two-person room. It gathers ICE candidates (net/ice/ice_agent.h) and
// trickles them through the server, checks the peer's, runs DTLS-SRTP over
// the selected pair with the fingerprint the server relayed, and then
// carries SRTP between the two clients:
//
//   start() -> Connecting --ICE connected, DTLS done, first packet in--> Verified
//                  |                                                     |
//                  +---- ICE failed, DTLS failed, wrong fingerprint -----+--> Failed
//                                          nothing heard for 500 ms ----+
//
// A keep-alive RTCP sender report leaves every 100 ms, so silence (DTX)
// never looks like a dead path, and its echo gives the round trip. The call
// decides what to send where (call.cpp); this class only says whether the
// path is usable.
//
// Threads: everything on the call strand (the executor given); the ICE
// agent's thread only posts here. Ownership: owned by the Call; destroying
// it stops the agent (joining its thread) and cancels the timers.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

#include "core/base/clock.h"
#include "core/client/media_link.h"
#include "net/ice/dtls_srtp_handshake.h"
#include "net/ice/ice_agent.h"
#include "net/ice/local_interfaces.h"
#include "net/media_transport/srtp_session.h"

namespace parley::client {

struct PeerPathConfig {
  net::InterfacePolicy interfaces;
  bool hide_local_addresses = false;  // offer only server-reflexive and relayed
  // How TURN over TCP/TLS leaves when only a proxy lets traffic out (the
  // proxy that won the connection race, when it is one libnice can use).
  net::IceProxy proxy;
  // Asked for our public address when the server names no STUN server:
  // parleyd's own media port answers Binding requests.
  std::optional<net::IceStunServer> fallback_stun;
  std::chrono::milliseconds keepalive_interval{100};
  std::chrono::milliseconds silence_timeout{500};
  // Checks that have not connected by then never will on a network a
  // meeting can use; the attempt ends and media stays on the server.
  std::chrono::milliseconds connect_timeout{10000};
  // Raise the ICE agent's thread, which receives the peer's voice.
  bool realtime_priority = true;
};

class PeerPath {
 public:
  enum class State { Connecting, Verified, Failed };
  using Receiver = std::function<void(std::span<const std::byte> plain, bool rtcp)>;
  using StateObserver = std::function<void(State, const std::string& why)>;

  struct Counters {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    std::uint64_t dropped_auth = 0;
    std::uint64_t rejected_candidates = 0;  // the peer's, not understood or not allowed
  };
  // How long each step took, from start(): where a slow connect spends
  // its time (stats, benchmarks).
  struct Milestones {
    std::optional<Clock::Duration> first_candidate;
    std::optional<Clock::Duration> remote_credentials;
    std::optional<Clock::Duration> ice_connected;
    std::optional<Clock::Duration> dtls_done;
    std::optional<Clock::Duration> verified;
  };

  PeerPath(asio::any_io_executor executor, PeerPathConfig config, const Clock& clock,
           PeerPathStartInfo start, std::uint32_t local_ssrc, PeerSignalSender send_signal);
  ~PeerPath();
  PeerPath(const PeerPath&) = delete;
  PeerPath& operator=(const PeerPath&) = delete;

  void setReceiver(Receiver receiver) { receiver_ = std::move(receiver); }
  void setStateObserver(StateObserver observer) { observer_ = std::move(observer); }

  // Creates the agent and the DTLS identity, sends the first signal and
  // starts gathering. A failure leaves the path Failed (and says why).
  void start();
  void onSignal(const PeerSignalInfo& signal);

  // Protects and sends one plain RTP/RTCP packet; false when the path
  // cannot carry it (not ready, or failed).
  // Copies into a buffer kept for the next packet (no allocation per packet).
  bool send(std::span<const std::byte> plain, bool rtcp);

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] std::uint64_t attempt() const { return start_.attempt; }
  // "peer-to-peer" or "relayed (TURN)", from the selected pair.
  [[nodiscard]] std::string pathName() const;
  [[nodiscard]] std::optional<Clock::Duration> roundTrip() const { return rtt_; }
  [[nodiscard]] const Counters& counters() const { return counters_; }
  [[nodiscard]] const Milestones& milestones() const { return milestones_; }
  [[nodiscard]] const std::vector<std::string>& localCandidates() const {
    return local_candidates_;
  }

 private:
  void fail(const std::string& why);
  void onIceState(net::IceState state);
  void onDatagram(std::vector<std::byte> datagram);
  void onRtcp(std::span<const std::byte> plain);
  void maybeStartDtls();
  void onDtlsProgress();
  void armDtlsTimer();
  void armTick();
  void onTick();
  void sendKeepalive();
  void mark(std::optional<Clock::Duration>& milestone);
  void sendDtls(std::span<const std::byte> datagram);
  void flushDtls();
  [[nodiscard]] std::uint32_t ntpMiddle(Clock::TimePoint at) const;

  asio::any_io_executor executor_;
  PeerPathConfig config_;
  const Clock& clock_;
  PeerPathStartInfo start_;
  std::uint32_t local_ssrc_;
  PeerSignalSender send_signal_;
  Receiver receiver_;
  StateObserver observer_;
  State state_ = State::Connecting;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  std::shared_ptr<const net::DtlsIdentity> identity_;
  std::unique_ptr<net::IceAgent> agent_;
  std::unique_ptr<net::DtlsSrtpHandshake> dtls_;
  std::optional<net::SrtpSession> outbound_;
  std::optional<net::SrtpSession> inbound_;
  std::string remote_fingerprint_;
  bool have_remote_credentials_ = false;
  Milestones milestones_;
  // DTLS records made before the agent had a pair to send them on (one
  // flight at most: a handful of datagrams).
  static constexpr std::size_t kMaxUnsentDtls = 8;
  std::deque<std::vector<std::byte>> unsent_dtls_;
  std::vector<std::byte> send_buffer_;  // the packet being protected, its capacity kept
  bool ice_connected_ = false;
  std::optional<net::IceSelectedPair> pair_;
  std::vector<std::string> local_candidates_;

  asio::steady_timer dtls_timer_;
  asio::steady_timer tick_timer_;
  Clock::TimePoint started_at_{};
  Clock::TimePoint last_rx_{};
  Clock::TimePoint last_keepalive_{};
  // The peer's last sender report: its middle NTP bits and when it came.
  std::uint32_t peer_ssrc_ = 0;
  std::uint32_t peer_lsr_ = 0;
  Clock::TimePoint peer_sr_at_{};
  std::optional<Clock::Duration> rtt_;
  Counters counters_;
};

}  // namespace parley::client
