#include "core/server/rooms/room.h"

#include <spdlog/spdlog.h>
#include <asio/post.hpp>

#include "core/base/thread_check.h"
#include "core/server/interconnect/interconnect.h"
#include "core/server/media/media_router.h"
#include "core/server/media/media_ssrc.h"
#include "core/server/server_context.h"
#include "media/rtp/payload_types.h"

namespace parley::server {
namespace {

// History is read from SQLite this many rows at a time, so a resume after a
// long absence never holds the whole backlog in one result.
constexpr std::size_t kHistoryPage = 256;

std::shared_ptr<const std::string> frameOf(const protocol::Envelope& envelope) {
  auto frame = std::make_shared<std::string>();
  if (!protocol::appendEnvelopeFrame(envelope, *frame)) {
    return nullptr;
  }
  return frame;
}

using media::kOpusPayloadType;

std::uint32_t payloadTypeOf(const std::string& codec) {
  return codec == "VP9" ? media::kVp9PayloadType : media::kVp8PayloadType;
}

}  // namespace

std::string Room::agreeVideoCodec(const std::vector<Member>& members) {
  for (const auto& m : members) {
    const auto& decoders = m.media.video_decoders();
    if (decoders.empty()) {
      continue;  // receives no video: has no say
    }
    if (std::find(decoders.begin(), decoders.end(), "VP9") == decoders.end()) {
      return "VP8";
    }
  }
  return "VP9";
}

proto::RelayChat Room::relayOf(const std::string& room, const StoredMessage& stored,
                               std::uint64_t sender_id, const std::string& origin) {
  proto::RelayChat chat;
  chat.set_room(room);
  chat.set_seq(stored.seq);
  chat.set_sender(stored.sender);
  chat.set_text(stored.text);
  chat.set_server_time_ms(stored.server_time_ms);
  chat.set_client_instance(stored.client_instance);
  chat.set_client_msg_id(stored.client_msg_id);
  chat.set_sender_participant_id(sender_id);
  chat.set_origin(origin);
  return chat;
}

void Room::fillIdentity(std::uint64_t id, const std::string& user, proto::Participant& p) {
  p.set_id(id);
  p.set_user(user);
  p.set_audio_ssrc(mediaSsrc(id, StreamKind::Audio));
  p.set_video_ssrc(mediaSsrc(id, StreamKind::Video));
  p.set_screen_ssrc(mediaSsrc(id, StreamKind::Screen));
  p.set_video_low_ssrc(mediaSsrc(id, StreamKind::VideoLow));
  p.set_screen_low_ssrc(mediaSsrc(id, StreamKind::ScreenLow));
}

void Room::fillParticipant(const Member& m, proto::Participant& p) const {
  fillIdentity(m.participant_id, m.user, p);
  *p.mutable_media() = m.media;
  p.set_media_path(m.media_path);
}

void Room::broadcast(const protocol::Envelope& envelope, std::uint64_t except_participant) {
  if (auto frame = frameOf(envelope)) {
    for (auto& m : members_) {
      if (m.participant_id != except_participant) {
        m.channel->sendFrame(frame);
        ctx_->metrics.forwarded(frame->size());
      }
    }
  }
}

void Room::updateVideoCodec() {
  PARLEY_DCHECK_RUN_ON(strand_);
  auto codec = agreeVideoCodec(members_);
  if (codec == video_codec_) {
    return;
  }
  spdlog::info("room '{}': video codec {} -> {}", name_, video_codec_, codec);
  video_codec_ = std::move(codec);
  protocol::Envelope changed;
  changed.mutable_video_codec_changed()->set_video_codec(video_codec_);
  changed.mutable_video_codec_changed()->set_video_payload_type(payloadTypeOf(video_codec_));
  broadcast(changed, 0);
}

void Room::offerMedia(const Member& member) {
  protocol::Envelope offer;
  auto* o = offer.mutable_media_offer();
  o->set_udp_port(ctx_->media ? ctx_->media->udpPort() : 0);
  o->set_audio_ssrc(mediaSsrc(member.participant_id, StreamKind::Audio));
  o->set_video_ssrc(mediaSsrc(member.participant_id, StreamKind::Video));
  o->set_screen_ssrc(mediaSsrc(member.participant_id, StreamKind::Screen));
  o->set_video_low_ssrc(mediaSsrc(member.participant_id, StreamKind::VideoLow));
  o->set_screen_low_ssrc(mediaSsrc(member.participant_id, StreamKind::ScreenLow));
  o->set_server_ssrc(kServerSsrc);
  o->set_video_codec(video_codec_);
  o->set_audio_payload_type(kOpusPayloadType);
  o->set_video_payload_type(payloadTypeOf(video_codec_));
  // The leg first: the router's strand then has it before any packet sent
  // under this offer, which a client may send the moment the offer is in
  // (seen with the client's media thread at real-time priority and this
  // thread preempted between the two: its first voice packets were dropped
  // as unknown).
  if (ctx_->media) {
    MediaLegInfo leg;
    leg.participant_id = member.participant_id;
    leg.room = name_;
    leg.ssrcs = mediaSsrcs(member.participant_id);
    leg.keying = member.channel->mediaKeyingMaterial();
    leg.channel = member.channel;
    ctx_->media->addLeg(std::move(leg));
  }
  member.channel->send(offer);
}

void Room::setMedia(std::uint64_t participant_id, proto::MediaState media) {
  asio::post(strand_,
             [self = shared_from_this(), participant_id, media = std::move(media)]() mutable {
               auto& room = *self;
               Member* member = room.find(participant_id);
               if (member == nullptr) {
                 return;
               }
               member->media = std::move(media);
               protocol::Envelope notice;
               notice.mutable_participant_media()->set_participant_id(participant_id);
               *notice.mutable_participant_media()->mutable_media() = member->media;
               room.broadcast(notice, participant_id);
               room.updateVideoCodec();
               room.publishPresence();
             });
}

Room::Room(std::shared_ptr<ServerContext> ctx, std::string name)
    : ctx_(std::move(ctx)),
      name_(std::move(name)),
      strand_(asio::make_strand(ctx_->io)),
      peer_timer_(strand_) {}

bool Room::ensureLoaded(const std::string& creator) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (loaded_) {
    return true;
  }
  // The first to join an unknown room owns it (docs/server-admin.md, "Rooms").
  auto record = ctx_->store.openRoom(name_, ctx_->clock.wallMillis(), creator);
  if (!record) {
    spdlog::error("room '{}': cannot load: {}", name_, record.error().toString());
    return false;
  }
  record_ = *record;
  loaded_ = true;
  spdlog::debug("room '{}' loaded (id {}, last seq {})", name_, record_.id, record_.last_seq);
  return true;
}

