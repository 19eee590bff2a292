#include "core/server/media/media_router.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <asio/post.hpp>
#include <limits>
#include <optional>

#include "core/base/thread_check.h"
#include "core/protocol/protocol_limits.h"
#include "core/server/media/media_router_leg.h"
#include "core/server/media/media_ssrc.h"
#include "core/server/media/rate_meter.h"
#include "core/server/media/return_address.h"
#include "core/server/media/video_forwarding.h"
#include "core/server/observability/server_metrics.h"
#include "media/congestion/delay_based_estimator.h"
#include "media/congestion/loss_based_controller.h"
#include "media/rtp/nack_tracker.h"
#include "media/rtp/packet_history.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/reception_statistics.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"
#include "media/rtp/rtx.h"
#include "media/rtp/vp8_payload.h"
#include "media/rtp/vp9_payload.h"
#include "net/ice/stun_binding.h"
#include "net/media_transport/address_check.h"

namespace parley::server {
using namespace router_detail;  // NOLINT(google-build-using-namespace): this file is the router
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

// The first packet of a key frame, from the payload descriptor (VP8: S=1,
// PID=0 and the payload header's P bit clear, RFC 7741 section 4.3; VP9:
// B=1 and P=0, RFC 9628 section 4.2).
bool isKeyFrameStart(std::uint8_t payload_type, std::span<const std::byte> payload) {
  if (payload_type == media::kVp8PayloadType) {
    auto d = media::parseVp8Descriptor(payload);
    if (!d || !d->frameStart() || payload.size() <= d->size) {
      return false;
    }
    return (static_cast<std::uint8_t>(payload[d->size]) & 0x01) == 0;
  }
  if (payload_type == media::kVp9PayloadType) {
    auto d = media::parseVp9Descriptor(payload);
    return d && d->begin_of_frame && !d->inter_predicted;
  }
  return false;
}

// A leg's SSRCs: its streams, and the RTX SSRC of each video stream.
std::vector<std::uint32_t> ownedSsrcs(const MediaLegInfo& info) {
  std::vector<std::uint32_t> out(info.ssrcs.begin(), info.ssrcs.end());
  for (std::size_t kind = 0; kind < info.ssrcs.size(); ++kind) {
    if (isVideoKind(kind)) {
      out.push_back(media::rtxSsrcFor(info.ssrcs[kind]));
    }
  }
  return out;
}

// The kind index of `ssrc` among the leg's streams, or of the stream whose
// RTX SSRC it is (`rtx` set); nullopt when it is neither.
std::optional<std::size_t> kindOf(const MediaLegInfo& info, std::uint32_t ssrc, bool& rtx) {
  const auto& ssrcs = info.ssrcs;
  rtx = false;
  if (auto it = std::find(ssrcs.begin(), ssrcs.end(), ssrc); it != ssrcs.end()) {
    return static_cast<std::size_t>(it - ssrcs.begin());
  }
  if (media::isRtxSsrc(ssrc)) {
    const auto media_ssrc = media::mediaSsrcForRtx(ssrc);
    if (auto it = std::find(ssrcs.begin(), ssrcs.end(), media_ssrc);
        it != ssrcs.end() && isVideoKind(static_cast<std::size_t>(it - ssrcs.begin()))) {
      rtx = true;
      return static_cast<std::size_t>(it - ssrcs.begin());
    }
  }
  return std::nullopt;
}
}  // namespace

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
  udp_ = std::make_unique<net::UdpMediaSocket>(strand_, config_.dscp, config_.batched_io,
                                               config_.segmented_sends);
  auto bound = udp_->bind(config_.udp);
  if (!bound) {
    udp_.reset();
    return makeError(std::move(bound).error());
  }
  udp_port_ = bound->port();
  std::weak_ptr<MediaRouter> weak = weak_from_this();
  asio::post(strand_, [weak] {
    if (auto self = weak.lock(); self && self->udp_) {
      self->udp_->start(
          [raw = self.get()](std::span<std::byte> d, const asio::ip::udp::endpoint& from) {
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
    if (self->relay_udp_) {
      self->relay_udp_->close();
    }
    self->relay_links_.clear();
    self->relay_legs_.clear();
    self->remote_legs_.clear();
    self->by_ssrc_.clear();
    self->rooms_.clear();
    self->speakers_.clear();
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
    const auto id = info.participant_id;
    self->removeLegNow(id);
    info.keying.clear();  // cut into `keys`; no second copy of the secret
    media::LossBasedControllerConfig downlink;
    downlink.max_bps = std::int64_t{self->config_.initial_video_budget_kbps} * 1000;
    downlink.start_bps = downlink.max_bps;
    auto leg = std::make_unique<Leg>(std::move(info), *keys, downlink);
    for (const auto ssrc : ownedSsrcs(leg->info)) {
      if (self->by_ssrc_.count(ssrc) != 0) {
        spdlog::error("media: SSRC {} already in use; participant {} gets no media", ssrc, id);
        return;
      }
    }
    for (const auto ssrc : ownedSsrcs(leg->info)) {
      self->by_ssrc_[ssrc] = leg.get();
    }
    self->rooms_[leg->info.room].push_back(leg.get());
    self->speakers_.try_emplace(leg->info.room, self->config_.max_forwarded_speakers);
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
  if (!leg->remote_peer.empty()) {
    if (auto peer = remote_legs_.find(leg->remote_peer); peer != remote_legs_.end()) {
      peer->second.erase(leg->remote_id);
    }
  }
  for (const auto ssrc : ownedSsrcs(leg->info)) {
    if (auto s = by_ssrc_.find(ssrc); s != by_ssrc_.end() && s->second == leg) {
      by_ssrc_.erase(s);
    }
  }
  if (auto r = rooms_.find(leg->info.room); r != rooms_.end()) {
    std::erase(r->second, leg);
    for (Leg* other : r->second) {  // its streams are no longer forwarded to anyone
      for (const auto ssrc : leg->info.ssrcs) {
        other->forwarded.erase(ssrc);
      }
    }
    if (r->second.empty()) {
      rooms_.erase(r);
      speakers_.erase(leg->info.room);
    } else if (auto s = speakers_.find(leg->info.room); s != speakers_.end()) {
      s->second.remove(participant_id);
    }
  }
  legs_.erase(it);
}

void MediaRouter::onTcpPacket(std::uint64_t participant_id, std::string packet) {
  asio::post(strand_, [self = shared_from_this(), participant_id,
                       packet = std::move(packet)]() mutable {
    auto it = self->legs_.find(participant_id);
    if (it == self->legs_.end()) {
      countDrop(self->counters_.dropped_unknown_ssrc, self->metrics_,
                ServerMetrics::MediaDrop::UnknownSsrc);
      return;
    }
    Leg& leg = *it->second;
    if (packet.size() > protocol::kMaxMediaPacketBytes) {
      countDrop(self->counters_.dropped_malformed, self->metrics_,
                ServerMetrics::MediaDrop::Malformed);
      return;
    }
    std::span<std::byte> bytes(reinterpret_cast<std::byte*>(packet.data()), packet.size());
    const bool rtcp = media::isRtcp(bytes);
    std::uint32_t ssrc = 0;
    if (!packetSsrc(bytes, rtcp, ssrc)) {
      countDrop(self->counters_.dropped_malformed, self->metrics_,
                ServerMetrics::MediaDrop::Malformed);
      return;
    }
    bool rtx = false;
    if (!kindOf(leg.info, ssrc, rtx)) {
      countDrop(self->counters_.dropped_foreign_ssrc, self->metrics_,
                ServerMetrics::MediaDrop::ForeignSsrc);
      return;
    }
    auto* inbound = leg.inbound();
    if (inbound == nullptr) {
      countDrop(self->counters_.dropped_auth, self->metrics_, ServerMetrics::MediaDrop::Auth);
      return;
    }
    auto plain = rtcp ? inbound->unprotectRtcp(bytes) : inbound->unprotectRtp(bytes);
    if (!plain) {
      countDrop(self->counters_.dropped_auth, self->metrics_, ServerMetrics::MediaDrop::Auth);
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
  asio::post(strand_, [self = shared_from_this(), f = std::move(f)] {
    if (self->udp_) {
      const auto& udp = self->udp_->counters();
      self->counters_.udp_received = udp.received;
      self->counters_.udp_sent = udp.sent;
      self->counters_.udp_send_dropped = udp.send_dropped;
      self->counters_.udp_receive_calls = udp.receive_calls;
      self->counters_.udp_send_calls = udp.send_calls;
    }
    f(self->counters_);
  });
}

void MediaRouter::answerStun(std::span<const std::byte> request,
                             const asio::ip::udp::endpoint& from) {
  // A client's ICE agent asks where it comes from: its server-reflexive
  // candidate for a peer path (docs/media.md, "Peer paths").
  net::StunPeerAddress peer;
  peer.port = from.port();
  if (from.address().is_v6() && !from.address().to_v6().is_v4_mapped()) {
    peer.ipv6 = true;
    const auto bytes = from.address().to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), peer.bytes.begin());
  } else {
    const auto v4 = from.address().is_v6()
                        ? asio::ip::make_address_v4(asio::ip::v4_mapped, from.address().to_v6())
                        : from.address().to_v4();
    const auto bytes = v4.to_bytes();
    std::copy(bytes.begin(), bytes.end(), peer.bytes.begin());
  }
  auto answer = net::answerStunBinding(request, peer);
  if (!answer || !udp_) {
    countDrop(counters_.dropped_malformed, metrics_, ServerMetrics::MediaDrop::Malformed);
    return;
  }
  ++counters_.stun_answered;
  (void)udp_->send(*answer, from, net::TrafficClass::Control);
}

void MediaRouter::injectDatagramForTest(std::span<std::byte> datagram,
                                        const asio::ip::udp::endpoint& from) {
  onDatagram(datagram, from);
}

void MediaRouter::confirmAddressForTest(std::uint64_t participant_id,
                                        const asio::ip::udp::endpoint& from) {
  if (auto it = legs_.find(participant_id); it != legs_.end()) {
    it->second->udp_address.confirmForTest(from);
  }
}

void MediaRouter::onDatagram(std::span<std::byte> datagram, const asio::ip::udp::endpoint& from) {
  if (net::looksLikeStun(datagram)) {
    answerStun(datagram, from);
    return;
  }
  const bool rtcp = media::isRtcp(datagram);
  std::uint32_t ssrc = 0;
  if (!packetSsrc(datagram, rtcp, ssrc)) {
    countDrop(counters_.dropped_malformed, metrics_, ServerMetrics::MediaDrop::Malformed);
    return;
  }
  auto it = by_ssrc_.find(ssrc);
  if (it == by_ssrc_.end()) {
    countDrop(counters_.dropped_unknown_ssrc, metrics_, ServerMetrics::MediaDrop::UnknownSsrc);
    return;
  }
  Leg& leg = *it->second;
  auto* inbound = leg.inbound();
  if (inbound == nullptr) {
    countDrop(counters_.dropped_auth, metrics_, ServerMetrics::MediaDrop::Auth);
    return;
  }
  auto plain = rtcp ? inbound->unprotectRtcp(datagram) : inbound->unprotectRtp(datagram);
  if (!plain) {
    countDrop(counters_.dropped_auth, metrics_, ServerMetrics::MediaDrop::Auth);
    return;
  }
  // Only an authenticated packet from the confirmed address counts: a forged
  // one, or a genuine one from elsewhere, cannot redirect anyone's media.
  if (!leg.udp_address.confirmed(from) &&
      !fromUnconfirmed(leg, datagram.first(*plain), rtcp, datagram.size(), from)) {
    return;
  }
  leg.last_udp = clock_.now();
  if (rtcp) {
    answerProbe(leg);
  }
  handlePlain(leg, datagram.first(*plain), rtcp);
}

bool MediaRouter::fromUnconfirmed(Leg& leg, std::span<const std::byte> plain, bool rtcp,
                                  std::size_t wire_size, const asio::ip::udp::endpoint& from) {
  const auto now = clock_.now();
  if (rtcp) {
    if (auto nonce = net::findAddressCheck(plain, net::AddressCheckType::Answer);
        nonce && leg.udp_address.answer(from, *nonce, now)) {
      ++counters_.addresses_confirmed;
      metrics_.mediaAddressConfirmed();
      return true;
    }
  }
  countDrop(counters_.dropped_unconfirmed_address, metrics_,
            ServerMetrics::MediaDrop::UnconfirmedAddress);
  // The check is never larger than what came in (no amplification), and
  // ReturnAddress keeps it to a few a second per leg.
  if (wire_size < net::kAddressCheckWireBytes || !udp_) {
    return false;
  }
  const auto nonce = leg.udp_address.checkFor(from, now);
  auto* outbound = leg.outbound();
  if (!nonce || outbound == nullptr) {
    return false;
  }
  scratch_.clear();
  net::appendAddressCheck(net::AddressCheckType::Check, kServerSsrc, *nonce, scratch_);
  if (outbound->protectRtcp(scratch_) && scratch_.size() <= wire_size) {
    ++counters_.address_checks_sent;
    metrics_.mediaAddressCheckSent();
    udp_->send(scratch_, from, net::TrafficClass::Control);
  }
  return false;
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
    countDrop(counters_.dropped_malformed, metrics_, ServerMetrics::MediaDrop::Malformed);
    return;
  }
  forwardRtp(from, plain, *rtp);
}

void MediaRouter::forwardRtp(Leg& from, std::span<const std::byte> plain,
                             const media::RtpPacketView& rtp) {
  bool rtx = false;
  const auto found = kindOf(from.info, rtp.header.ssrc, rtx);
  if (!found) {
    countDrop(counters_.dropped_foreign_ssrc, metrics_, ServerMetrics::MediaDrop::ForeignSsrc);
    return;
  }
  const auto kind = *found;
  if (rtx) {
    onSenderRetransmission(from, plain, kind);
    return;
  }
  const auto now = clock_.now();
  from.in_rates[kind].add(plain.size(), now);
  if (kind != kAudio) {
    forwardVideo(from, plain, rtp, kind);
    return;
  }
  from.uplink.onOtherPacket(now, plain.size());  // voice shares the uplink
  forwardVoice(from, plain, rtp, now);
}

void MediaRouter::forwardVideo(Leg& from, std::span<const std::byte> plain,
                               const media::RtpPacketView& rtp, std::size_t kind) {
  auto room = rooms_.find(from.info.room);
  if (room == rooms_.end()) {
    return;
  }
  const auto& ssrcs = from.info.ssrcs;
  const bool screen = kind == kScreen || kind == kScreenLow;
  const std::uint32_t high = ssrcs[screen ? kScreen : kVideo];
  const std::uint32_t low = ssrcs[screen ? kScreenLow : kVideoLow];
  const bool key_frame = isKeyFrameStart(rtp.header.payload_type, rtp.payload);
  const auto now = clock_.now();
  estimateUplink(from, rtp, plain.size(), now);
  auto& sent = from.sent[kind];
  if (!sent) {
    sent = std::make_unique<SentStream>();
  }
  if (sent->history.contains(rtp.header.sequence, now)) {
    ++counters_.duplicates_dropped;  // a retransmission got here first
    return;
  }
  sent->history.store(rtp.header.sequence, plain, now);
  sent->missing.onPacket(rtp.header.sequence, now);
  askSender(from, rtp.header.ssrc, *sent, now);
  for (Leg* to : room->second) {
    // A participant on a peer server is reached through that server's relay
    // leg, never directly, and what came from a peer never goes back to one.
    if (to == &from || !to->remote_peer.empty() ||
        (!to->relay_peer.empty() && !from.remote_peer.empty())) {
      continue;
    }
    if (!to->relay_peer.empty()) {
      // A peer server gets every layer once and chooses for its own receivers.
      to->forwarded[rtp.header.ssrc].forwarded(rtp.header.sequence);
      scratch_.assign(plain.begin(), plain.end());
      sendTo(*to, scratch_, false, net::TrafficClass::Video);
      continue;
    }
    maybePlan(*to, now);
    const auto decision = to->video.onPacket(high, low, rtp.header.ssrc, key_frame, now);
    if (decision.request_key_frame) {
      requestKeyFrame(from, *decision.request_key_frame, now);
    }
    if (!decision.forward) {
      ++counters_.dropped_video_budget;
      if (auto run = to->forwarded.find(rtp.header.ssrc); run != to->forwarded.end()) {
        run->second.active = false;
      }
      continue;
    }
    to->forwarded[rtp.header.ssrc].forwarded(rtp.header.sequence);
    to->repair_share.onVideo(plain.size(), now);
    scratch_.assign(plain.begin(), plain.end());
    sendTo(*to, scratch_, false, net::TrafficClass::Video);
  }
}

void MediaRouter::estimateUplink(Leg& from, const media::RtpPacketView& rtp, std::size_t size,
                                 Clock::TimePoint now) {
  // Which of the sender's video streams the estimate follows (one stream's
  // RTP clock is what it needs), looked at every kFollowInterval.
  constexpr auto kFollowInterval = std::chrono::milliseconds(250);
  if (from.uplink_ssrc == 0 || now - from.uplink_chosen >= kFollowInterval) {
    from.uplink_chosen = now;
    const auto rate = [&](std::size_t kind) {
      return media::StreamRate{from.info.ssrcs[kind],
                               static_cast<std::int64_t>(from.in_rates[kind].bitsPerSecond(now))};
    };
    const std::array rates = {rate(kVideo), rate(kScreen), rate(kVideoLow), rate(kScreenLow)};
    const auto followed = from.uplink_follow.choose(rates, now);
    if (followed != 0 && followed != from.uplink_ssrc) {
      media::DelayBasedEstimatorConfig config;
      // A sender starts with room for a full screen share and its small
      // layer; the delay signal cuts this within a second where it is too much.
      config.start_bps = kUplinkStartBps;
      if (from.uplink_ssrc != 0) {
        config.start_bps = std::max<std::int64_t>(from.uplink.estimateBps(now), config.min_bps);
      }
      from.uplink = media::DelayBasedEstimator(config);
      from.uplink_ssrc = followed;
      from.uplink_has_ts = false;
      from.uplink_ts = 0;
    }
  }
  if (rtp.header.ssrc != from.uplink_ssrc) {
    from.uplink.onOtherPacket(now, size);
    return;
  }
  if (!from.uplink_has_ts) {
    from.uplink_has_ts = true;
    from.uplink_last_ts = rtp.header.timestamp;
  }
  from.uplink_ts += static_cast<std::int32_t>(rtp.header.timestamp - from.uplink_last_ts);
  from.uplink_last_ts = rtp.header.timestamp;
  from.uplink.onPacket(now, from.uplink_ts * 1000 / 90, size);
  if (from.uplink.shouldSendRemb(now)) {
    scratch_.clear();
    media::ReceiverReport rr;
    rr.ssrc = kServerSsrc;
    media::appendReceiverReport(rr, scratch_);
    media::Remb remb;
    remb.sender_ssrc = kServerSsrc;
    remb.bitrate_bps = static_cast<std::uint64_t>(from.uplink.estimateBps(now));
    remb.ssrcs = {from.uplink_ssrc};
    media::appendRemb(remb, scratch_);
    sendTo(from, scratch_, true, net::TrafficClass::Video);
  }
}

void MediaRouter::maybePlan(Leg& receiver, Clock::TimePoint now) {
  if (now - receiver.last_plan < kPlanInterval) {
    return;
  }
  receiver.last_plan = now;
  auto room = rooms_.find(receiver.info.room);
  if (room == rooms_.end()) {
    return;
  }
  // The receiver's estimate (REMB) lowered by the loss it reports; before
  // any feedback, what we allow a new receiver. The estimate alone is the
  // floor a shared screen's small layer may use (plan()).
  auto budget = static_cast<double>(receiver.downlink_loss.targetBps());
  auto floor = static_cast<double>(receiver.downlink_loss.lastRembBps().value_or(0));
  std::vector<VideoSourceRates> sources;
  for (Leg* other : room->second) {
    if (other == &receiver) {
      continue;
    }
    // Voice first: whatever the others' audio takes is not there for video.
    const auto voice = static_cast<double>(other->in_rates[kAudio].bitsPerSecond(now));
    budget -= voice;
    floor -= voice;
    for (const bool screen : {false, true}) {
      VideoSourceRates s;
      s.screen = screen;
      s.high_ssrc = other->info.ssrcs[screen ? kScreen : kVideo];
      s.low_ssrc = other->info.ssrcs[screen ? kScreenLow : kVideoLow];
      s.high_bps = other->in_rates[screen ? kScreen : kVideo].bitsPerSecond(now);
      s.low_bps = other->in_rates[screen ? kScreenLow : kVideoLow].bitsPerSecond(now);
      if (s.high_bps > 0 || s.low_bps > 0) {
        sources.push_back(s);
      }
    }
  }
  // ... and what its repair takes next to the video.
  const auto video_budget =
      receiver.repair_share.videoBudget(budget > 0 ? static_cast<std::uint64_t>(budget) : 0, now);
  const auto screen_floor =
      floor > 0 ? static_cast<std::uint64_t>(floor / (1 + receiver.repair_share.share())) : 0;
  for (const auto ssrc : receiver.video.plan(video_budget, sources, now, screen_floor)) {
    if (auto owner = by_ssrc_.find(ssrc); owner != by_ssrc_.end()) {
      requestKeyFrame(*owner->second, ssrc, now);
    }
  }
}

void MediaRouter::requestKeyFrame(Leg& sender, std::uint32_t ssrc, Clock::TimePoint now) {
  const auto& ssrcs = sender.info.ssrcs;
  const auto it = std::find(ssrcs.begin(), ssrcs.end(), ssrc);
  if (it == ssrcs.end()) {
    return;
  }
  auto& last = sender.last_pli[static_cast<std::size_t>(it - ssrcs.begin())];
  if (last != Clock::TimePoint{} && now - last < kPliInterval) {
    return;
  }
  last = now;
  ++counters_.key_frame_requests;
  scratch_.clear();
  media::appendPli(media::Pli{kServerSsrc, ssrc}, scratch_);
  sendTo(sender, scratch_, true, net::TrafficClass::Video);
}

void MediaRouter::handleRtcp(Leg& from, std::span<const std::byte> plain) {
  auto compound = media::parseRtcp(plain);
  if (!compound) {
    countDrop(counters_.dropped_malformed, metrics_, ServerMetrics::MediaDrop::Malformed);
    return;
  }
  // The REMB first: a decrease for loss starts from the current estimate.
  for (const auto& remb : compound->rembs) {
    from.downlink_loss.onRemb(static_cast<std::int64_t>(
        std::min<std::uint64_t>(remb.bitrate_bps, std::numeric_limits<std::int64_t>::max())));
  }
  // One report per compound: the worst stream's loss since the last one.
  const auto report = [&](const std::vector<media::ReportBlock>& blocks) {
    if (blocks.empty()) {
      return;
    }
    std::uint8_t worst = 0;
    for (const auto& block : blocks) {
      worst = std::max(worst, block.fraction_lost);
    }
    from.downlink_loss.onReceiverReport(clock_.now(), worst);
  };
  for (const auto& rr : compound->receiver_reports) {
    report(rr.report_blocks);
  }
  for (const auto& sr : compound->sender_reports) {
    report(sr.report_blocks);
  }
  noteListenerLoss(from, *compound);
  // Feedback about a stream goes to whoever sends that stream, re-protected
  // with the sender's keys. Only streams in the same room.
  auto ownerOf = [&](std::uint32_t media_ssrc) -> Leg* {
    auto it = by_ssrc_.find(media_ssrc);
    if (it == by_ssrc_.end() || it->second == &from || it->second->info.room != from.info.room) {
      return nullptr;
    }
    return it->second;
  };
  for (const auto& pli : compound->plis) {
    if (Leg* owner = ownerOf(pli.media_ssrc)) {
      requestKeyFrame(*owner, pli.media_ssrc, clock_.now());
    }
  }
  for (const auto& nack : compound->nacks) {
    if (Leg* owner = ownerOf(nack.media_ssrc)) {
      answerNack(from, *owner, nack);
    }
  }
}

void MediaRouter::askSender(Leg& sender, std::uint32_t ssrc, SentStream& stream,
                            Clock::TimePoint now) {
  // What the history no longer holds cannot be forwarded in time anyway.
  stream.missing.forgetFoundBefore(now - media::PacketHistory::kMaxAge);
  constexpr std::size_t kMaxPerNack = 256;  // one compound within one packet
  auto due = stream.missing.due(now, stream.round_trip, kMaxPerNack);
  if (due.empty()) {
    return;
  }
  ++counters_.nacks_to_senders;
  scratch_.clear();
  media::ReceiverReport rr;
  rr.ssrc = kServerSsrc;
  media::appendReceiverReport(rr, scratch_);
  media::appendNack(media::Nack{kServerSsrc, ssrc, std::move(due)}, scratch_);
  sendTo(sender, scratch_, true, net::TrafficClass::Video);
}

void MediaRouter::answerNack(Leg& receiver, Leg& sender, const media::Nack& nack) {
  bool rtx = false;
  const auto kind = kindOf(sender.info, nack.media_ssrc, rtx);
  if (!kind || rtx || !sender.sent[*kind]) {
    return;
  }
  auto run = receiver.forwarded.find(nack.media_ssrc);
  if (run == receiver.forwarded.end() || !run->second.active) {
    return;  // not forwarded to this receiver now: nothing to repair
  }
  SentStream& stream = *sender.sent[*kind];
  const auto now = clock_.now();
  ++counters_.nacks_received;
  // The repair budget refills with time, up to a second's worth.
  const double rate =
      std::max(kMinRepairBytesPerSecond,
               kRepairShare * static_cast<double>(receiver.downlink_loss.targetBps()) / 8);
  if (receiver.repair_refilled != Clock::TimePoint{}) {
    receiver.repair_tokens =
        std::min(rate,
                 receiver.repair_tokens +
                     rate * std::chrono::duration<double>(now - receiver.repair_refilled).count());
  } else {
    receiver.repair_tokens = rate;
  }
  receiver.repair_refilled = now;
  // A hostile list may repeat itself: each packet once per NACK.
  std::vector<std::uint16_t> wanted = nack.lost_sequences;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (const auto sequence : wanted) {
    if (!run->second.covers(sequence)) {
      ++counters_.nack_not_forwarded;
      continue;
    }
    auto packet = stream.history.find(sequence, now);
    if (!packet) {
      // Lost before it got here: the sender was asked when the gap showed,
      // and what it sends again goes on to everyone forwarded this stream.
      ++counters_.nack_not_in_history;
      continue;
    }
    if (receiver.repair_tokens < static_cast<double>(packet->size())) {
      ++counters_.nack_over_budget;
      continue;
    }
    if (!media::wrapRtx(*packet, media::rtxSsrcFor(nack.media_ssrc), run->second.rtx_sequence,
                        scratch_)) {
      continue;
    }
    receiver.repair_tokens -= static_cast<double>(packet->size());
    receiver.repair_share.onRepair(packet->size(), now);
    ++run->second.rtx_sequence;
    ++counters_.retransmitted;
    sendTo(receiver, scratch_, false, net::TrafficClass::Video);
  }
}

void MediaRouter::onSenderRetransmission(Leg& from, std::span<const std::byte> rtx,
                                         std::size_t kind) {
  auto& stream = from.sent[kind];
  auto unwrapped = media::unwrapRtx(rtx, original_);
  if (!stream || !unwrapped) {
    countDrop(counters_.dropped_malformed, metrics_, ServerMetrics::MediaDrop::Malformed);
    return;
  }
  const auto now = clock_.now();
  const auto sequence = unwrapped->original_sequence;
  if (stream->history.contains(sequence, now)) {
    ++counters_.duplicates_dropped;  // the original came after all
    return;
  }
  // Only what the server asked for goes on: a sender cannot push past its
  // receivers' budgets by sending "retransmissions" nobody wanted.
  const auto arrival = stream->missing.onPacket(sequence, now);
  if (!arrival.was_missing) {
    ++counters_.rtx_unasked;
    return;
  }
  ++counters_.recovered_from_senders;
  from.in_rates[kind].add(original_.size(), now);
  from.uplink.onOtherPacket(now, rtx.size());
  stream->history.store(sequence, original_, now);
  if (arrival.round_trip) {
    stream->round_trip = (stream->round_trip * 7 + *arrival.round_trip) / 8;  // RFC 6298's alpha
  }
  auto room = rooms_.find(from.info.room);
  if (room == rooms_.end()) {
    return;
  }
  // Everyone this stream is forwarded to missed it too: send it on at once,
  // as a retransmission (their original sequence numbers are in use).
  for (Leg* to : room->second) {
    if (to == &from) {
      continue;
    }
    auto run = to->forwarded.find(unwrapped->media_ssrc);
    if (run == to->forwarded.end() || !run->second.active || !run->second.covers(sequence)) {
      continue;
    }
    if (!media::wrapRtx(original_, media::rtxSsrcFor(unwrapped->media_ssrc),
                        run->second.rtx_sequence, scratch_)) {
      continue;
    }
    ++run->second.rtx_sequence;
    ++counters_.retransmitted;
    sendTo(*to, scratch_, false, net::TrafficClass::Video);
  }
}

void MediaRouter::answerProbe(Leg& leg) {
  // An empty receiver report from the server: proof for the client that UDP
  // works both ways (its probes are RTCP too).
  scratch_.clear();
  media::ReceiverReport rr;
  rr.ssrc = kServerSsrc;
  media::appendReceiverReport(rr, scratch_);
  auto* outbound = leg.outbound();
  if (outbound == nullptr) {
    return;
  }
  if (auto ok = outbound->protectRtcp(scratch_); ok && udp_) {
    udp_->send(scratch_, leg.udp_address.address(), net::TrafficClass::Control);
  }
}

bool MediaRouter::udpAlive(const Leg& leg) const {
  return udp_ && leg.udp_address.hasAddress() && leg.client_uses_udp &&
         clock_.now() - leg.last_udp < config_.udp_alive;
}

void MediaRouter::sendTo(Leg& to, std::vector<std::byte>& plain, bool rtcp, net::TrafficClass cls) {
  if (to.interconnected()) {
    sendToPeer(to, plain, rtcp);
    return;
  }
  auto* outbound = to.outbound();
  if (outbound == nullptr) {
    ++counters_.dropped_malformed;  // our side failed: not a packet the port refused
    return;
  }
  auto ok = rtcp ? outbound->protectRtcp(plain) : outbound->protectRtp(plain);
  if (!ok) {
    ++counters_.dropped_malformed;  // our side failed: not a packet the port refused
    return;
  }
  ++counters_.forwarded_packets;
  counters_.forwarded_bytes += plain.size();
  metrics_.forwarded(plain.size());
  if (udpAlive(to)) {
    udp_->send(plain, to.udp_address.address(), cls);
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
