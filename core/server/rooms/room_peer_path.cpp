// Room's peer-path coordination: which two members try a direct path, the
// STUN/TURN servers they get, relaying their signals, and telling the room
// where each member's media goes. The server never sees the peer path's
// keys: it relays each side's DTLS fingerprint over the TLS channels, which
// is what makes the path safe from whoever answers on a candidate address.

#include <spdlog/spdlog.h>
#include <asio/post.hpp>

#include "core/base/thread_check.h"
#include "core/server/media/turn_credentials.h"
#include "core/server/rooms/room.h"
#include "core/server/server_context.h"

namespace parley::server {
namespace {

// When a third member leaves, the two who stay try again after this pause:
// long enough that someone leaving and rejoining (a reconnect) does not
// start and stop an attempt each time.
constexpr std::chrono::seconds kRetryAfterShrink{3};
const char* const kViaServer = "via server";

}  // namespace

void Room::updatePeerPath(bool shrank) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (!ctx_->config.peer_enabled) {
    return;
  }
  // Two here and nobody on another server: a room that spans servers keeps
  // its media on them.
  const bool two = members_.size() == 2 && remote_.empty();
  const bool pair_still_here = two && find(peer_a_) != nullptr && find(peer_b_) != nullptr;
  if (peer_active_ && !pair_still_here) {
    stopPeerAttempt(members_.size() + remote_.size() > 2 ? "a third participant joined"
                                                         : "the peer left");
  }
  if (!two || peer_active_) {
    peer_timer_.cancel();
    return;
  }
  if (!shrank) {
    startPeerAttempt();
    return;
  }
  peer_timer_.expires_after(kRetryAfterShrink);
  peer_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (!ec && self->members_.size() == 2 && self->remote_.empty() && !self->peer_active_) {
      self->startPeerAttempt();
    }
  });
}

void Room::startPeerAttempt() {
  PARLEY_DCHECK_RUN_ON(strand_);
  peer_active_ = true;
  ++peer_attempt_;
  peer_a_ = members_[0].participant_id;
  peer_b_ = members_[1].participant_id;
  const auto& config = ctx_->config;
  for (std::size_t i = 0; i < 2; ++i) {
    Member& member = members_[i];
    member.peer_signals = 0;
    protocol::Envelope start;
    auto* s = start.mutable_peer_path_start();
    s->set_attempt(peer_attempt_);
    s->set_peer_participant_id(members_[1 - i].participant_id);
    s->set_controlling(i == 0);
    if (config.peer_stun) {
      auto* server = s->add_ice_servers();
      server->set_kind("stun");
      server->set_transport("udp");
      server->set_address(config.peer_stun->address);
      server->set_port(config.peer_stun->port);
    }
    if (!config.peer_turn.empty()) {
      const auto now_s = ctx_->clock.wallMillis() / 1000;
      const auto credentials =
          makeTurnCredentials(config.peer_turn_secret, member.user, now_s, config.peer_turn_ttl);
      for (const auto& turn : config.peer_turn) {
        auto* server = s->add_ice_servers();
        server->set_kind("turn");
        server->set_transport(turn.transport);
        server->set_address(turn.endpoint.address);
        server->set_port(turn.endpoint.port);
        server->set_username(credentials.username);
        server->set_password(credentials.password);
      }
    }
    member.channel->send(start);
  }
  spdlog::info("room '{}': peer path attempt {} between participants {} and {}", name_,
               peer_attempt_, peer_a_, peer_b_);
}

void Room::stopPeerAttempt(const std::string& reason) {
  PARLEY_DCHECK_RUN_ON(strand_);
  peer_active_ = false;
  protocol::Envelope stop;
  stop.mutable_peer_path_stop()->set_attempt(peer_attempt_);
  stop.mutable_peer_path_stop()->set_reason(reason);
  // Both hear of the stop before the room hears of the paths it changes.
  for (const auto id : {peer_a_, peer_b_}) {
    if (Member* member = find(id)) {
      member->channel->send(stop);
    }
  }
  for (const auto id : {peer_a_, peer_b_}) {
    if (Member* member = find(id)) {
      setMediaPath(*member, kViaServer);
    }
  }
  spdlog::info("room '{}': peer path attempt {} stopped: {}", name_, peer_attempt_, reason);
}

void Room::setMediaPath(Member& member, std::string path) {
  if (member.media_path == path) {
    return;
  }
  member.media_path = std::move(path);
  protocol::Envelope notice;
  notice.mutable_participant_path()->set_participant_id(member.participant_id);
  notice.mutable_participant_path()->set_path(member.media_path);
  broadcast(notice, 0);
}

void Room::peerSignal(std::uint64_t participant_id, proto::PeerSignal signal) {
  asio::post(strand_, [self = shared_from_this(), participant_id,
                       signal = std::move(signal)]() mutable {
    auto& room = *self;
    if (!room.peer_active_ || signal.attempt() != room.peer_attempt_ ||
        (participant_id != room.peer_a_ && participant_id != room.peer_b_)) {
      return;  // an old attempt's late signal, or not one of the pair
    }
    Member* sender = room.find(participant_id);
    Member* other = room.find(participant_id == room.peer_a_ ? room.peer_b_ : room.peer_a_);
    if (sender == nullptr || other == nullptr) {
      return;
    }
    if (++sender->peer_signals > protocol::kMaxPeerSignalsPerAttempt) {
      if (sender->peer_signals == protocol::kMaxPeerSignalsPerAttempt + 1) {
        spdlog::warn("room '{}': participant {} sends too many peer signals; dropping the rest",
                     room.name_, participant_id);
      }
      return;
    }
    signal.set_from_participant_id(participant_id);
    protocol::Envelope forward;
    *forward.mutable_peer_signal() = std::move(signal);
    other->channel->send(forward);
  });
}

void Room::peerPathState(std::uint64_t participant_id, proto::PeerPathState state) {
  asio::post(strand_, [self = shared_from_this(), participant_id, state = std::move(state)] {
    auto& room = *self;
    Member* member = room.find(participant_id);
    if (member == nullptr || state.attempt() != room.peer_attempt_) {
      return;
    }
    std::string path = state.path();
    if (path != "peer-to-peer" && path != "relayed (TURN)") {
      path = kViaServer;
    }
    if (!room.peer_active_) {
      path = kViaServer;
    }
    room.setMediaPath(*member, std::move(path));
  });
}

}  // namespace parley::server
