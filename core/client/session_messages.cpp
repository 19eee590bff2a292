#include "core/client/session_messages.h"

#include <charconv>

namespace parley::client {
namespace {

void mediaStateToProto(const MediaStateInfo& in, proto::MediaState& out) {
  out.set_audio_muted(in.audio_muted);
  out.set_camera_on(in.camera_on);
  out.set_sharing_screen(in.sharing_screen);
  for (const auto& codec : in.video_decoders) {
    out.add_video_decoders(codec);
  }
}

std::uint8_t payloadType(std::uint32_t wire) { return static_cast<std::uint8_t>(wire & 0x7f); }

}  // namespace

MediaStateInfo mediaStateFromProto(const proto::MediaState& in) {
  MediaStateInfo out;
  out.audio_muted = in.audio_muted();
  out.camera_on = in.camera_on();
  out.sharing_screen = in.sharing_screen();
  out.video_decoders.assign(in.video_decoders().begin(), in.video_decoders().end());
  return out;
}

ParticipantInfo participantFromProto(const proto::Participant& in) {
  ParticipantInfo out;
  out.id = in.id();
  out.user = in.user();
  out.audio_ssrc = in.audio_ssrc();
  out.video_ssrc = in.video_ssrc();
  out.screen_ssrc = in.screen_ssrc();
  out.video_low_ssrc = in.video_low_ssrc();
  out.screen_low_ssrc = in.screen_low_ssrc();
  out.media = mediaStateFromProto(in.media());
  if (!in.media_path().empty()) {
    out.media_path = in.media_path();
  }
  return out;
}

ChatInfo chatFromProto(const proto::ChatMessage& in, bool is_history) {
  ChatInfo chat;
  chat.room = in.room();
  chat.seq = in.seq();
  chat.sender = in.sender();
  chat.sender_participant_id = in.sender_participant_id();
  chat.text = in.text();
  chat.server_time_ms = in.server_time_ms();
  chat.is_history = is_history;
  chat.pending_id = in.pending_id();
  chat.replaces_pending_id = in.replaces_pending_id();
  return chat;
}

MediaOfferInfo mediaOfferFromProto(const proto::MediaOffer& in, const std::string& server_host,
                                   const ConnectionInfo& connection) {
  MediaOfferInfo info;
  info.server_host = server_host;
  info.udp_port = static_cast<std::uint16_t>(in.udp_port() & 0xffff);
  info.audio_ssrc = in.audio_ssrc();
  info.video_ssrc = in.video_ssrc();
  info.screen_ssrc = in.screen_ssrc();
  info.video_low_ssrc = in.video_low_ssrc();
  info.screen_low_ssrc = in.screen_low_ssrc();
  info.server_ssrc = in.server_ssrc();
  info.video_codec = in.video_codec();
  info.audio_payload_type = payloadType(in.audio_payload_type());
  info.video_payload_type = payloadType(in.video_payload_type());
  info.connection_method = connection.method;
  info.first_hop_address = connection.address;  // the proxy's address when there is one
  info.first_hop_port = connection.port;
  const std::string& via = connection.via;
  if (const auto colon = via.rfind(':'); !via.empty() && colon != std::string::npos) {
    // `port` is the server's; the proxy's own port is in "host:port".
    unsigned via_port = 0;
    const auto* begin = via.data() + colon + 1;
    const auto* end = via.data() + via.size();
    if (std::from_chars(begin, end, via_port).ec == std::errc{} && via_port > 0 &&
        via_port <= 65535) {
      info.first_hop_port = static_cast<std::uint16_t>(via_port);
    }
  }
  return info;
}

Error signInRefusal(const proto::SignInResult& in) {
  ErrorCode code = errorCodeFromNumber(in.error_code());
  if (code == ErrorCode::Ok || code == ErrorCode::Internal) {
    code = ErrorCode::AuthFailed;
  }
  std::string reason = in.reason();
  if (reason.empty()) {
    reason =
        code == ErrorCode::RateLimited ? "too many failed sign-ins" : "wrong user name or password";
  }
  if (code == ErrorCode::RateLimited && in.retry_after_ms() > 0 &&
      reason.find("try again") == std::string::npos) {
    reason += " (try again in " + std::to_string((in.retry_after_ms() + 999) / 1000) + " s)";
  }
  return Error{code, reason};
}

Error errorFromNotice(const proto::ErrorNotice& in) {
  Error error{errorCodeFromNumber(in.code()), in.reason()};
  if (error.detail.empty()) {
    error.detail = in.slug();
  }
  return error;
}

protocol::Envelope makeSignIn(const std::string& user, const std::string& password) {
  protocol::Envelope envelope;
  envelope.mutable_sign_in()->set_user(user);
  envelope.mutable_sign_in()->set_password(password);
  return envelope;
}

protocol::Envelope makeTokenSignIn(const std::string& user, const std::string& resume_token) {
  protocol::Envelope envelope;
  envelope.mutable_sign_in()->set_user(user);
  envelope.mutable_sign_in()->set_resume_token(resume_token);
  return envelope;
}

protocol::Envelope makeJoinRoom(const std::string& room,
                                const ChatResumeTracker::JoinRequest& resume,
                                const MediaStateInfo& media) {
  protocol::Envelope envelope;
  auto* join = envelope.mutable_join_room();
  join->set_room(room);
  join->set_has_resume(resume.has_resume);
  join->set_resume_after_seq(resume.resume_after_seq);
  mediaStateToProto(media, *join->mutable_media());
  return envelope;
}

protocol::Envelope makeMediaState(const MediaStateInfo& media) {
  protocol::Envelope envelope;
  mediaStateToProto(media, *envelope.mutable_media_state());
  return envelope;
}

protocol::Envelope makeChatSend(std::uint64_t client_msg_id, const std::string& text) {
  protocol::Envelope envelope;
  envelope.mutable_chat_send()->set_client_msg_id(client_msg_id);
  envelope.mutable_chat_send()->set_text(text);
  return envelope;
}

protocol::Envelope makeLeaveRoom() {
  protocol::Envelope envelope;
  envelope.mutable_leave_room();
  return envelope;
}

ConnectionInfo connectionInfoOf(const net::ConnectedStream& connected) {
  ConnectionInfo info;
  info.method = connected.method;
  info.via = connected.via;
  info.address = connected.address;
  info.port = connected.port;
  info.tls_version = connected.tls.version;
  info.cipher = connected.tls.cipher;
  return info;
}

}  // namespace parley::client
