#pragma once
// MediaTransport: the client's end of one media leg to the server. It
// protects what the call sends with SRTP and delivers what arrives, over UDP
// when UDP gets through and inside the TLS channel when it does not:
//
//            configure(offer)
//                  |
//                  v
//   +---------- Probing ----------+   an authenticated answer on UDP
//   | media goes over TCP         |------------------------------+
//   | probes every 250 ms         |  (once the server has checked  |
//   |                             |   our address, see below)      v
//   +-----------------------------+                             Udp
//          | no answer in 2 s                  |  media over UDP, keep-alive
//          v                                   |  probe every 1 s
//         Tcp  <-------------------------------+  nothing heard for 3 s
//   media over TCP, probes backing off from         (every 250 ms once an
//   250 ms to 1 s (250 ms while the server's         answer is overdue)
//   checks come); an answer switches back to Udp
//
// While probing, media already flows over TCP, so a call starts without a
// gap and a network that drops UDP silently costs nothing but the probes.
// The server sends on the path this client names (MediaTransport message),
// and over UDP only to an address it has checked: the first time and after
// every address change it sends a check with a nonce, which this class
// echoes at once, and again with each probe until UDP is confirmed, so a
// lossy uplink does not wait for the server's slow resend of the check
// (net/media_transport/address_check.h).
//
// Threads: everything on the session's strand (the executor given); the
// receive callback runs there. Ownership: owned by the Call; destroying it
// closes the UDP socket and cancels its timers.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>

#include "core/base/clock.h"
#include "core/client/media_link.h"
#include "net/media_transport/dscp.h"
#include "net/media_transport/srtp_session.h"
#include "net/media_transport/udp_media_socket.h"

namespace parley::client {

struct MediaTransportConfig {
  bool allow_udp = true;  // false: TCP only (e.g. --media-transport tcp)
  net::DscpMarks dscp;
  std::chrono::milliseconds probe_interval{250};
  std::chrono::milliseconds udp_answer_timeout{2000};
  std::chrono::milliseconds keepalive_interval{1000};
  std::chrono::milliseconds udp_silence_timeout{3000};
};

enum class MediaPath { Off, Probing, Udp, Tcp };
const char* mediaPathName(MediaPath path);

class MediaTransport {
 public:
  // plain: the decrypted RTP or RTCP packet; rtcp tells which.
  using Receiver = std::function<void(std::span<const std::byte> plain, bool rtcp)>;
  using PathObserver = std::function<void(MediaPath)>;

  struct Counters {
    std::uint64_t sent_udp = 0;
    std::uint64_t sent_tcp = 0;
    std::uint64_t sent_bytes = 0;
    std::uint64_t received_udp = 0;
    std::uint64_t received_tcp = 0;
    std::uint64_t received_bytes = 0;
    std::uint64_t dropped_auth = 0;  // bad tag, replay, not SRTP
    std::uint64_t dropped_not_ready = 0;
    // The server's checks (net/media_transport/address_check.h), each
    // counted once however often its answer is repeated.
    std::uint64_t address_checks_answered = 0;
  };

  MediaTransport(asio::any_io_executor executor, MediaTransportConfig config, const Clock& clock);
  ~MediaTransport();
  MediaTransport(const MediaTransport&) = delete;
  MediaTransport& operator=(const MediaTransport&) = delete;

  void setReceiver(Receiver receiver) { receiver_ = std::move(receiver); }
  void setPathObserver(PathObserver observer) { path_observer_ = std::move(observer); }

  // A new leg: keys, SSRCs, where the server's UDP port is. Starts probing.
  void configure(MediaOfferInfo offer);
  // The connection is gone: stop sending until the next configure().
  void stop();

  // Protects and sends one plain RTP packet (or RTCP when `rtcp`).
  // `audio` marks voice: urgent on TCP, EF on UDP. Copies into a buffer kept
  // for the next packet: nothing is allocated per packet on UDP.
  void send(std::span<const std::byte> plain, bool rtcp, net::TrafficClass traffic_class);
  // A MediaPacket from the channel.
  void onChannelPacket(std::string packet);

  [[nodiscard]] MediaPath path() const { return path_; }
  [[nodiscard]] const Counters& counters() const { return counters_; }
  [[nodiscard]] bool ready() const { return outbound_.has_value(); }
  [[nodiscard]] const MediaOfferInfo& offer() const { return offer_; }
  // The server's media port, once resolved (it also answers STUN Binding).
  [[nodiscard]] std::optional<asio::ip::udp::endpoint> serverUdpEndpoint() const {
    return udp_open_ ? std::optional(server_udp_) : std::nullopt;
  }
  // Round trip over UDP, from the last probe and the server's answer.
  [[nodiscard]] std::optional<Clock::Duration> udpRoundTrip() const { return rtt_; }

 private:
  void resolveAndOpen();
  void openUdp(const asio::ip::udp::endpoint& server);
  void onDatagram(std::span<std::byte> datagram);
  void deliver(std::span<std::byte> packet, bool via_udp);
  void sendProbe();
  void answerAddressCheck(std::uint64_t nonce);
  void armProbe(std::chrono::milliseconds after);
  void onProbeTimer();
  std::chrono::milliseconds nextProbeInterval(Clock::TimePoint now);
  void setPath(MediaPath path);

  asio::any_io_executor executor_;
  MediaTransportConfig config_;
  const Clock& clock_;
  MediaOfferInfo offer_;
  std::optional<net::SrtpSession> outbound_;
  std::optional<net::SrtpSession> inbound_;
  std::unique_ptr<net::UdpMediaSocket> udp_;
  asio::ip::udp::endpoint server_udp_;
  bool udp_open_ = false;
  MediaPath path_ = MediaPath::Off;
  Clock::TimePoint probing_since_{};
  Clock::TimePoint last_udp_rx_{};
  std::optional<Clock::TimePoint> probe_sent_at_;
  // The server's last address check while UDP is not confirmed: its answer
  // goes again with each probe (it may have been lost on the way), and while
  // checks keep coming the path passes both ways, so probing goes on for up
  // to twice the answer timeout before falling back.
  std::optional<std::uint64_t> unconfirmed_check_;
  std::optional<Clock::TimePoint> last_check_at_;
  std::optional<Clock::Duration> rtt_;
  std::chrono::milliseconds tcp_probe_interval_{};  // doubles on TCP up to the keep-alive's
  asio::steady_timer probe_timer_;
  std::uint64_t generation_ = 0;  // bumps on configure/stop: stale callbacks do nothing
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  Receiver receiver_;
  PathObserver path_observer_;
  Counters counters_;
  std::vector<std::byte> send_buffer_;  // the packet being protected, its capacity kept
};

}  // namespace parley::client