Room::Member* Room::find(std::uint64_t participant_id) {
  for (auto& m : members_) {
    if (m.participant_id == participant_id) {
      return &m;
    }
  }
  return nullptr;
}

void Room::sendError(transport::MessageChannel& channel, ErrorCode code, std::string reason,
                     std::uint64_t client_msg_id) {
  auto envelope = protocol::makeErrorNotice(Error{code, std::move(reason)}, false);
  envelope.mutable_error()->set_client_msg_id(client_msg_id);
  channel.send(envelope);
}

void Room::refuseUnstored(Member& sender, ErrorCode store_error, std::uint64_t client_msg_id) {
  // Never an ack for what is not stored. Not fatal: the sender stays in the
  // room and can send again; a full disk is named so the user knows to wait.
  if (store_error == ErrorCode::StoreFull) {
    sendError(*sender.channel, ErrorCode::StoreFull,
              "the server's disk is full: this message was not stored; send it again later",
              client_msg_id);
    return;
  }
  sendError(*sender.channel, ErrorCode::StoreFailed,
            "the server could not store this message; send it again", client_msg_id);
}

void Room::join(Member member, bool has_resume, std::uint64_t resume_after_seq) {
  asio::post(strand_, [self = shared_from_this(), member = std::move(member), has_resume,
                       resume_after_seq]() mutable {
    auto& room = *self;
    if (!room.ensureLoaded(member.user)) {
      room.sendError(*member.channel, ErrorCode::StoreFailed,
                     "the server cannot open room '" + room.name_ + "' right now; try again later",
                     0);
      return;
    }
    if (room.find(member.participant_id) != nullptr) {
      return;  // a connection joins once; its own guard makes this unreachable
    }
    // Refused before anything of the room reaches it: no roster, no history.
    if (!room.admits(member)) {
      return;
    }
    room.in_meeting_.insert(member.user);
    room.syncRemote();  // the other servers' participants, when it was empty here
    // Others learn of the newcomer first: ParticipantJoined is sent from this
    // step, as is the joiner's history, so nothing is missed or duplicated
    // between history and live chat.
    protocol::Envelope joined_notice;
    auto* pj = joined_notice.mutable_participant_joined();
    pj->set_room(room.name_);
    room.fillParticipant(member, *pj->mutable_participant());
    room.broadcast(joined_notice, member.participant_id);
    room.members_.push_back(member);
    // Everyone switches codec (VP9 -> VP8) before the newcomer's offer, so
    // the offer names the codec the room now uses.
    room.updateVideoCodec();
    room.ctx_->metrics.participantJoined();
    room.members_.back().live = false;

    protocol::Envelope joined;
    auto* j = joined.mutable_joined();
    j->set_room(room.name_);
    j->set_last_seq(room.record_.last_seq);
    for (const auto& m : room.members_) {
      room.fillParticipant(m, *j->add_participants());
    }
    for (const auto& m : room.remote_) {
      room.fillRemote(m, *j->add_participants());
    }
    room.fillRoomState(member, *j->mutable_state());
    member.channel->send(joined);
    room.offerMedia(member);

    std::uint64_t after = 0;
    if (has_resume) {
      after = resume_after_seq;
    } else if (room.record_.last_seq > room.ctx_->config.history_on_join) {
      after = room.record_.last_seq - room.ctx_->config.history_on_join;
    }
    room.members_.back().cursor = after;
    room.catchUp(member.participant_id);
    room.updatePeerPath(false);
    room.publishPresence();
    room.updateMediaRelay();
    spdlog::info("room '{}': {} (participant {}) joined; {} present, last seq {}", room.name_,
                 member.user, member.participant_id, room.members_.size(), room.record_.last_seq);
  });
}

