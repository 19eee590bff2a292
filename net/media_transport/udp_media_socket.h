#pragma once
// UdpMediaSocket: one UDP socket for RTP/RTCP (muxed, RFC 5761), used by the
// server's media port and by each client. Sends are synchronous and
// non-blocking: a datagram the kernel cannot take right now is dropped and
// counted, as media must never queue behind itself (a late packet is worth
// nothing). Receives run as one asynchronous read that then drains whatever
// else is ready without going back to the reactor, so a busy port costs one
// epoll wake-up per batch, not per packet.
//
// Batched system calls (Linux; `batched` in the constructor): the drain
// reads up to kReceiveBatch datagrams per recvmmsg, and what the receive
// callback sends meanwhile is queued and goes out with sendmmsg after the
// batch (or when kSendBatch are queued), in the order it was sent, so each
// destination gets its packets in order. A send outside a receive callback
// goes at once. Without batching (other systems, or `batched` false for
// comparison) every datagram is one recvfrom or sendto. With `segmented`
// too (Linux), the queue goes as one segmented send per destination and run
// of equal sizes (UDP GSO, net/platform/datagram_batch.h); a kernel or
// device that refuses it three batches in a row turns it off for the socket.
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
#include "net/platform/datagram_batch.h"

namespace parley::net {

class UdpMediaSocket {
 public:
  // Anything longer is not a media packet of ours and is dropped.
  static constexpr std::size_t kMaxDatagram = 2048;
  // Datagrams per recvmmsg, and sends queued at most before a sendmmsg:
  // 32 x 2 KiB and 64 x 2 KiB of buffers, made once in start().
  static constexpr std::size_t kReceiveBatch = 32;
  static constexpr std::size_t kSendBatch = 64;
  using Receiver = std::function<void(std::span<std::byte>, const asio::ip::udp::endpoint&)>;

  struct Counters {
    std::uint64_t sent = 0;
    std::uint64_t send_dropped = 0;  // would block, or refused by the kernel
    std::uint64_t received = 0;
    std::uint64_t received_bytes = 0;
    std::uint64_t oversized = 0;
    // System calls made to receive (the last, empty one of a drain
    // included) and to send.
    std::uint64_t receive_calls = 0;
    std::uint64_t send_calls = 0;
  };

  // `batched`: use recvmmsg/sendmmsg where the system has them;
  // `segmented`: and UDP segmentation offload for what is queued.
  UdpMediaSocket(asio::any_io_executor executor, DscpMarks marks, bool batched = true,
                 bool segmented = true);
  ~UdpMediaSocket();
  UdpMediaSocket(const UdpMediaSocket&) = delete;
  UdpMediaSocket& operator=(const UdpMediaSocket&) = delete;

  // Binds (port 0: any) and returns the bound endpoint. Synchronous.
  Result<asio::ip::udp::endpoint> bind(const asio::ip::udp::endpoint& local);
  // Starts delivering datagrams to `receiver`. Call once, after bind().
  void start(Receiver receiver);
  // Sends one datagram now (queued until the end of the receive batch when
  // called from the receive callback) or drops it. Returns false when
  // dropped; a queued datagram that is dropped later is only counted.
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
  // The drain of one wake-up, one datagram per call or in batches.
  void drainSingly(Shared& self);
  void drainBatched(Shared& self);
  void flushQueued();
  void applyMark(TrafficClass traffic_class);

  asio::ip::udp::socket socket_;
  DscpMarks marks_;
  bool batched_ = false;
  bool segmented_ = false;
  static constexpr int kSegmentationRefusalsToGiveUp = 3;  // batches in a row
  int segmentation_refusals_ = 0;
  bool in_receive_batch_ = false;
  int current_mark_ = -1;
  bool ipv6_ = false;
  std::string dscp_problem_;
  Counters counters_;
  // What the receive callback sent, until the end of its batch (batched only).
  std::unique_ptr<DatagramBatch> send_queue_;
  // Alive while the socket is open; the pending read holds it weakly.
  std::shared_ptr<Shared> shared_;
};

}  // namespace parley::net
