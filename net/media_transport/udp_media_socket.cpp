#include "net/media_transport/udp_media_socket.h"

#include <cerrno>
#include <cstring>
#include <optional>

#include <asio/error.hpp>

namespace parley::net {

namespace {

// Drains at most this many datagrams per wake-up, so one flooded port
// cannot starve the other work on its executor.
constexpr int kDrainLimit = 256;

}  // namespace

struct UdpMediaSocket::Shared {
  UdpMediaSocket* owner = nullptr;
  Receiver receiver;
  std::array<std::byte, kMaxDatagram + 1> buffer{};
  asio::ip::udp::endpoint from;
  // Batched only: one recvmmsg's worth, slots one byte longer than any
  // datagram we accept so a longer one shows as a full slot.
  std::optional<DatagramBatch> received;
};

UdpMediaSocket::UdpMediaSocket(asio::any_io_executor executor, DscpMarks marks, bool batched,
                               bool segmented)
    : socket_(std::move(executor)),
      marks_(marks),
      batched_(batched && multiDatagramCallsAvailable()),
      segmented_(batched_ && segmented && udpSegmentationAvailable()) {}

UdpMediaSocket::~UdpMediaSocket() { close(); }

Result<asio::ip::udp::endpoint> UdpMediaSocket::bind(const asio::ip::udp::endpoint& local) {
  asio::error_code ec;
  socket_.open(local.protocol(), ec);
  if (!ec) {
    socket_.non_blocking(true, ec);
  }
  if (!ec) {
    // Room for bursts (a key frame is dozens of packets) on a busy server.
    socket_.set_option(asio::socket_base::receive_buffer_size(4 * 1024 * 1024), ec);
    socket_.set_option(asio::socket_base::send_buffer_size(4 * 1024 * 1024), ec);
    ec.clear();  // the kernel caps these; smaller buffers still work
    socket_.bind(local, ec);
  }
  if (ec) {
    asio::error_code ignored;
    socket_.close(ignored);
    return makeError(ErrorCode::Io, "cannot open UDP media port " + local.address().to_string() +
                                        ":" + std::to_string(local.port()) + ": " + ec.message());
  }
  ipv6_ = local.address().is_v6();
  return socket_.local_endpoint(ec);
}

void UdpMediaSocket::start(Receiver receiver) {
  shared_ = std::make_shared<Shared>();
  shared_->owner = this;
  shared_->receiver = std::move(receiver);
  if (batched_) {
    shared_->received.emplace(kReceiveBatch, kMaxDatagram + 1);
    send_queue_ = std::make_unique<DatagramBatch>(kSendBatch, kMaxDatagram);
  }
  readMore();
}

void UdpMediaSocket::readMore() {
  std::weak_ptr<Shared> weak = shared_;
  socket_.async_wait(asio::ip::udp::socket::wait_read, [weak](const asio::error_code& ec) {
    auto self = weak.lock();
    if (!self || self->owner == nullptr || ec) {
      return;
    }
    UdpMediaSocket& owner = *self->owner;
    if (owner.batched_) {
      owner.drainBatched(*self);
    } else {
      owner.drainSingly(*self);
    }
    if (self->owner != nullptr) {
      owner.readMore();
    }
  });
}

void UdpMediaSocket::drainSingly(Shared& self) {
  for (int i = 0; i < kDrainLimit; ++i) {
    asio::error_code rec;
    ++counters_.receive_calls;
    const std::size_t n = socket_.receive_from(asio::buffer(self.buffer), self.from, 0, rec);
    if (rec == asio::error::would_block || rec == asio::error::try_again) {
      break;
    }
    if (rec) {
      // ICMP port unreachable from an earlier send shows up here on Linux;
      // it is not fatal for a media port.
      if (rec == asio::error::connection_refused) {
        continue;
      }
      break;
    }
    if (n > kMaxDatagram) {
      ++counters_.oversized;
      continue;
    }
    if (n == 0) {
      // On Windows a datagram larger than the buffer comes back as 0 bytes
      // and no error (Asio clears WSAEMSGSIZE); elsewhere 0 bytes is an
      // empty datagram. Neither carries media.
#ifdef _WIN32
      ++counters_.oversized;
#endif
      continue;
    }
    ++counters_.received;
    counters_.received_bytes += n;
    self.receiver(std::span<std::byte>(self.buffer.data(), n), self.from);
    if (self.owner == nullptr) {
      return;  // closed from the callback
    }
  }
}

void UdpMediaSocket::drainBatched(Shared& self) {
  DatagramBatch& batch = *self.received;
  const NativeSocket fd = socket_.native_handle();
  for (int done = 0; done < kDrainLimit;) {
    const auto got = receiveDatagrams(fd, batch, true, counters_.receive_calls);
    if (got.received == 0) {
      // As in drainSingly: a pending ICMP error is not fatal.
      if (got.error == ECONNREFUSED) {
        ++done;
        continue;
      }
      return;
    }
    done += static_cast<int>(got.received);
    in_receive_batch_ = true;
    for (std::size_t i = 0; i < got.received; ++i) {
      DatagramSlot& slot = batch[i];
      if (slot.size > kMaxDatagram) {
        ++counters_.oversized;
        continue;
      }
      if (slot.size == 0 || slot.peer_size <= 0 ||
          static_cast<std::size_t>(slot.peer_size) > self.from.capacity()) {
        continue;
      }
      std::memcpy(self.from.data(), &slot.peer, static_cast<std::size_t>(slot.peer_size));
      self.from.resize(static_cast<std::size_t>(slot.peer_size));
      ++counters_.received;
      counters_.received_bytes += slot.size;
      self.receiver(std::span<std::byte>(slot.data, slot.size), self.from);
      if (self.owner == nullptr) {
        return;  // closed from the callback (close() sent what was queued)
      }
    }
    in_receive_batch_ = false;
    flushQueued();
    if (got.received < batch.capacity()) {
      return;  // nothing more was ready: no empty call to find that out
    }
  }
}

void UdpMediaSocket::flushQueued() {
  if (!send_queue_ || send_queue_->empty()) {
    return;
  }
  if (!socket_.is_open()) {
    counters_.send_dropped += send_queue_->size();
    send_queue_->clear();
    return;
  }
  const auto out =
      segmented_
          ? sendDatagramsSegmented(socket_.native_handle(), *send_queue_, counters_.send_calls)
          : sendDatagrams(socket_.native_handle(), *send_queue_, true, counters_.send_calls);
  // One refusal can be one route's (a path MTU, IPsec); a device or kernel
  // without GSO refuses every time. What was refused went unsegmented.
  segmentation_refusals_ = out.segmentation_refused ? segmentation_refusals_ + 1 : 0;
  if (segmentation_refusals_ >= kSegmentationRefusalsToGiveUp) {
    segmented_ = false;
  }
  counters_.sent += out.sent;
  counters_.send_dropped += out.dropped;
}

void UdpMediaSocket::applyMark(TrafficClass traffic_class) {
  if (!marks_.enabled) {
    return;
  }
  const int mark = marks_.markFor(traffic_class);
  if (mark == current_mark_) {
    return;
  }
  // The mark is the socket's: what is queued goes out under the old one.
  flushQueued();
  current_mark_ = mark;
  if (auto ok = setSocketDscp(socket_.native_handle(), ipv6_, static_cast<std::uint8_t>(mark));
      !ok && dscp_problem_.empty()) {
    dscp_problem_ = ok.error().detail;
  }
}

bool UdpMediaSocket::send(std::span<const std::byte> datagram, const asio::ip::udp::endpoint& to,
                          TrafficClass traffic_class) {
  if (!socket_.is_open()) {
    ++counters_.send_dropped;
    return false;
  }
  applyMark(traffic_class);
  if (in_receive_batch_ && send_queue_) {
    if (send_queue_->full()) {
      flushQueued();
    }
    if (send_queue_->push(datagram, to.data(), to.size())) {
      return true;
    }
    flushQueued();  // too large for a slot: send it alone, after the queue
  }
  asio::error_code ec;
  ++counters_.send_calls;
  socket_.send_to(asio::buffer(datagram.data(), datagram.size()), to, 0, ec);
  if (ec) {
    ++counters_.send_dropped;
    return false;
  }
  ++counters_.sent;
  return true;
}

void UdpMediaSocket::close() {
  in_receive_batch_ = false;
  flushQueued();
  if (shared_) {
    shared_->owner = nullptr;
    shared_.reset();
  }
  asio::error_code ignored;
  socket_.close(ignored);
}

}  // namespace parley::net
