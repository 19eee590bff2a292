// Room: who may be in it (docs/server-admin.md, "Rooms"): the admission
// check at each join, the owner's actions, and the RoomState members see.
// Runs on the room's strand like the rest of Room.

#include <spdlog/spdlog.h>
#include <asio/post.hpp>

#include "core/base/thread_check.h"
#include "core/server/media/media_router.h"
#include "core/server/observability/log_text.h"
#include "core/server/rooms/room.h"
#include "core/server/rooms/room_admission.h"
#include "core/server/server_context.h"

namespace parley::server {

bool Room::reloadPolicy() {
  PARLEY_DCHECK_RUN_ON(strand_);
  auto policy = ctx_->store.roomPolicy(name_);
  if (!policy || !policy->has_value()) {
    spdlog::error("room '{}': cannot read who may join: {}", name_,
                  policy ? "the room is gone from the store" : policy.error().toString());
    return false;
  }
  policy_ = std::move(**policy);
  return true;
}

bool Room::admits(const Member& member) {
  PARLEY_DCHECK_RUN_ON(strand_);
  // Read at every join: `parleyd room ...` edits the store while the server
  // runs, and the next join must follow it.
  auto groups = ctx_->store.groupsOf(member.user);
  if (!reloadPolicy() || !groups) {
    sendError(*member.channel, ErrorCode::StoreFailed,
              "the server cannot check who may join room '" + name_ +
                  "' right now; try again later",
              0);
    return false;
  }
  AdmissionQuestion question;
  question.user = member.user;
  question.groups = std::move(*groups);
  question.in_this_meeting = in_meeting_.count(member.user) != 0;
  const ErrorCode decision = decideAdmission(policy_, question);
  if (decision == ErrorCode::Ok) {
    return true;
  }
  spdlog::info("room '{}': {} (participant {}) may not join: {}", name_, logSafe(member.user),
               member.participant_id, errorSlug(decision));
  sendError(*member.channel, decision, refusalReason(decision, name_), 0);
  return false;
}

void Room::fillRoomState(const Member& member, proto::RoomState& state) const {
  state.set_room(name_);
  state.set_owner(policy_.owner.value_or(""));
  state.set_locked(policy_.locked);
  // Only the owner sees whom the room lists and has removed: the others
  // need not learn each other's account names from it.
  if (policy_.owner && *policy_.owner == member.user) {
    state.set_you_are_owner(true);
    for (const auto& account : policy_.admitted_accounts) {
      state.mutable_admission()->add_accounts(account);
    }
    for (const auto& group : policy_.admitted_groups) {
      state.mutable_admission()->add_groups(group);
    }
    for (const auto& account : policy_.removed_accounts) {
      state.add_removed(account);
    }
  }
}

void Room::broadcastRoomState() {
  PARLEY_DCHECK_RUN_ON(strand_);
  for (const auto& m : members_) {
    protocol::Envelope envelope;
    fillRoomState(m, *envelope.mutable_room_state());
    m.channel->send(envelope);
  }
}

void Room::evict(const std::string& account) {
  PARLEY_DCHECK_RUN_ON(strand_);
  const std::string reason = "removed by the room's owner";
  for (auto it = members_.begin(); it != members_.end();) {
    if (it->user != account) {
      ++it;
      continue;
    }
    Member leaver = std::move(*it);
    it = members_.erase(it);
    ctx_->metrics.participantLeft();
    // The leg's SRTP keys are this connection's own (its TLS exporter):
    // dropping the leg stops its media both ways, and no key the others
    // hold is known to it (docs/media.md, "Keys").
    if (ctx_->media) {
      ctx_->media->removeLeg(leaver.participant_id);
    }
    protocol::Envelope notice;
    auto* pl = notice.mutable_participant_left();
    pl->set_room(name_);
    pl->mutable_participant()->set_id(leaver.participant_id);
    pl->mutable_participant()->set_user(leaver.user);
    pl->set_reason(reason);
    broadcast(notice, 0);
    // Nothing queued after the notice reaches it: the channel sends what it
    // holds, then the notice, and takes no more.
    leaver.channel->close(Error{ErrorCode::RemovedFromRoom,
                                "the owner removed you from room '" + name_ +
                                    "'; you can join again once they admit you"},
                          true);
    spdlog::info("room '{}': {} (participant {}) removed by the owner; {} present", name_,
                 logSafe(leaver.user), leaver.participant_id, members_.size());
  }
  in_meeting_.erase(account);
  updateVideoCodec();
  // A two-person room's peer path used the removed member's DTLS keys:
  // the attempt stops and media goes through the server again.
  updatePeerPath(true);
}

void Room::applyControl(Member& sender, const proto::RoomControl& control) {
  PARLEY_DCHECK_RUN_ON(strand_);
  // Copies: evicting erases members, which moves `sender` in members_.
  const std::string owner = sender.user;
  const auto channel = sender.channel;
  Result<void> done;
  switch (control.action_case()) {
    case proto::RoomControl::kSetLocked:
      done = ctx_->store.setRoomLocked(name_, control.set_locked());
      break;
    case proto::RoomControl::kSetAdmission: {
      const auto& list = control.set_admission();
      done = ctx_->store.setAdmission(
          name_, std::vector<std::string>(list.accounts().begin(), list.accounts().end()),
          std::vector<std::string>(list.groups().begin(), list.groups().end()));
      break;
    }
    case proto::RoomControl::kRemoveParticipant: {
      const Member* target = find(control.remove_participant());
      if (target == nullptr) {
        sendError(*channel, ErrorCode::NotFound, "that participant is no longer in the room", 0);
        return;
      }
      if (target->user == owner) {
        sendError(*channel, ErrorCode::InvalidArgument,
                  "the owner cannot remove their own account; leave the room instead", 0);
        return;
      }
      const std::string account = target->user;
      done = ctx_->store.removeFromRoom(name_, account, ctx_->clock.wallMillis());
      if (done) {
        evict(account);
      }
      break;
    }
    case proto::RoomControl::kReadmitAccount:
      done = ctx_->store.readmit(name_, control.readmit_account());
      break;
    case proto::RoomControl::ACTION_NOT_SET:
      sendError(*channel, ErrorCode::InvalidArgument, "the room control names no action", 0);
      return;
  }
  if (!done) {
    spdlog::warn("room '{}': owner action by {} failed: {}", name_, logSafe(owner),
                 done.error().toString());
    sendError(*channel,
              done.error().code == ErrorCode::NotFound ? ErrorCode::NotFound
                                                       : ErrorCode::StoreFailed,
              done.error().code == ErrorCode::NotFound
                  ? done.error().detail
                  : "the server could not change the room right now; try again",
              0);
    return;
  }
  spdlog::info("room '{}': owner {} changed the room ({})", name_, logSafe(owner),
               static_cast<int>(control.action_case()));
}

void Room::control(std::uint64_t participant_id, proto::RoomControl control) {
  asio::post(strand_, [self = shared_from_this(), participant_id,
                       control = std::move(control)]() mutable {
    auto& room = *self;
    Member* sender = room.find(participant_id);
    if (sender == nullptr) {
      return;  // not admitted, or left meanwhile; the join refusal was reported
    }
    // The store's word, not a cached one: an admin may have handed the room
    // to someone else since.
    if (!room.reloadPolicy()) {
      room.sendError(*sender->channel, ErrorCode::StoreFailed,
                     "the server cannot change the room right now; try again", 0);
      return;
    }
    if (!room.policy_.owner || *room.policy_.owner != sender->user) {
      room.sendError(*sender->channel, ErrorCode::NotRoomOwner,
                     room.policy_.owner ? "only the room's owner can do that"
                                        : "this room has no owner; an administrator manages it",
                     0);
      return;
    }
    room.applyControl(*sender, control);
    // The sender may be gone (it cannot remove itself, but stay careful);
    // everyone still here learns the room's state as the store has it.
    if (room.reloadPolicy()) {
      room.broadcastRoomState();
    }
  });
}

}  // namespace parley::server
