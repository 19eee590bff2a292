#include "core/server/media_router.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <asio/post.hpp>

#include "core/base/thread_check.h"
#include "core/protocol/protocol_limits.h"
#include "core/server/media_ssrc.h"
#include "core/server/server_metrics.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"

namespace parley::server {
namespace {

std::uint32_t readBe32(std::span<const std::byte> p, std::size_t at) {
  return (static_cast<std::uint32_t>(p[at]) << 24) | (static_cast<std::uint32_t>(p[at + 1]) << 16) |
         (static_cast<std::uint32_t>(p[at + 2]) << 8) | static_cast<std::uint32_t>(p[at + 3]);
}

// The SSRC a packet is sent under: the RTP header's, or an RTCP packet's
// sender SSRC (the first packet of a compound; SRTCP authenticates it).
bool packetSsrc(std::span<const std::byte> packet, bool rtcp, std::uint32_t& ssrc) {
  const std::size_t at = rtcp ? 4 : 8;
  if (packet.size() < at + 4) {
    return false;
  }
  ssrc = readBe32(packet, at);
  return true;
}

}  // namespace

struct MediaRouter::Leg {
  Leg(MediaLegInfo i, net::SrtpSession in, net::SrtpSession out)
      : info(std::move(i)), inbound(std::move(in)), outbound(std::move(out)) {}
  MediaLegInfo info;
  net::SrtpSession inbound;   // the client's writes
  net::SrtpSession outbound;  // what the server sends this client
  bool has_udp_address = false;
  asio::ip::udp::endpoint udp_address;
  Clock::TimePoint last_udp{};
  bool client_uses_udp = false;
  // Latest feedback from this receiver.
  std::uint64_t remb_bps = 0;
  std::uint8_t fraction_lost = 0;
};

MediaRouter::MediaRouter(asio::io_context& io, MediaRouterConfig config, ServerMetrics& metrics,
                         const Clock& clock)
    : strand_(asio::make_strand(io)), config_(config), metrics_(metrics), clock_(clock) {
  scratch_.reserve(net::UdpMediaSocket::kMaxDatagram + net::kSrtpMaxOverhead);
}

MediaRouter::~MediaRouter() = default;

Result<std::uint16_t> MediaRouter::start() {
  if (!config_.udp_enabled) {
    return std::uint16_t{0};
  }
  udp_ = std::make_unique<net::UdpMediaSocket>(strand_, config_.dscp);
  auto bound = udp_->bind(config_.udp);
  if (!bound) {
    udp_.reset();
    return makeError(std::move(bound).error());
  }
  udp_port_ = bound->port();
  std::weak_ptr<MediaRouter> weak = weak_from_this();
  asio::post(strand_, [weak] {
    if (auto self = weak.lock(); self && self->udp_) {
      self->udp_->start([raw = self.get()](std::span<std::byte> d,
                                           const asio::ip::udp::endpoint& from) {
        raw->onDatagram(d, from);
      });
    }
  });
  spdlog::info("media: UDP on {}:{}", bound->address().to_string(), bound->port());
  return bound->port();
}

void MediaRouter::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->udp_) {
      self->udp_->close();
    }
    self->by_ssrc_.clear();
    self->rooms_.clear();
    self->legs_.clear();
  });
}

void MediaRouter::addLeg(MediaLegInfo info) {
  asio::post(strand_, [self = shared_from_this(), info = std::move(info)]() mutable {
    auto keys = net::splitMediaKeys(info.keying);
    if (!keys) {
      spdlog::warn("media: participant {}: no media keys: {}", info.participant_id,
                   keys.error().toString());
      return;
    }
    auto in = net::SrtpSession::create(net::SrtpSession::Direction::Inbound, keys->client_write);
    auto out = net::SrtpSession::create(net::SrtpSession::Direction::Outbound, keys->server_write);
    if (!in || !out) {
      spdlog::error("media: participant {}: {}", info.participant_id,
                    (!in ? in.error() : out.error()).toString());
      return;
    }
    const auto id = info.participant_id;
    self->removeLegNow(id);
    auto leg = std::make_unique<Leg>(std::move(info), std::move(*in), std::move(*out));
    for (const auto ssrc : leg->info.ssrcs) {
      if (self->by_ssrc_.count(ssrc) != 0) {
        spdlog::error("media: SSRC {} already in use; participant {} gets no media", ssrc, id);
        return;
      }
    }
    for (const auto ssrc : leg->info.ssrcs) {
      self->by_ssrc_[ssrc] = leg.get();
    }
    self->rooms_[leg->info.room].push_back(leg.get());
    self->legs_[id] = std::move(leg);
  });
}

