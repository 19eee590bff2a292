#include "net/media_transport/udp_media_socket.h"

#include <asio/error.hpp>

namespace parley::net {

struct UdpMediaSocket::Shared {
  UdpMediaSocket* owner = nullptr;
  Receiver receiver;
  std::array<std::byte, kMaxDatagram + 1> buffer{};
  asio::ip::udp::endpoint from;
};

UdpMediaSocket::UdpMediaSocket(asio::any_io_executor executor, DscpMarks marks)
    : socket_(std::move(executor)), marks_(marks) {}

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
    // Drain what is ready, bounded so one flooded port cannot starve the
    // other work on this executor.
    for (int i = 0; i < 256; ++i) {
      asio::error_code rec;
      const std::size_t n =
          owner.socket_.receive_from(asio::buffer(self->buffer), self->from, 0, rec);
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
        ++owner.counters_.oversized;
        continue;
      }
      if (n == 0) {
        // On Windows a datagram larger than the buffer comes back as 0 bytes
        // and no error (Asio clears WSAEMSGSIZE); elsewhere 0 bytes is an
        // empty datagram. Neither carries media.
#ifdef _WIN32
        ++owner.counters_.oversized;
#endif
        continue;
      }
      ++owner.counters_.received;
      owner.counters_.received_bytes += n;
      self->receiver(std::span<std::byte>(self->buffer.data(), n), self->from);
      if (self->owner == nullptr) {
        return;  // closed from the callback
      }
    }
    owner.readMore();
  });
}

bool UdpMediaSocket::send(std::span<const std::byte> datagram, const asio::ip::udp::endpoint& to,
                          TrafficClass traffic_class) {
  if (!socket_.is_open()) {
    ++counters_.send_dropped;
    return false;
  }
  if (marks_.enabled) {
    const int mark = marks_.markFor(traffic_class);
    if (mark != current_mark_) {
      current_mark_ = mark;
      if (auto ok = setSocketDscp(socket_.native_handle(), ipv6_, static_cast<std::uint8_t>(mark));
          !ok && dscp_problem_.empty()) {
        dscp_problem_ = ok.error().detail;
      }
    }
  }
  asio::error_code ec;
  socket_.send_to(asio::buffer(datagram.data(), datagram.size()), to, 0, ec);
  if (ec) {
    ++counters_.send_dropped;
    return false;
  }
  ++counters_.sent;
  return true;
}

void UdpMediaSocket::close() {
  if (shared_) {
    shared_->owner = nullptr;
    shared_.reset();
  }
  asio::error_code ignored;
  socket_.close(ignored);
}

}  // namespace parley::net
