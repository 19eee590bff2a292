// ClientSession::Impl, what the server says once connected: each message
// goes to the state machine (handshake, Left), the room (roster, chat, error
// notices) or the call (MediaHandOff), converted by session_messages.h.

#include "core/base/thread_check.h"
#include "core/client/client_session_impl.h"
#include "core/client/peer_signalling.h"
#include "core/client/room_messages.h"
#include "core/client/session_messages.h"

namespace parley::client {

using protocol::Envelope;

void ClientSession::Impl::onMessage(std::uint64_t gen, Envelope envelope) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (gen != generation_ || !channel_ || state_ == State::Stopped) {
    return;
  }
  last_received_ = clock_.now();
  switch (envelope.body_case()) {
    // The handshake, in state order.
    case Envelope::kServerHello:
      onServerHello(envelope.server_hello());
      break;
    case Envelope::kSignInResult:
      onSignInResult(envelope.sign_in_result());
      break;
    case Envelope::kJoined:
      onJoined(envelope.joined());
      break;
    // The room.
    case Envelope::kChatMessage:
      onChatMessage(envelope.chat_message());
      break;
    case Envelope::kChatAck:
      onChatAck(envelope.chat_ack());
      break;
    case Envelope::kParticipantJoined:
      onParticipantJoined(envelope.participant_joined());
      break;
    case Envelope::kParticipantLeft:
      onParticipantLeft(envelope.participant_left());
      break;
    case Envelope::kParticipantMedia:
      onParticipantMedia(envelope.participant_media());
      break;
    case Envelope::kParticipantPath:
      onParticipantPath(envelope.participant_path());
      break;
    case Envelope::kVideoCodecChanged:
      onVideoCodecChanged(envelope.video_codec_changed());
      break;
    case Envelope::kRoomState:
      onRoomState(envelope.room_state());
      break;
    // Media: handed to the call as it is.
    case Envelope::kMediaOffer:
      media_.onMediaOffer(mediaOfferFromProto(envelope.media_offer(), config_.target.host, info_));
      break;
    case Envelope::kMediaPacket:
      media_.onMediaPacket(std::move(*envelope.mutable_media_packet()->mutable_packet()));
      break;
    case Envelope::kPeerPathStart:
      media_.onPeerPathStart(peerStartFromProto(envelope.peer_path_start()));
      break;
    case Envelope::kPeerSignal:
      media_.onPeerSignal(peerSignalFromProto(envelope.peer_signal()));
      break;
    case Envelope::kPeerPathStop:
      media_.onPeerPathStop(envelope.peer_path_stop().attempt(),
                            envelope.peer_path_stop().reason());
      break;
    // The connection.
    case Envelope::kPing:
      channel_->send(protocol::makePong(envelope.ping().nonce()));
      break;
    case Envelope::kPong:
      break;
    case Envelope::kLeft:
      if (state_ == State::Leaving) {
        finishLeave();
      }
      break;
    case Envelope::kError:
      onErrorNotice(envelope.error());
      break;
    default:
      notify([&](SessionObserver& o) {
        o.onWarning(Error{ErrorCode::UnexpectedMessage,
                          "ignored unexpected " + std::string(protocol::bodyName(envelope)) +
                              " from the server"});
      });
      break;
  }
}

// ---- the room ----

void ClientSession::Impl::onParticipantJoined(const proto::ParticipantJoined& joined) {
  const ParticipantInfo p = participantFromProto(joined.participant());
  roster_.add(p);
  notify([&](SessionObserver& o) { o.onParticipantJoined(joined.room(), p); });
  media_.onParticipantsChanged(roster_.list());
}

void ClientSession::Impl::onParticipantLeft(const proto::ParticipantLeft& left) {
  const ParticipantInfo p = roster_.remove(participantFromProto(left.participant()));
  notify([&](SessionObserver& o) { o.onParticipantLeft(left.room(), p, left.reason()); });
  media_.onParticipantsChanged(roster_.list());
}