void MediaRouter::removeLeg(std::uint64_t participant_id) {
  asio::post(strand_,
             [self = shared_from_this(), participant_id] { self->removeLegNow(participant_id); });
}

void MediaRouter::removeLegNow(std::uint64_t participant_id) {
  PARLEY_DCHECK_RUN_ON(strand_);
  auto it = legs_.find(participant_id);
  if (it == legs_.end()) {
    return;
  }
  Leg* leg = it->second.get();
  for (const auto ssrc : leg->info.ssrcs) {
    if (auto s = by_ssrc_.find(ssrc); s != by_ssrc_.end() && s->second == leg) {
      by_ssrc_.erase(s);
    }
  }
  if (auto r = rooms_.find(leg->info.room); r != rooms_.end()) {
    std::erase(r->second, leg);
    if (r->second.empty()) {
      rooms_.erase(r);
    }
  }
  legs_.erase(it);
}

void MediaRouter::onTcpPacket(std::uint64_t participant_id, std::string packet) {
  asio::post(strand_, [self = shared_from_this(), participant_id, packet = std::move(packet)]() mutable {
    auto it = self->legs_.find(participant_id);
    if (it == self->legs_.end()) {
      ++self->counters_.dropped_unknown_ssrc;
      return;
    }
    Leg& leg = *it->second;
    if (packet.size() > protocol::kMaxMediaPacketBytes) {
      ++self->counters_.dropped_malformed;
      return;
    }
    std::span<std::byte> bytes(reinterpret_cast<std::byte*>(packet.data()), packet.size());
    const bool rtcp = media::isRtcp(bytes);
    std::uint32_t ssrc = 0;
    if (!packetSsrc(bytes, rtcp, ssrc)) {
      ++self->counters_.dropped_malformed;
      return;
    }
    if (std::find(leg.info.ssrcs.begin(), leg.info.ssrcs.end(), ssrc) == leg.info.ssrcs.end()) {
      ++self->counters_.dropped_foreign_ssrc;
      return;
    }
    auto plain = rtcp ? leg.inbound.unprotectRtcp(bytes) : leg.inbound.unprotectRtp(bytes);
    if (!plain) {
      ++self->counters_.dropped_auth;
      return;
    }
    self->handlePlain(leg, bytes.first(*plain), rtcp);
  });
}

void MediaRouter::setClientUsesUdp(std::uint64_t participant_id, bool udp) {
  asio::post(strand_, [self = shared_from_this(), participant_id, udp] {
    if (auto it = self->legs_.find(participant_id); it != self->legs_.end()) {
      it->second->client_uses_udp = udp;
    }
  });
}

void MediaRouter::inspect(std::function<void(const Counters&)> f) {
  asio::post(strand_, [self = shared_from_this(), f = std::move(f)] { f(self->counters_); });
}

void MediaRouter::injectDatagramForTest(std::span<std::byte> datagram,
                                        const asio::ip::udp::endpoint& from) {
  onDatagram(datagram, from);
}

void MediaRouter::onDatagram(std::span<std::byte> datagram, const asio::ip::udp::endpoint& from) {
  const bool rtcp = media::isRtcp(datagram);
  std::uint32_t ssrc = 0;
  if (!packetSsrc(datagram, rtcp, ssrc)) {
    ++counters_.dropped_malformed;
    return;
  }
  auto it = by_ssrc_.find(ssrc);
  if (it == by_ssrc_.end()) {
    ++counters_.dropped_unknown_ssrc;
    return;
  }
  Leg& leg = *it->second;
  auto plain = rtcp ? leg.inbound.unprotectRtcp(datagram) : leg.inbound.unprotectRtp(datagram);
  if (!plain) {
    ++counters_.dropped_auth;
    return;
  }
  // Only an authenticated packet moves the leg's address: a forged one cannot
  // redirect someone's media.
  leg.has_udp_address = true;
  leg.udp_address = from;
  leg.last_udp = clock_.now();
  if (rtcp) {
    answerProbe(leg);
  }
  handlePlain(leg, datagram.first(*plain), rtcp);
}

