#include "core/client/call/media_transport.h"

#include <algorithm>

#include <asio/ip/udp.hpp>

#include "core/client/call/send_buffer.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"
#include "net/media_transport/address_check.h"

namespace parley::client {

const char* mediaPathName(MediaPath path) {
  switch (path) {
    case MediaPath::Off:
      return "off";
    case MediaPath::Probing:
      return "probing";
    case MediaPath::Udp:
      return "udp";
    case MediaPath::Tcp:
      return "tcp";
  }
  return "off";
}

MediaTransport::MediaTransport(asio::any_io_executor executor, MediaTransportConfig config,
                               const Clock& clock)
    : executor_(std::move(executor)), config_(config), clock_(clock), probe_timer_(executor_) {
  send_buffer_.reserve(kSendBufferCapacity);
}

MediaTransport::~MediaTransport() {
  *alive_ = false;
  stop();
}

void MediaTransport::configure(MediaOfferInfo offer) {
  stop();
  ++generation_;
  offer_ = std::move(offer);
  auto keys = net::splitMediaKeys(offer_.keying);
  if (!keys) {
    return;  // no keys, no media: the call reports the path as off
  }
  auto out = net::SrtpSession::create(net::SrtpSession::Direction::Outbound, keys->client_write);
  auto in = net::SrtpSession::create(net::SrtpSession::Direction::Inbound, keys->server_write);
  if (!out || !in) {
    return;
  }
  outbound_.emplace(std::move(*out));
  inbound_.emplace(std::move(*in));
  if (!config_.allow_udp || offer_.udp_port == 0) {
    setPath(MediaPath::Tcp);
    return;
  }
  probing_since_ = clock_.now();
  setPath(MediaPath::Probing);
  resolveAndOpen();
}

void MediaTransport::stop() {
  probe_timer_.cancel();
  if (udp_) {
    udp_->close();
    udp_.reset();
  }
  udp_open_ = false;
  probe_sent_at_.reset();
  unconfirmed_check_.reset();
  last_check_at_.reset();
  outbound_.reset();
  inbound_.reset();
  ++generation_;
  setPath(MediaPath::Off);
}

void MediaTransport::resolveAndOpen() {
  // Over a direct connection the server's address is already known: asking
  // DNS again costs a lookup that a lossy uplink can stretch past the answer
  // timeout (glibc waits a second per lost query), and the call then starts
  // on TCP without having sent a single probe. Through a proxy the proxy
  // resolved the name, so this client still has to.
  if (offer_.connection_method == "direct") {
    asio::error_code ec;
    const auto address = asio::ip::make_address(offer_.first_hop_address, ec);
    if (!ec) {
      openUdp(asio::ip::udp::endpoint(address, offer_.udp_port));
      return;
    }
  }
  auto resolver = std::make_shared<asio::ip::udp::resolver>(executor_);
  std::weak_ptr<bool> alive = alive_;
  const auto gen = generation_;
  resolver->async_resolve(offer_.server_host, std::to_string(offer_.udp_port),
                          [this, alive, gen,
                           resolver](const asio::error_code& ec,
                                     asio::ip::udp::resolver::results_type results) {
                            auto still = alive.lock();
                            if (!still || !*still || gen != generation_) {
                              return;
                            }
                            if (ec || results.empty()) {
                              setPath(
                                  MediaPath::Tcp);  // no address for UDP: the channel carries media
                              return;
                            }
                            openUdp(results.begin()->endpoint());
                          });
  // The answer timeout runs from configure(), resolution included; the
  // timer probes every probe interval meanwhile (a lost first probe would
  // otherwise mean no second one before the timeout).
  armProbe(config_.probe_interval);
}

void MediaTransport::openUdp(const asio::ip::udp::endpoint& server) {
  udp_ = std::make_unique<net::UdpMediaSocket>(executor_, config_.dscp);
  const asio::ip::udp::endpoint local(server.address().is_v6() ? asio::ip::udp::v6()
                                                               : asio::ip::udp::v4(),
                                      0);
  if (auto bound = udp_->bind(local); !bound) {
    udp_.reset();
    setPath(MediaPath::Tcp);
    return;
  }
  server_udp_ = server;
  udp_open_ = true;
  udp_->start([this](std::span<std::byte> datagram, const asio::ip::udp::endpoint& from) {
    if (from == server_udp_) {
      onDatagram(datagram);
    }
  });
  sendProbe();
  armProbe(config_.probe_interval);
}

void MediaTransport::armProbe(std::chrono::milliseconds after) {
  probe_timer_.expires_after(after);
  std::weak_ptr<bool> alive = alive_;
  const auto gen = generation_;
  probe_timer_.async_wait([this, alive, gen](const asio::error_code& ec) {
    auto still = alive.lock();
    if (ec || !still || !*still || gen != generation_) {
      return;
    }
    onProbeTimer();
  });
}

void MediaTransport::onProbeTimer() {
  const auto now = clock_.now();
  switch (path_) {
    case MediaPath::Probing: {
      // A check that arrived lately proves our probes get through and the
      // server's packets reach us: under loss, the rest of the exchange is
      // worth another answer timeout of probing before falling back.
      const bool checked_lately =
          last_check_at_ && now - *last_check_at_ < config_.udp_answer_timeout;
      const auto limit =
          checked_lately ? 2 * config_.udp_answer_timeout : config_.udp_answer_timeout;
      if (now - probing_since_ >= limit) {
        setPath(MediaPath::Tcp);
      }
      break;
    }
    case MediaPath::Udp:
      if (now - last_udp_rx_ >= config_.udp_silence_timeout) {
        setPath(MediaPath::Tcp);
      }
      break;
    case MediaPath::Tcp:
    case MediaPath::Off:
      break;
  }
  if (udp_open_) {
    sendProbe();
  }
  armProbe(nextProbeInterval(now));
}

std::chrono::milliseconds MediaTransport::nextProbeInterval(Clock::TimePoint now) {
  switch (path_) {
    case MediaPath::Probing:
      return config_.probe_interval;
    case MediaPath::Udp:
      // An answer is overdue: one lost probe on a lossy uplink is likely,
      // three in a row (the silence timeout) at the keep-alive's pace much
      // less so; probing fast while in doubt makes a false fallback to TCP
      // rarer still, as ICE's consent checks do after a missed response.
      return now - last_udp_rx_ > config_.keepalive_interval + config_.probe_interval
                 ? config_.probe_interval
                 : config_.keepalive_interval;
    case MediaPath::Tcp: {
      // A check lately means the exchange is under way (both directions
      // pass): keep its pace. Otherwise back off from the probe interval to
      // the keep-alive's, so a network that blocks UDP costs a probe a second.
      if (last_check_at_ && now - *last_check_at_ < config_.udp_answer_timeout) {
        tcp_probe_interval_ = config_.probe_interval;
      } else {
        tcp_probe_interval_ = std::min(2 * tcp_probe_interval_, config_.keepalive_interval);
      }
      return tcp_probe_interval_;
    }
    case MediaPath::Off:
      break;
  }
  return config_.keepalive_interval;
}

void MediaTransport::sendProbe() {
  if (!outbound_ || !udp_) {
    return;
  }
  // An empty receiver report from our audio SSRC: the server answers every
  // authenticated RTCP from our confirmed address, which proves both
  // directions. Padded so it is as large as the server's address check: the
  // server never answers a smaller packet with a larger one.
  if (unconfirmed_check_ && path_ != MediaPath::Udp) {
    answerAddressCheck(*unconfirmed_check_);  // first: the server answers the probe only then
  }
  std::vector<std::byte> probe;
  media::ReceiverReport rr;
  rr.ssrc = offer_.audio_ssrc;
  media::appendReceiverReport(rr, probe);
  net::appendAddressCheck(net::AddressCheckType::Padding, offer_.audio_ssrc, 0, probe);
  if (outbound_->protectRtcp(probe)) {
    if (udp_->send(probe, server_udp_, net::TrafficClass::Control)) {
      probe_sent_at_ = clock_.now();
    }
  }
}

void MediaTransport::send(std::span<const std::byte> packet, bool rtcp,
                          net::TrafficClass traffic_class) {
  if (!outbound_) {
    ++counters_.dropped_not_ready;
    return;
  }
  // Within the capacity reserved: the voice path allocates nothing here
  // (docs/media.md, "A busy machine").
  std::vector<std::byte>& plain = send_buffer_;
  plain.assign(packet.begin(), packet.end());
  if (auto ok = rtcp ? outbound_->protectRtcp(plain) : outbound_->protectRtp(plain); !ok) {
    ++counters_.dropped_not_ready;
    return;
  }
  counters_.sent_bytes += plain.size();
  if (path_ == MediaPath::Udp && udp_) {
    ++counters_.sent_udp;
    udp_->send(plain, server_udp_, traffic_class);
    return;
  }
  if (offer_.send_packet) {
    ++counters_.sent_tcp;
    offer_.send_packet(std::string(reinterpret_cast<const char*>(plain.data()), plain.size()),
                       traffic_class == net::TrafficClass::Audio);
  }
}

void MediaTransport::onChannelPacket(std::string packet) {
  std::span<std::byte> bytes(reinterpret_cast<std::byte*>(packet.data()), packet.size());
  deliver(bytes, false);
}

void MediaTransport::onDatagram(std::span<std::byte> datagram) { deliver(datagram, true); }

void MediaTransport::deliver(std::span<std::byte> packet, bool via_udp) {
  if (!inbound_) {
    ++counters_.dropped_not_ready;
    return;
  }
  const bool rtcp = media::isRtcp(packet);
  auto plain = rtcp ? inbound_->unprotectRtcp(packet) : inbound_->unprotectRtp(packet);
  if (!plain) {
    ++counters_.dropped_auth;
    return;
  }
  counters_.received_bytes += packet.size();
  if (via_udp && rtcp) {
    if (auto nonce = net::findAddressCheck(packet.first(*plain), net::AddressCheckType::Check)) {
      unconfirmed_check_ = *nonce;
      last_check_at_ = clock_.now();
      ++counters_.address_checks_answered;
      answerAddressCheck(*nonce);
      return;
    }
  }
  if (via_udp) {
    ++counters_.received_udp;
    last_udp_rx_ = clock_.now();
    // The server answers each probe at once with an RTCP packet of its own.
    if (rtcp && probe_sent_at_ && *plain >= 8 &&
        ((static_cast<std::uint32_t>(packet[4]) << 24) |
         (static_cast<std::uint32_t>(packet[5]) << 16) |
         (static_cast<std::uint32_t>(packet[6]) << 8) | static_cast<std::uint32_t>(packet[7])) ==
            offer_.server_ssrc) {
      rtt_ = last_udp_rx_ - *probe_sent_at_;
      probe_sent_at_.reset();
    }
    if (path_ != MediaPath::Udp) {
      setPath(MediaPath::Udp);
    }
    unconfirmed_check_.reset();  // the server answered from a confirmed address
  } else {
    ++counters_.received_tcp;
  }
  if (receiver_) {
    receiver_(packet.first(*plain), rtcp);
  }
}

void MediaTransport::answerAddressCheck(std::uint64_t nonce) {
  // The server asks whether we are at the address it saw us at (a new port
  // after NAT rebinding, a new network). Echoing its nonce from this socket
  // says yes; until then it sends nothing else here. The check itself is no
  // proof of the path: the probe's answer that follows is.
  std::vector<std::byte> answer;
  answer.reserve(net::kAddressCheckWireBytes);
  net::appendAddressCheck(net::AddressCheckType::Answer, offer_.audio_ssrc, nonce, answer);
  if (outbound_ && udp_ && outbound_->protectRtcp(answer)) {
    udp_->send(answer, server_udp_, net::TrafficClass::Control);
  }
}

void MediaTransport::setPath(MediaPath path) {
  if (path == path_) {
    return;
  }
  const MediaPath before = path_;
  path_ = path;
  if (path == MediaPath::Tcp) {
    tcp_probe_interval_ = config_.probe_interval;
  }
  // Tell the server which way to send: only UDP once we have heard it on UDP.
  if (offer_.send_transport && path != MediaPath::Off &&
      (path == MediaPath::Udp || before == MediaPath::Udp)) {
    offer_.send_transport(path == MediaPath::Udp);
  }
  if (path_observer_) {
    path_observer_(path);
  }
}

}  // namespace parley::client
