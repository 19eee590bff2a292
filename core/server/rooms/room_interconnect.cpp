// Room: the parts that span servers (docs/interconnect.md). Participants on
// another server are kept apart from members_ (they have no channel here):
// our members see them in Joined and hear of their coming and going; their
// chat reaches ours through the server that keeps the room's order.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <cstring>
#include <map>

#include "core/base/thread_check.h"
#include "core/server/interconnect/interconnect.h"
#include "core/server/media/media_router.h"
#include "core/server/media/media_ssrc.h"
#include "core/server/rooms/room.h"
#include "core/server/server_context.h"

namespace parley::server {
namespace {

// How our members see a participant on another server (Participant.media_path).
constexpr const char* kViaInterconnect = "via interconnect";
constexpr const char* kUnreachable = "unreachable";
// History pages a peer gets in one step when it catches up.
constexpr std::size_t kPeerHistoryPage = 256;
// Chat held per room while the order keeper is away; beyond it a sender is
// told to send again later (its client keeps the message).
constexpr std::size_t kMaxHeldChat = 1000;

// The pending id of a held message: the same for the same message whichever
// connection (re)sends it and across our restarts, so a client that saw it
// once does not show it twice, and the numbered copy can name it. Hashed so
// that the sender's client instance stays private.
std::uint64_t pendingIdOf(const std::string& room, const std::string& user,
                          std::uint64_t client_instance, std::uint64_t client_msg_id) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, crypto_generichash_BYTES_MIN);
  const auto add = [&](const void* data, std::size_t size) {
    crypto_generichash_update(&state, static_cast<const unsigned char*>(data), size);
  };
  const std::uint64_t room_size = room.size();
  add(&room_size, sizeof room_size);
  add(room.data(), room.size());
  add(user.data(), user.size());
  add(&client_instance, sizeof client_instance);
  add(&client_msg_id, sizeof client_msg_id);
  unsigned char digest[crypto_generichash_BYTES_MIN];
  crypto_generichash_final(&state, digest, sizeof digest);
  std::uint64_t id = 0;
  std::memcpy(&id, digest, sizeof id);
  return id == 0 ? 1 : id;  // 0 means "numbered"
}

}  // namespace

void Room::fillRemote(const RemoteMember& m, proto::Participant& p) const {
  fillIdentity(m.local_id, m.user, p);
  *p.mutable_media() = m.media;
  p.set_media_path(m.reachable ? kViaInterconnect : kUnreachable);
}

std::uint64_t Room::localIdOf(const std::string& server, std::uint64_t remote_id) const {
  for (const auto& m : remote_) {
    if (m.server == server && m.remote_id == remote_id) {
      return m.local_id;
    }
  }
  return 0;
}

void Room::publishPresence() {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (!ctx_->interconnect) {
    return;
  }
  proto::RoomPresence presence;
  presence.set_room(name_);
  presence.set_last_seq(record_.last_seq);
  for (const auto& m : members_) {
    auto* p = presence.add_participants();
    p->set_id(m.participant_id);
    p->set_user(m.user);
    *p->mutable_media() = m.media;
  }
  ctx_->interconnect->publish(std::move(presence));
}

void Room::remoteChanged() {
  asio::post(strand_, [self = shared_from_this()] {
    if (!self->members_.empty()) {
      self->syncRemote();
    }
    self->ctx_->rooms.release(*self);
  });
}

