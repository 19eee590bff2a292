// MediaRouter between interconnected servers (media_router.h, "Interconnection";
// docs/interconnect.md). A peer's packets arrive on the interconnect media
// port under the SSRCs that peer gave its participants; each is checked and
// decrypted with the link's keys, renumbered to the SSRCs of that
// participant's remote leg here, and forwarded like any sender's. What goes
// to a peer leaves under our own participants' SSRCs, which the peer
// renumbers in turn. Key-frame requests and NACKs cross too, renumbered back:
// a packet lost between the servers is asked for by the receiving server
// (as from any sender) and sent again by the other from its history, on RTX,
// as it would for a receiver of its own. REMB does not cross: each server
// estimates its own receivers.

#include <asio/post.hpp>

#include "core/base/thread_check.h"
#include "core/server/media/media_router.h"
#include "core/server/media/media_router_leg.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtx.h"
#include "net/media_transport/srtp_session.h"

namespace parley::server {
using namespace router_detail;  // NOLINT(google-build-using-namespace): part of the router

namespace {

void writeBe32(std::span<std::byte> p, std::size_t at, std::uint32_t v) {
  p[at] = static_cast<std::byte>(v >> 24);
  p[at + 1] = static_cast<std::byte>(v >> 16);
  p[at + 2] = static_cast<std::byte>(v >> 8);
  p[at + 3] = static_cast<std::byte>(v);
}

std::uint32_t readSsrc(std::span<const std::byte> p, std::size_t at) {
  return (static_cast<std::uint32_t>(p[at]) << 24) | (static_cast<std::uint32_t>(p[at + 1]) << 16) |
         (static_cast<std::uint32_t>(p[at + 2]) << 8) | static_cast<std::uint32_t>(p[at + 3]);
}

// An SSRC renumbered to another participant id: the stream kind and the RTX
// bit (the low four bits) stay.
std::uint32_t renumbered(std::uint32_t ssrc, std::uint64_t participant_id) {
  return (mediaSsrc(participant_id, StreamKind::Audio) & ~0xFu) | (ssrc & 0xFu);
}

}  // namespace

Result<std::uint16_t> MediaRouter::startRelay(const asio::ip::udp::endpoint& local) {
  relay_udp_ = std::make_unique<net::UdpMediaSocket>(strand_, config_.dscp, config_.batched_io,
                                                     config_.segmented_sends);
  auto bound = relay_udp_->bind(local);
  if (!bound) {
    relay_udp_.reset();
    return makeError(std::move(bound).error());
  }
  std::weak_ptr<MediaRouter> weak = weak_from_this();
  asio::post(strand_, [weak] {
    if (auto self = weak.lock(); self && self->relay_udp_) {
      self->relay_udp_->start(
          [raw = self.get()](std::span<std::byte> d, const asio::ip::udp::endpoint& from) {
            raw->onRelayDatagram(d, from);
          });
    }
  });
  spdlog::info("media: interconnect media on UDP {}:{}", bound->address().to_string(),
               bound->port());
  return bound->port();
}

void MediaRouter::setRelayPeer(RelayPeer peer) {
  asio::post(strand_, [self = shared_from_this(), peer = std::move(peer)]() mutable {
    auto keys = net::splitMediaKeys(peer.keying);
    peer.keying.clear();
    if (!keys) {
      spdlog::warn("media: interconnect {}: no keys: {}", peer.name, keys.error().toString());
      return;
    }
    // The dialer writes with the "client" half, as a client does.
    const auto& ours = peer.we_dialed ? keys->client_write : keys->server_write;
    const auto& theirs = peer.we_dialed ? keys->server_write : keys->client_write;
    auto outbound = net::SrtpSession::create(net::SrtpSession::Direction::Outbound, ours);
    auto inbound = net::SrtpSession::create(net::SrtpSession::Direction::Inbound, theirs);
    if (!outbound || !inbound) {
      spdlog::error("media: interconnect {}: cannot set up SRTP", peer.name);
      return;
    }
    auto link = std::make_unique<RelayLink>();
    link->endpoint = peer.endpoint;
    link->outbound.emplace(std::move(*outbound));
    link->inbound.emplace(std::move(*inbound));
    self->relay_links_[peer.name] = std::move(link);
  });
}

void MediaRouter::removeRelayPeer(const std::string& name) {
  asio::post(strand_, [self = shared_from_this(), name] { self->relay_links_.erase(name); });
}

void MediaRouter::addRelayRoom(const std::string& peer, const std::string& room) {
  asio::post(strand_, [self = shared_from_this(), peer, room] {
    auto& rooms = self->relay_legs_[peer];
    if (rooms.count(room) != 0) {
      return;
    }
    const auto id = self->next_relay_leg_id_++;
    MediaLegInfo info;
    info.participant_id = id;
    info.room = room;
    media::LossBasedControllerConfig downlink;
    auto leg = std::make_unique<Leg>(std::move(info), net::MediaKeys{}, downlink);
    leg->relay_peer = peer;
    self->rooms_[room].push_back(leg.get());
    self->speakers_.try_emplace(room, self->config_.max_forwarded_speakers);
    self->legs_[id] = std::move(leg);
    rooms[room] = id;
  });
}

void MediaRouter::removeRelayRoom(const std::string& peer, const std::string& room) {
  asio::post(strand_,
             [self = shared_from_this(), peer, room] { self->removeRelayLegs(peer, room); });
}

void MediaRouter::removeRelayLegs(const std::string& peer, const std::string& room) {
  PARLEY_DCHECK_RUN_ON(strand_);
  auto rooms = relay_legs_.find(peer);
  if (rooms == relay_legs_.end()) {
    return;
  }
  if (auto it = rooms->second.find(room); it != rooms->second.end()) {
    const auto id = it->second;
    rooms->second.erase(it);
    removeLegNow(id);
  }
}

void MediaRouter::addRemoteLeg(std::uint64_t local_id, const std::string& room,
                               const std::string& peer, std::uint64_t remote_id) {
  asio::post(strand_, [self = shared_from_this(), local_id, room, peer, remote_id] {
    self->removeLegNow(local_id);
    MediaLegInfo info;
    info.participant_id = local_id;
    info.room = room;
    info.ssrcs = mediaSsrcs(local_id);
    media::LossBasedControllerConfig downlink;
    auto leg = std::make_unique<Leg>(std::move(info), net::MediaKeys{}, downlink);
    leg->remote_peer = peer;
    leg->remote_id = remote_id;
    for (const auto ssrc : leg->info.ssrcs) {
      if (self->by_ssrc_.count(ssrc) != 0) {
        spdlog::error("media: SSRC {} already in use; {} on {} gets no media here", ssrc, remote_id,
                      peer);
        return;
      }
    }
    for (std::size_t kind = 0; kind < leg->info.ssrcs.size(); ++kind) {
      self->by_ssrc_[leg->info.ssrcs[kind]] = leg.get();
      if (isVideoKind(kind)) {
        self->by_ssrc_[media::rtxSsrcFor(leg->info.ssrcs[kind])] = leg.get();
      }
    }
    self->rooms_[room].push_back(leg.get());
    self->speakers_.try_emplace(room, self->config_.max_forwarded_speakers);
    self->remote_legs_[peer][remote_id] = leg.get();
    self->legs_[local_id] = std::move(leg);
  });
}

MediaRouter::Leg* MediaRouter::relayLegOf(const std::string& peer, const std::string& room) {
  auto rooms = relay_legs_.find(peer);
  if (rooms == relay_legs_.end()) {
    return nullptr;
  }
  auto id = rooms->second.find(room);
  if (id == rooms->second.end()) {
    return nullptr;
  }
  auto leg = legs_.find(id->second);
  return leg == legs_.end() ? nullptr : leg->second.get();
}

void MediaRouter::sendToPeer(Leg& to, std::vector<std::byte>& plain, bool rtcp) {
  std::string_view peer = to.relay_peer;
  if (!to.remote_peer.empty()) {
    // Feedback for a participant over there: key-frame requests and NACKs
    // cross, renumbered to the SSRC its own server gave it.
    if (!rtcp) {
      return;
    }
    auto compound = media::parseRtcp(plain);
    if (!compound || (compound->plis.empty() && compound->nacks.empty())) {
      return;
    }
    plain.clear();
    for (const auto& pli : compound->plis) {
      media::appendPli(media::Pli{kServerSsrc, renumbered(pli.media_ssrc, to.remote_id)}, plain);
    }
    for (auto& nack : compound->nacks) {
      media::appendNack(media::Nack{kServerSsrc, renumbered(nack.media_ssrc, to.remote_id),
                                    std::move(nack.lost_sequences)},
                        plain);
    }
    peer = to.remote_peer;
  }
  auto link = relay_links_.find(std::string(peer));
  if (link == relay_links_.end() || !relay_udp_) {
    return;  // the link is down: nothing crosses until it is back
  }
  auto ok =
      rtcp ? link->second->outbound->protectRtcp(plain) : link->second->outbound->protectRtp(plain);
  if (!ok) {
    ++counters_.dropped_malformed;
    return;
  }
  ++counters_.relayed_out;
  metrics_.forwarded(plain.size());
  relay_udp_->send(plain, link->second->endpoint,
                   rtcp ? net::TrafficClass::Control : net::TrafficClass::Video);
}

void MediaRouter::onRelayDatagram(std::span<std::byte> datagram,
                                  const asio::ip::udp::endpoint& from) {
  RelayLink* link = nullptr;
  std::string peer;
  for (auto& [name, candidate] : relay_links_) {
    if (candidate->endpoint == from) {
      link = candidate.get();
      peer = name;
      break;
    }
  }
  if (link == nullptr) {
    ++counters_.relay_dropped;  // not a linked peer's media port
    return;
  }
  const bool rtcp = media::isRtcp(datagram);
  auto plain =
      rtcp ? link->inbound->unprotectRtcp(datagram) : link->inbound->unprotectRtp(datagram);
  if (!plain) {
    ++counters_.relay_dropped;
    return;
  }
  auto packet = datagram.first(*plain);
  if (rtcp) {
    // A receiver over there wants a key frame of one of ours, or the peer
    // lost some of our packets on the way.
    auto compound = media::parseRtcp(packet);
    if (!compound) {
      ++counters_.relay_dropped;
      return;
    }
    for (const auto& pli : compound->plis) {
      auto owner = by_ssrc_.find(pli.media_ssrc);
      if (owner != by_ssrc_.end() && !owner->second->interconnected()) {
        requestKeyFrame(*owner->second, pli.media_ssrc, clock_.now());
      }
    }
    for (const auto& nack : compound->nacks) {
      auto owner = by_ssrc_.find(nack.media_ssrc);
      if (owner == by_ssrc_.end() || owner->second->interconnected()) {
        continue;
      }
      // Answered as for a receiver here: from the history, within the
      // relay leg's repair budget, only what that leg was forwarded.
      if (Leg* relay = relayLegOf(peer, owner->second->info.room)) {
        answerNack(*relay, *owner->second, nack);
      }
    }
    return;
  }
  if (packet.size() < 12) {
    ++counters_.relay_dropped;
    return;
  }
  const auto ssrc = readSsrc(packet, 8);
  auto legs = remote_legs_.find(peer);
  const std::uint64_t their_id = ssrc >> 4;
  if (legs == remote_legs_.end()) {
    ++counters_.relay_dropped;
    return;
  }
  auto leg = legs->second.find(their_id);
  if (leg == legs->second.end()) {
    ++counters_.relay_dropped;  // not (or no longer) in a room we share
    return;
  }
  writeBe32(packet, 8, renumbered(ssrc, leg->second->info.participant_id));
  ++counters_.relayed_in;
  handlePlain(*leg->second, packet, false);
}

}  // namespace parley::server