void Room::catchUp(std::uint64_t participant_id) {
  PARLEY_DCHECK_RUN_ON(strand_);
  Member* member = find(participant_id);
  if (member == nullptr || member->live) {
    return;  // left meanwhile
  }
  if (member->cursor < record_.last_seq) {
    auto page = ctx_->store.messagesAfter(record_.id, member->cursor, kHistoryPage);
    if (!page) {
      spdlog::error("room '{}': cannot read history after seq {}: {}", name_, member->cursor,
                    page.error().toString());
      // Without its history the member would see a gap: end the connection;
      // the client reconnects and resumes from its last seq.
      member->channel->close(Error{ErrorCode::StoreFailed,
                                   "the server cannot read this room's history right now; "
                                   "reconnect to resume"});
      member->live = true;  // no more pages; leave() follows from onClosed
      return;
    }
    protocol::Envelope envelope;
    auto* chat = envelope.mutable_chat_message();
    for (auto& m : *page) {
      chat->set_room(name_);
      chat->set_seq(m.seq);
      chat->set_sender(std::move(m.sender));
      chat->set_text(std::move(m.text));
      chat->set_server_time_ms(m.server_time_ms);
      chat->set_sender_participant_id(0);  // the sender's connection may be long gone
      member->channel->send(envelope);
      member->cursor = m.seq;
    }
    if (page->size() == kHistoryPage && member->cursor < record_.last_seq) {
      // More to come. Hop through the member's channel strand so this page
      // is queued there before the next is read: at most the channel's
      // queue limit is in memory (a reader slower than that is dropped as
      // a slow consumer and resumes from its last seq).
      asio::post(member->channel->strand(), [self = shared_from_this(), participant_id] {
        asio::post(self->strand_, [self, participant_id] { self->catchUp(participant_id); });
      });
      return;
    }
  }
  // Caught up in this strand step: every later message reaches it live.
  member->live = true;
  sendPendingTo(*member);
}

void Room::leave(std::uint64_t participant_id, std::string reason, bool reply) {
  asio::post(strand_, [self = shared_from_this(), participant_id, reason = std::move(reason),
                       reply]() {
    auto& room = *self;
    auto it = std::find_if(room.members_.begin(), room.members_.end(),
                           [&](const Member& m) { return m.participant_id == participant_id; });
    if (it != room.members_.end()) {
      Member leaver = std::move(*it);
      room.members_.erase(it);
      room.ctx_->metrics.participantLeft();
      if (room.ctx_->media) {
        room.ctx_->media->removeLeg(leaver.participant_id);
      }
      if (reply) {
        protocol::Envelope left;
        left.mutable_left()->set_room(room.name_);
        leaver.channel->send(left);
        // Left on purpose: a locked room no longer counts them as in the
        // meeting (only a dropped connection may come back through a lock).
        const bool still_here = std::any_of(room.members_.begin(), room.members_.end(),
                                            [&](const Member& m) { return m.user == leaver.user; });
        if (!still_here) {
          room.in_meeting_.erase(leaver.user);
        }
      }
      protocol::Envelope notice;
      auto* pl = notice.mutable_participant_left();
      pl->set_room(room.name_);
      pl->mutable_participant()->set_id(leaver.participant_id);
      pl->mutable_participant()->set_user(leaver.user);
      pl->set_reason(reason);
      room.broadcast(notice, 0);
      // The one who could not decode VP9 may have left.
      room.updateVideoCodec();
      room.updatePeerPath(true);
      room.publishPresence();
      room.updateMediaRelay();
      if (room.members_.empty()) {
        room.in_meeting_.clear();  // the meeting is over
      }
      spdlog::info("room '{}': {} (participant {}) left ({}); {} present", room.name_, leaver.user,
                   leaver.participant_id, reason, room.members_.size());
    } else if (reply) {
      // Joining failed (store error) but the connection believed it was in.
      // Nothing to do: Left would be a lie, and the join error was reported.
    }
    room.ctx_->rooms.release(room);
  });
}