void Room::syncRemote() {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (!ctx_->interconnect) {
    return;
  }
  const auto presences = ctx_->interconnect->remote().of(name_);
  std::vector<RemoteMember> next;
  for (const auto& presence : presences) {
    for (const auto& p : presence.participants) {
      RemoteMember m;
      m.server = presence.server;
      m.remote_id = p.id();
      m.user = p.user();
      m.media = p.media();
      m.reachable = presence.reachable;
      m.local_id = localIdOf(m.server, m.remote_id);
      next.push_back(std::move(m));
    }
  }
  // Gone first, so a participant that moved between servers leaves before
  // it joins again.
  for (const auto& old : remote_) {
    const bool kept = std::any_of(next.begin(), next.end(), [&](const RemoteMember& m) {
      return m.server == old.server && m.remote_id == old.remote_id;
    });
    if (kept) {
      continue;
    }
    protocol::Envelope notice;
    auto* pl = notice.mutable_participant_left();
    pl->set_room(name_);
    pl->mutable_participant()->set_id(old.local_id);
    pl->mutable_participant()->set_user(old.user);
    pl->set_reason(old.reachable ? "left" : "unreachable: the link to " + old.server + " is down");
    broadcast(notice, 0);
    spdlog::info("room '{}': {} on {} left", name_, old.user, old.server);
  }
  for (auto& m : next) {
    const auto before = std::find_if(remote_.begin(), remote_.end(), [&](const RemoteMember& o) {
      return o.server == m.server && o.remote_id == m.remote_id;
    });
    if (before == remote_.end()) {
      m.local_id = ctx_->next_participant_id.fetch_add(1);
      protocol::Envelope joined;
      auto* pj = joined.mutable_participant_joined();
      pj->set_room(name_);
      fillRemote(m, *pj->mutable_participant());
      broadcast(joined, 0);
      spdlog::info("room '{}': {} on {} joined (participant {} here)", name_, m.user, m.server,
                   m.local_id);
      continue;
    }
    if (before->reachable != m.reachable) {
      protocol::Envelope path;
      path.mutable_participant_path()->set_participant_id(m.local_id);
      path.mutable_participant_path()->set_path(m.reachable ? kViaInterconnect : kUnreachable);
      broadcast(path, 0);
    }
    if (before->media.SerializeAsString() != m.media.SerializeAsString()) {
      protocol::Envelope notice;
      notice.mutable_participant_media()->set_participant_id(m.local_id);
      *notice.mutable_participant_media()->mutable_media() = m.media;
      broadcast(notice, 0);
    }
  }
  const bool grew = next.size() > remote_.size();
  remote_ = std::move(next);
  updateMediaRelay();
  // Someone elsewhere joined a two-person room: its peer path ends.
  updatePeerPath(!grew);
}

void Room::updateMediaRelay() {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (!ctx_->media) {
    return;
  }
  std::set<std::string> peers;
  std::set<std::uint64_t> legs;
  if (!members_.empty()) {
    for (const auto& m : remote_) {
      peers.insert(m.server);
      legs.insert(m.local_id);
      if (remote_legs_.count(m.local_id) == 0) {
        ctx_->media->addRemoteLeg(m.local_id, name_, m.server, m.remote_id);
      }
    }
  }
  for (const auto id : remote_legs_) {
    if (legs.count(id) == 0) {
      ctx_->media->removeLeg(id);
    }
  }
  for (const auto& peer : peers) {
    if (relayed_to_.count(peer) == 0) {
      ctx_->media->addRelayRoom(peer, name_);
    }
  }
  for (const auto& peer : relayed_to_) {
    if (peers.count(peer) == 0) {
      ctx_->media->removeRelayRoom(peer, name_);
    }
  }
  relayed_to_ = std::move(peers);
  remote_legs_ = std::move(legs);
}

