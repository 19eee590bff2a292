#pragma once
// UdpMediaSocket: one UDP socket for RTP/RTCP (muxed, RFC 5761), used by the
// server's media port and by each client. Sends are synchronous and
// non-blocking: a datagram the kernel cannot take right now is dropped and
// counted, as media must never queue behind itself (a late packet is worth
// nothing). Receives run as one asynchronous read that then drains whatever
// else is ready without going back to the reactor, so a busy port costs one
// epoll wake-up per batch, not per packet.
//
// DSCP: the socket carries the mark of the class last sent; a send of another
// class changes it first (one setsockopt, only on a change).
//
// Threads: all methods on the socket's executor (a strand or a
// single-threaded io_context); the receive callback runs there too.
// Ownership: owned by its user; destroying it closes the socket, and the
// callback is not called after close() returns.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include <asio/any_io_executor.hpp>
#include <asio/ip/udp.hpp>

#include "core/base/result.h"
#include "net/media_transport/dscp.h"

namespace parley::net {

class UdpMediaSocket {
 public:
  // Anything longer is not a media packet of ours and is dropped.
  static constexpr std::size_t kMaxDatagram = 2048;
  using Receiver = std::function<void(std::span<std::byte>, const asio::ip::udp::endpoint&)>;

  struct Counters {
    std::uint64_t sent = 0;
    std::uint64_t send_dropped = 0;  // would block, or refused by the kernel
    std::uint64_t received = 0;
    std::uint64_t received_bytes = 0;
    std::uint64_t oversized = 0;
  };

  UdpMediaSocket(asio::any_io_executor executor, DscpMarks marks);
  ~UdpMediaSocket();
  UdpMediaSocket(const UdpMediaSocket&) = delete;
  UdpMediaSocket& operator=(const UdpMediaSocket&) = delete;

  // Binds (port 0: any) and returns the bound endpoint. Synchronous.
  Result<asio::ip::udp::endpoint> bind(const asio::ip::udp::endpoint& local);
  // Starts delivering datagrams to `receiver`. Call once, after bind().
  void start(Receiver receiver);
  // Sends one datagram now or drops it. Returns false when dropped.
  bool send(std::span<const std::byte> datagram, const asio::ip::udp::endpoint& to,
            TrafficClass traffic_class);
  void close();

  [[nodiscard]] const Counters& counters() const { return counters_; }
  [[nodiscard]] NativeSocket nativeHandleForTest() { return socket_.native_handle(); }
  // The DSCP warning, when the OS refused a mark (empty otherwise).
  [[nodiscard]] const std::string& dscpProblem() const { return dscp_problem_; }

 private:
  struct Shared;
  void readMore();

  asio::ip::udp::socket socket_;
  DscpMarks marks_;
  int current_mark_ = -1;
  bool ipv6_ = false;
  std::string dscp_problem_;
  Counters counters_;
  // Alive while the socket is open; the pending read holds it weakly.
  std::shared_ptr<Shared> shared_;
};

}  // namespace parley::net