void ClientSession::Impl::onParticipantMedia(const proto::ParticipantMedia& changed) {
  const auto media = mediaStateFromProto(changed.media());
  roster_.setMedia(changed.participant_id(), media);
  notify([&](SessionObserver& o) { o.onParticipantMedia(changed.participant_id(), media); });
  media_.onParticipantsChanged(roster_.list());
}

void ClientSession::Impl::onParticipantPath(const proto::ParticipantPath& changed) {
  roster_.setPath(changed.participant_id(), changed.path());
  notify(
      [&](SessionObserver& o) { o.onParticipantPath(changed.participant_id(), changed.path()); });
}

void ClientSession::Impl::onVideoCodecChanged(const proto::VideoCodecChanged& changed) {
  media_.onVideoCodecChanged(changed.video_codec(),
                             static_cast<std::uint8_t>(changed.video_payload_type() & 0x7f));
  notify([&](SessionObserver& o) { o.onVideoCodecChanged(changed.video_codec()); });
}

void ClientSession::Impl::onRoomState(const proto::RoomState& state) {
  const RoomStateInfo info = roomStateFromProto(state);
  notify([&](SessionObserver& o) { o.onRoomState(info); });
}

void ClientSession::Impl::onErrorNotice(const proto::ErrorNotice& notice) {
  Error error = errorFromNotice(notice);
  if (notice.client_msg_id() != 0 && !notice.fatal()) {
    if (outbox_.remove(notice.client_msg_id())) {
      notify([&](SessionObserver& o) { o.onChatRefused(notice.client_msg_id(), error); });
    }
    return;
  }
  if (notice.fatal()) {
    // The server closes next; onChannelClosed reports this reason.
    if (isFatal(error.code)) {
      fail(std::move(error));
    } else {
      pending_notice_ = std::move(error);
    }
    return;
  }
  if (inHandshake()) {
    // A refusal of hello, sign-in or join: nothing else will come.
    fail(std::move(error));
    return;
  }
  notify([&](SessionObserver& o) { o.onWarning(error); });
}

// ---- chat ----

void ClientSession::Impl::onChatMessage(const proto::ChatMessage& message) {
  if (state_ != State::InRoom && state_ != State::Leaving) {
    return;
  }
  if (message.seq() == 0) {
    // Not yet numbered: shown once, however often the server repeats it.
    if (!pending_seen_.insert(message.pending_id()).second) {
      return;
    }
    if (pending_seen_.size() > kMaxPendingSeen) {
      pending_seen_.erase(pending_seen_.begin());  // a repeat shown twice at worst
    }
    const ChatInfo chat = chatFromProto(message, false);
    notify([&](SessionObserver& o) { o.onChatPending(chat); });
    return;
  }
  if (!tracker_.accept(message.seq())) {
    return;  // already delivered before a reconnect
  }
  pending_seen_.erase(message.replaces_pending_id());
  const ChatInfo chat = chatFromProto(message, tracker_.isBacklog(message.seq()));
  notify([&](SessionObserver& o) { o.onChat(chat); });
}

void ClientSession::Impl::onChatAck(const proto::ChatAck& ack) {
  if (outbox_.acknowledge(ack.client_msg_id())) {
    notify([&](SessionObserver& o) { o.onChatAcknowledged(ack.client_msg_id(), ack.seq()); });
  }
}

void ClientSession::Impl::queueChat(std::uint64_t id, const std::string& text, Result<void> valid) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (!valid) {
    notify([&](SessionObserver& o) { o.onChatRefused(id, valid.error()); });
    return;
  }
  if (state_ == State::Stopped || state_ == State::Leaving || leave_requested_) {
    notify([&](SessionObserver& o) {
      o.onChatRefused(id, Error{ErrorCode::SessionClosed, state_ == State::Stopped
                                                              ? "the session has stopped"
                                                              : "the session is leaving the room"});
    });
    return;
  }
  if (auto added = outbox_.add(id, text); !added) {
    notify([&](SessionObserver& o) { o.onChatRefused(id, added.error()); });
    return;
  }
  if (state_ == State::InRoom) {
    channel_->send(makeChatSend(id, text));
  }
}

}  // namespace parley::client