void Room::holdForOrderKeeper(Member& sender, std::uint64_t client_instance,
                              std::uint64_t client_msg_id, std::string text) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (!ensureLoaded(sender.user)) {
    refuseUnstored(sender, ErrorCode::StoreFailed, client_msg_id);
    return;
  }
  auto existing =
      ctx_->store.findByClientId(record_.id, sender.user, client_instance, client_msg_id);
  if (!existing) {
    refuseUnstored(sender, existing.error().code, client_msg_id);
    return;
  }
  if (existing->has_value()) {
    ackChat(sender.participant_id, client_msg_id, **existing);  // stored before a reconnect
    return;
  }
  for (auto& held : held_) {
    if (held.user == sender.user && held.client_instance == client_instance &&
        held.client_msg_id == client_msg_id) {
      held.participant_id = sender.participant_id;  // a resend from a new connection
      if (!ctx_->interconnect->submitChat(submitOf(held))) {
        showPending(held);
      }
      return;
    }
  }
  if (held_.size() >= kMaxHeldChat) {
    sendError(*sender.channel, ErrorCode::StoreFailed,
              "this message was not stored: " + std::to_string(held_.size()) +
                  " messages already wait for the server that keeps this room's chat order; "
                  "send it again when the link to it is back",
              client_msg_id);
    return;
  }
  held_.push_back(HeldChat{sender.participant_id, sender.user, client_instance, client_msg_id,
                           std::move(text),
                           pendingIdOf(name_, sender.user, client_instance, client_msg_id),
                           ctx_->clock.wallMillis(), false});
  if (!ctx_->interconnect->submitChat(submitOf(held_.back()))) {
    spdlog::info(
        "room '{}': chat from {} shown as pending until the link to the server that keeps the "
        "order is back",
        name_, sender.user);
    showPending(held_.back());
  }
}

protocol::Envelope Room::pendingOf(const HeldChat& held) const {
  protocol::Envelope envelope;
  auto* m = envelope.mutable_chat_message();
  m->set_room(name_);
  m->set_pending_id(held.pending_id);
  m->set_sender(held.user);
  m->set_text(held.text);
  m->set_server_time_ms(held.held_at_ms);
  m->set_sender_participant_id(held.participant_id);
  return envelope;
}

void Room::showPending(HeldChat& held) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (held.shown) {
    return;
  }
  held.shown = true;
  broadcastLive(pendingOf(held));  // the others get it once caught up (sendPendingTo)
}

void Room::sendPendingTo(Member& member) {
  PARLEY_DCHECK_RUN_ON(strand_);
  for (const auto& held : held_) {
    if (held.shown) {
      member.channel->send(pendingOf(held));
    }
  }
}

proto::RelayChatSubmit Room::submitOf(const HeldChat& held) const {
  proto::RelayChatSubmit submit;
  submit.set_room(name_);
  submit.set_sender(held.user);
  submit.set_client_instance(held.client_instance);
  submit.set_client_msg_id(held.client_msg_id);
  submit.set_text(held.text);
  submit.set_sender_participant_id(held.participant_id);
  return submit;
}

void Room::orderKeeperLinked() {
  asio::post(strand_, [self = shared_from_this()] {
    auto& room = *self;
    for (const auto& held : room.held_) {
      room.ctx_->interconnect->submitChat(room.submitOf(held));
    }
    room.ctx_->rooms.release(room);
  });
}

void Room::orderKeeperLost() {
  asio::post(strand_, [self = shared_from_this()] {
    auto& room = *self;
    for (auto& held : room.held_) {
      room.showPending(held);  // submitted, but its number may never come back
    }
    room.ctx_->rooms.release(room);
  });
}

void Room::relaySubmitted(std::string server, proto::RelayChatSubmit submit) {
  asio::post(strand_, [self = shared_from_this(), server = std::move(server),
                       submit = std::move(submit)]() mutable {
    auto& room = *self;
    if (room.ensureLoaded("")) {
      auto stored = room.storeChat(submit.sender(), submit.client_instance(),
                                   submit.client_msg_id(), submit.text());
      if (!stored) {
        // Not acknowledged: the peer keeps it and submits it again.
        spdlog::error("room '{}': chat from {} on {}: {}", room.name_, submit.sender(), server,
                      stored.error().toString());
      } else if (stored->duplicate) {
        // Submitted again after a reconnect: the peer has it or gets it now.
        auto page = room.ctx_->store.messagesAfter(room.record_.id, stored->message.seq - 1, 1);
        if (page && !page->empty()) {
          room.ctx_->interconnect->relayChat(relayOf(room.name_, page->front(),
                                                     submit.sender_participant_id(), server),
                                             server);
        }
      } else {
        room.deliverChat(stored->message, room.localIdOf(server, submit.sender_participant_id()));
        room.ctx_->interconnect->relayChat(
            relayOf(room.name_, stored->message, submit.sender_participant_id(), server));
      }
    }
    room.ctx_->rooms.release(room);
  });
}