void MediaRouter::handlePlain(Leg& from, std::span<std::byte> plain, bool rtcp) {
  if (rtcp) {
    ++counters_.rtcp_in;
    handleRtcp(from, plain);
    return;
  }
  ++counters_.rtp_in;
  auto rtp = media::parseRtp(plain);
  if (!rtp) {
    ++counters_.dropped_malformed;
    return;
  }
  forwardRtp(from, plain, rtp->header.ssrc);
}

void MediaRouter::forwardRtp(Leg& from, std::span<const std::byte> plain, std::uint32_t ssrc) {
  auto room = rooms_.find(from.info.room);
  if (room == rooms_.end()) {
    return;
  }
  const bool audio = ssrc == from.info.ssrcs[0];
  const auto cls = audio ? net::TrafficClass::Audio : net::TrafficClass::Video;
  for (Leg* to : room->second) {
    if (to == &from) {
      continue;
    }
    scratch_.assign(plain.begin(), plain.end());
    sendTo(*to, scratch_, false, cls);
  }
}

void MediaRouter::handleRtcp(Leg& from, std::span<const std::byte> plain) {
  auto compound = media::parseRtcp(plain);
  if (!compound) {
    ++counters_.dropped_malformed;
    return;
  }
  for (const auto& rr : compound->receiver_reports) {
    for (const auto& block : rr.report_blocks) {
      from.fraction_lost = std::max(from.fraction_lost, block.fraction_lost);
    }
  }
  for (const auto& remb : compound->rembs) {
    from.remb_bps = remb.bitrate_bps;
  }
  // Feedback about a stream goes to whoever sends that stream, re-protected
  // with the sender's keys. Only streams in the same room.
  auto ownerOf = [&](std::uint32_t media_ssrc) -> Leg* {
    auto it = by_ssrc_.find(media_ssrc);
    if (it == by_ssrc_.end() || it->second == &from ||
        it->second->info.room != from.info.room) {
      return nullptr;
    }
    return it->second;
  };
  for (const auto& pli : compound->plis) {
    if (Leg* owner = ownerOf(pli.media_ssrc)) {
      scratch_.clear();
      media::Pli out{kServerSsrc, pli.media_ssrc};
      media::appendPli(out, scratch_);
      sendTo(*owner, scratch_, true, net::TrafficClass::Video);
    }
  }
  for (const auto& nack : compound->nacks) {
    if (Leg* owner = ownerOf(nack.media_ssrc); owner != nullptr && !nack.lost_sequences.empty()) {
      scratch_.clear();
      media::Nack out{kServerSsrc, nack.media_ssrc, nack.lost_sequences};
      media::appendNack(out, scratch_);
      sendTo(*owner, scratch_, true, net::TrafficClass::Video);
    }
  }
}

void MediaRouter::answerProbe(Leg& leg) {
  // An empty receiver report from the server: proof for the client that UDP
  // works both ways (its probes are RTCP too).
  scratch_.clear();
  media::ReceiverReport rr;
  rr.ssrc = kServerSsrc;
  media::appendReceiverReport(rr, scratch_);
  if (auto ok = leg.outbound.protectRtcp(scratch_); ok && udp_) {
    udp_->send(scratch_, leg.udp_address, net::TrafficClass::Control);
  }
}

bool MediaRouter::udpAlive(const Leg& leg) const {
  return udp_ && leg.has_udp_address && leg.client_uses_udp &&
         clock_.now() - leg.last_udp < config_.udp_alive;
}

void MediaRouter::sendTo(Leg& to, std::vector<std::byte>& plain, bool rtcp,
                         net::TrafficClass cls) {
  auto ok = rtcp ? to.outbound.protectRtcp(plain) : to.outbound.protectRtp(plain);
  if (!ok) {
    ++counters_.dropped_malformed;
    return;
  }
  ++counters_.forwarded_packets;
  counters_.forwarded_bytes += plain.size();
  metrics_.forwarded(plain.size());
  if (udpAlive(to)) {
    udp_->send(plain, to.udp_address, cls);
    return;
  }
  auto channel = to.info.channel.lock();
  if (!channel) {
    return;
  }
  ++counters_.forwarded_tcp;
  protocol::Envelope envelope;
  envelope.mutable_media_packet()->set_packet(reinterpret_cast<const char*>(plain.data()),
                                              plain.size());
  channel->sendMedia(envelope, cls == net::TrafficClass::Audio);
}

}  // namespace parley::server