void Room::chat(std::uint64_t participant_id, std::uint64_t client_instance,
                std::uint64_t client_msg_id, std::string text) {
  asio::post(strand_, [self = shared_from_this(), participant_id, client_instance, client_msg_id,
                       text = std::move(text)]() mutable {
    auto& room = *self;
    Member* sender = room.find(participant_id);
    if (sender == nullptr) {
      return;  // join failed and was reported; the connection is not in the room
    }
    const auto& interconnect = room.ctx_->interconnect;
    if (interconnect && !interconnect->keepsChatOrder()) {
      room.holdForOrderKeeper(*sender, client_instance, client_msg_id, std::move(text));
      return;
    }
    auto stored = room.storeChat(sender->user, client_instance, client_msg_id, std::move(text));
    if (!stored) {
      spdlog::error("room '{}': {}", room.name_, stored.error().toString());
      room.refuseUnstored(*sender, stored.error().code, client_msg_id);
      return;
    }
    if (!stored->duplicate) {
      room.deliverChat(stored->message, participant_id);
      if (interconnect) {
        interconnect->relayChat(
            relayOf(room.name_, stored->message, participant_id, interconnect->serverName()));
      }
    }  // else a resend after a reconnect: already stored and broadcast once
    room.ackChat(participant_id, client_msg_id, stored->message.seq);
  });
}

Result<Room::Stored> Room::storeChat(const std::string& sender, std::uint64_t client_instance,
                                     std::uint64_t client_msg_id, std::string text) {
  PARLEY_DCHECK_RUN_ON(strand_);
  Stored out;
  auto existing = ctx_->store.findByClientId(record_.id, sender, client_instance, client_msg_id);
  if (!existing) {
    return makeError(std::move(existing).error());
  }
  if (existing->has_value()) {
    out.duplicate = true;
    out.message.seq = **existing;
    return out;
  }
  StoredMessage& stored = out.message;
  stored.room_id = record_.id;
  stored.seq = record_.last_seq + 1;
  stored.sender = sender;
  stored.text = std::move(text);
  stored.server_time_ms = ctx_->clock.wallMillis();
  stored.client_instance = client_instance;
  stored.client_msg_id = client_msg_id;
  // Committed before anyone hears of it: an acknowledged message survives a crash.
  if (auto ok = ctx_->store.appendMessage(stored); !ok) {
    return makeError(ok.error().code,
                     "cannot store seq " + std::to_string(stored.seq) + ": " + ok.error().detail);
  }
  record_.last_seq = stored.seq;
  return out;
}

void Room::deliverChat(const StoredMessage& stored, std::uint64_t sender_id,
                       std::uint64_t replaces_pending) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (ctx_->interconnect) {
    ctx_->interconnect->noteStored(name_, stored.seq);
  }
  protocol::Envelope message;
  auto* m = message.mutable_chat_message();
  m->set_room(name_);
  m->set_seq(stored.seq);
  m->set_sender(stored.sender);
  m->set_text(stored.text);
  m->set_server_time_ms(stored.server_time_ms);
  m->set_sender_participant_id(sender_id);
  m->set_replaces_pending_id(replaces_pending);
  broadcastLive(message);  // the others read it from the store with their history
}

void Room::broadcastLive(const protocol::Envelope& envelope) {
  PARLEY_DCHECK_RUN_ON(strand_);
  auto frame = frameOf(envelope);
  if (!frame) {
    return;
  }
  for (auto& member : members_) {
    if (member.live) {
      member.channel->sendFrame(frame);
      ctx_->metrics.forwarded(frame->size());
    }
  }
}

void Room::ackChat(std::uint64_t participant_id, std::uint64_t client_msg_id, std::uint64_t seq) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (Member* sender = find(participant_id)) {
    protocol::Envelope ack;
    ack.mutable_chat_ack()->set_client_msg_id(client_msg_id);
    ack.mutable_chat_ack()->set_seq(seq);
    sender->channel->send(ack);
  }
}

}  // namespace parley::server