void Room::relayedChat(std::string server, proto::RelayChat chat) {
  asio::post(strand_, [self = shared_from_this(), server = std::move(server),
                       chat = std::move(chat)]() mutable {
    auto& room = *self;
    if (!room.ensureLoaded("")) {
      room.ctx_->rooms.release(room);
      return;
    }
    const std::string& self_name = room.ctx_->interconnect->serverName();
    if (chat.seq() > room.record_.last_seq + 1) {
      // Something before it was lost with a replaced link: never store out
      // of order. Our presence names our last seq, and the keeper sends
      // everything after it, this one included (asked once per gap).
      if (room.gap_asked_at_ != room.record_.last_seq) {
        spdlog::info("room '{}': chat from {} jumps from seq {} to {}; asking for the rest",
                     room.name_, server, room.record_.last_seq, chat.seq());
        room.gap_asked_at_ = room.record_.last_seq;
        room.publishPresence();
      }
      room.ctx_->rooms.release(room);
      return;
    }
    // Ours, held for the keeper: found by its identity, whether it comes as
    // the answer to our submission or with history after a lost answer.
    auto held = room.held_.end();
    if (chat.origin() == self_name || chat.origin().empty()) {
      held = std::find_if(room.held_.begin(), room.held_.end(), [&](const HeldChat& h) {
        return h.user == chat.sender() && h.client_instance == chat.client_instance() &&
               h.client_msg_id == chat.client_msg_id();
      });
    }
    if (chat.seq() == room.record_.last_seq + 1) {
      StoredMessage stored;
      stored.room_id = room.record_.id;
      stored.seq = chat.seq();
      stored.sender = chat.sender();
      stored.text = chat.text();
      stored.server_time_ms = chat.server_time_ms();
      stored.client_instance = chat.client_instance();
      stored.client_msg_id = chat.client_msg_id();
      // With one store shared by both servers (PostgreSQL), the keeper has
      // written it already: that seq is taken, by this very message.
      if (auto ok = room.ctx_->store.appendMessage(stored);
          !ok && ok.error().code != ErrorCode::AlreadyExists) {
        // Not stored: our next presence names our last seq, and the keeper
        // sends from there again.
        spdlog::error("room '{}': cannot store seq {} from {}: {}", room.name_, stored.seq, server,
                      ok.error().toString());
        room.ctx_->rooms.release(room);
        return;
      }
      room.record_.last_seq = stored.seq;
      std::uint64_t sender_id = 0;
      std::uint64_t replaces = 0;
      if (held != room.held_.end()) {
        sender_id = held->participant_id;
        replaces = held->shown ? held->pending_id : 0;
      } else if (chat.origin() == self_name) {
        sender_id = chat.sender_participant_id();
      } else if (!chat.origin().empty()) {
        sender_id = room.localIdOf(chat.origin(), chat.sender_participant_id());
      }
      room.deliverChat(stored, sender_id, replaces);
    }
    if (held != room.held_.end()) {
      // Stored with its number: now it is acknowledged.
      room.ackChat(held->participant_id, held->client_msg_id, chat.seq());
      room.held_.erase(held);
    }
    room.ctx_->rooms.release(room);
  });
}

void Room::catchUpPeer(std::string server, std::uint64_t after_seq) {
  asio::post(strand_, [self = shared_from_this(), server = std::move(server), after_seq] {
    auto& room = *self;
    if (room.ensureLoaded("")) {
      std::uint64_t cursor = after_seq;
      while (cursor < room.record_.last_seq) {
        auto page = room.ctx_->store.messagesAfter(room.record_.id, cursor, kPeerHistoryPage);
        if (!page || page->empty()) {
          break;  // logged by the store; the peer's next presence asks again
        }
        for (const auto& m : *page) {
          room.ctx_->interconnect->relayChat(relayOf(room.name_, m, 0, {}), server);
          cursor = m.seq;
        }
      }
    }
    room.ctx_->rooms.release(room);
  });
}

}  // namespace parley::server
