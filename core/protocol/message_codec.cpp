#include "core/protocol/message_codec.h"

#include "core/protocol/frame_codec.h"
#include "core/protocol/protocol_limits.h"

namespace parley::protocol {
namespace {

// C0 controls, DEL, and C1 controls (U+0080..U+009F, UTF-8 0xC2 0x80..0x9F).
// Protobuf has already rejected invalid UTF-8 in proto3 strings.
bool hasControlCharacter(std::string_view text, bool allow_newline_and_tab) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (allow_newline_and_tab && (c == '\n' || c == '\t')) {
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      return true;
    }
    if (c == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) {
        return true;
      }
    }
  }
  return false;
}

Result<void> validateMediaState(const proto::MediaState& media) {
  if (static_cast<std::size_t>(media.video_decoders_size()) > kMaxVideoDecoders) {
    return makeError(ErrorCode::MalformedMessage,
                     "more than " + std::to_string(kMaxVideoDecoders) + " video decoders listed");
  }
  for (const auto& codec : media.video_decoders()) {
    if (codec.size() > kMaxCodecNameBytes) {
      return makeError(ErrorCode::MalformedMessage, "video codec name longer than " +
                                                        std::to_string(kMaxCodecNameBytes) +
                                                        " bytes");
    }
  }
  return {};
}

Result<void> validatePeerSignal(const proto::PeerSignal& signal) {
  if (static_cast<std::size_t>(signal.candidates_size()) > kMaxCandidatesPerSignal) {
    return makeError(ErrorCode::MalformedMessage, "more than " +
                                                      std::to_string(kMaxCandidatesPerSignal) +
                                                      " candidates in one peer signal");
  }
  for (const auto& candidate : signal.candidates()) {
    if (candidate.size() > kMaxPeerFieldBytes) {
      return makeError(ErrorCode::MalformedMessage, "peer candidate longer than " +
                                                        std::to_string(kMaxPeerFieldBytes) +
                                                        " bytes");
    }
  }
  if (signal.ice_ufrag().size() > kMaxPeerFieldBytes ||
      signal.ice_pwd().size() > kMaxPeerFieldBytes ||
      signal.dtls_fingerprint().size() > kMaxPeerFieldBytes) {
    return makeError(ErrorCode::MalformedMessage, "peer credentials longer than " +
                                                      std::to_string(kMaxPeerFieldBytes) +
                                                      " bytes");
  }
  return {};
}

Result<void> validateAdmissionSize(const proto::AdmissionList& list) {
  if (static_cast<std::size_t>(list.accounts_size() + list.groups_size()) > kMaxAdmissionEntries) {
    return makeError(ErrorCode::MalformedMessage, "more than " +
                                                      std::to_string(kMaxAdmissionEntries) +
                                                      " accounts and groups in an admission list");
  }
  return {};
}

// Names in an owner's admission list or readmission follow the rules of
// account names (a group name too: the same store column rules apply).
Result<void> validateRoomControl(const proto::RoomControl& control) {
  for (const auto& name : control.set_admission().accounts()) {
    if (auto ok = validateUserName(name); !ok) {
      return ok;
    }
  }
  for (const auto& name : control.set_admission().groups()) {
    if (auto ok = validateUserName(name); !ok) {
      return ok;
    }
  }
  if (control.has_readmit_account()) {
    return validateUserName(control.readmit_account());
  }
  return {};
}

// Structural bounds: breaking these is not a user mistake but a broken or
// hostile peer, so the connection closes.
Result<void> validateStructure(const Envelope& envelope) {
  switch (envelope.body_case()) {
    case Envelope::kClientHello:
      if (envelope.client_hello().client_name().size() > 256) {
        return makeError(ErrorCode::MalformedMessage, "client name longer than 256 bytes");
      }
      if (envelope.client_hello().connection_method().size() > 32) {
        return makeError(ErrorCode::MalformedMessage, "connection method longer than 32 bytes");
      }
      return {};
    case Envelope::kJoinRoom:
      return validateMediaState(envelope.join_room().media());
    case Envelope::kMediaState:
      return validateMediaState(envelope.media_state());
    case Envelope::kSignIn:
      if (envelope.sign_in().password().size() > kMaxPasswordBytes) {
        return makeError(ErrorCode::MalformedMessage, "password longer than 1024 bytes");
      }
      if (envelope.sign_in().user().size() > 4 * kMaxUserNameBytes) {
        return makeError(ErrorCode::MalformedMessage, "user name far over the limit");
      }
      return {};
    case Envelope::kPeerSignal:
      return validatePeerSignal(envelope.peer_signal());
    case Envelope::kRoomControl:
      return validateAdmissionSize(envelope.room_control().set_admission());
    case Envelope::kPeerPathState:
      if (envelope.peer_path_state().path().size() > 32) {
        return makeError(ErrorCode::MalformedMessage, "peer path name longer than 32 bytes");
      }
      return {};
    case Envelope::kError:
      if (envelope.error().reason().size() > 4096) {
        return makeError(ErrorCode::MalformedMessage, "error reason longer than 4096 bytes");
      }
      return {};
    default:
      return {};
  }
}

}  // namespace

namespace {
// Between servers: a room's participants, bounded so one presence stays far
// below the frame limit.
Result<void> validateRoomPresence(const proto::RoomPresence& presence) {
  if (presence.room().empty()) {
    if (presence.participants_size() != 0) {
      return makeError(ErrorCode::MalformedMessage, "a presence without a room lists participants");
    }
    return {};  // the end of a link's first presences
  }
  if (auto ok = validateRoomName(presence.room()); !ok) {
    return ok;
  }
  if (presence.participants_size() > static_cast<int>(kMaxPresenceParticipants)) {
    return makeError(ErrorCode::MalformedMessage, "a presence lists more than " +
                                                      std::to_string(kMaxPresenceParticipants) +
                                                      " participants");
  }
  for (const auto& p : presence.participants()) {
    if (p.id() == 0) {
      return makeError(ErrorCode::MalformedMessage, "a participant without an id");
    }
    if (auto ok = validateUserName(p.user()); !ok) {
      return ok;
    }
  }
  return {};
}
}  // namespace

Result<void> validateContent(const Envelope& envelope) {
  switch (envelope.body_case()) {
    case Envelope::kSignIn:
      return validateUserName(envelope.sign_in().user());
    case Envelope::kJoinRoom:
      return validateRoomName(envelope.join_room().room());
    case Envelope::kChatSend:
      return validateChatText(envelope.chat_send().text());
    case Envelope::kChatMessage: {
      const auto& chat = envelope.chat_message();
      if ((chat.seq() == 0) != (chat.pending_id() != 0)) {
        return makeError(ErrorCode::MalformedMessage,
                         "a chat message has either a seq or a pending id, not both or neither");
      }
      if (chat.seq() == 0 && chat.replaces_pending_id() != 0) {
        return makeError(ErrorCode::MalformedMessage,
                         "a chat message that is not numbered cannot replace another");
      }
      return validateChatText(chat.text());
    }
    case Envelope::kRoomControl:
      return validateRoomControl(envelope.room_control());
    case Envelope::kRoomPresence:
      return validateRoomPresence(envelope.room_presence());
    case Envelope::kRelayChatSubmit:
      if (auto ok = validateRoomName(envelope.relay_chat_submit().room()); !ok) {
        return ok;
      }
      if (auto ok = validateUserName(envelope.relay_chat_submit().sender()); !ok) {
        return ok;
      }
      return validateChatText(envelope.relay_chat_submit().text());
    case Envelope::kRelayChat:
      if (auto ok = validateRoomName(envelope.relay_chat().room()); !ok) {
        return ok;
      }
      if (envelope.relay_chat().seq() == 0) {
        return makeError(ErrorCode::MalformedMessage, "a relayed chat message has no seq");
      }
      return validateChatText(envelope.relay_chat().text());
    default:
      return {};
  }
}

Result<void> appendEnvelopeFrame(const Envelope& envelope, std::string& out) {
  const std::size_t size = envelope.ByteSizeLong();
  if (size > kMaxFrameBytes) {
    return makeError(ErrorCode::FrameTooLarge,
                     "message of " + std::to_string(size) + " bytes exceeds the frame limit");
  }
  const std::size_t start = out.size();
  out.resize(start + kFrameHeaderBytes + size);
  auto* p = reinterpret_cast<unsigned char*>(out.data() + start);
  const auto n = static_cast<std::uint32_t>(size);
  p[0] = static_cast<unsigned char>(n >> 24U);
  p[1] = static_cast<unsigned char>(n >> 16U);
  p[2] = static_cast<unsigned char>(n >> 8U);
  p[3] = static_cast<unsigned char>(n);
  if (!envelope.SerializeToArray(p + kFrameHeaderBytes, static_cast<int>(size))) {
    out.resize(start);
    return makeError(ErrorCode::Internal, "could not serialize " + std::string(bodyName(envelope)));
  }
  return {};
}

Result<Envelope> parseEnvelope(std::span<const std::byte> payload) {
  if (payload.size() > kMaxFrameBytes) {
    return makeError(ErrorCode::FrameTooLarge, "payload exceeds the frame limit");
  }
  Envelope envelope;
  if (!envelope.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return makeError(ErrorCode::MalformedMessage, "frame is not a valid protocol message");
  }
  if (envelope.body_case() == Envelope::BODY_NOT_SET) {
    return makeError(ErrorCode::UnknownMessage, "message type unknown to this version (protocol " +
                                                    std::to_string(kProtocolVersion) + ")");
  }
  if (auto valid = validateStructure(envelope); !valid) {
    return makeError(std::move(valid).error());
  }
  return envelope;
}

Result<Envelope> parseEnvelope(std::string_view payload) {
  return parseEnvelope(std::as_bytes(std::span<const char>(payload.data(), payload.size())));
}

std::string_view bodyName(const Envelope& envelope) {
  switch (envelope.body_case()) {
    case Envelope::kClientHello:
      return "client_hello";
    case Envelope::kServerHello:
      return "server_hello";
    case Envelope::kSignIn:
      return "sign_in";
    case Envelope::kSignInResult:
      return "sign_in_result";
    case Envelope::kJoinRoom:
      return "join_room";
    case Envelope::kJoined:
      return "joined";
    case Envelope::kLeaveRoom:
      return "leave_room";
    case Envelope::kLeft:
      return "left";
    case Envelope::kParticipantJoined:
      return "participant_joined";
    case Envelope::kParticipantLeft:
      return "participant_left";
    case Envelope::kChatSend:
      return "chat_send";
    case Envelope::kChatAck:
      return "chat_ack";
    case Envelope::kChatMessage:
      return "chat_message";
    case Envelope::kPing:
      return "ping";
    case Envelope::kPong:
      return "pong";
    case Envelope::kError:
      return "error";
    case Envelope::kMediaOffer:
      return "media_offer";
    case Envelope::kMediaPacket:
      return "media_packet";
    case Envelope::kMediaTransport:
      return "media_transport";
    case Envelope::kMediaState:
      return "media_state";
    case Envelope::kVideoCodecChanged:
      return "video_codec_changed";
    case Envelope::kParticipantMedia:
      return "participant_media";
    case Envelope::kPeerPathStart:
      return "peer_path_start";
    case Envelope::kPeerPathStop:
      return "peer_path_stop";
    case Envelope::kPeerSignal:
      return "peer_signal";
    case Envelope::kPeerPathState:
      return "peer_path_state";
    case Envelope::kParticipantPath:
      return "participant_path";
    case Envelope::kRoomControl:
      return "room_control";
    case Envelope::kRoomState:
      return "room_state";
    case Envelope::kInterconnectHello:
      return "interconnect_hello";
    case Envelope::kRoomPresence:
      return "room_presence";
    case Envelope::kRelayChatSubmit:
      return "relay_chat_submit";
    case Envelope::kRelayChat:
      return "relay_chat";
    case Envelope::BODY_NOT_SET:
      return "none";
  }
  return "none";
}

Result<void> validateRoomName(std::string_view room) {
  if (room.empty()) {
    return makeError(ErrorCode::InvalidRoomName, "room name is empty");
  }
  if (room.size() > kMaxRoomNameBytes) {
    return makeError(ErrorCode::InvalidRoomName,
                     "room name is longer than " + std::to_string(kMaxRoomNameBytes) + " bytes");
  }
  if (hasControlCharacter(room, false)) {
    return makeError(ErrorCode::InvalidRoomName, "room name contains control characters");
  }
  return {};
}

Result<void> validateUserName(std::string_view user) {
  if (user.empty() || user.size() > kMaxUserNameBytes) {
    return makeError(ErrorCode::InvalidUserName,
                     "user name must be 1 to " + std::to_string(kMaxUserNameBytes) + " bytes");
  }
  for (const char c : user) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '@';
    if (!ok) {
      return makeError(ErrorCode::InvalidUserName,
                       "user names may use letters, digits and . _ - @ only");
    }
  }
  return {};
}

Result<void> validateChatText(std::string_view text) {
  if (text.empty()) {
    return makeError(ErrorCode::InvalidText, "chat message is empty");
  }
  if (text.size() > kMaxChatBytes) {
    return makeError(ErrorCode::ChatTooLong, "chat message of " + std::to_string(text.size()) +
                                                 " bytes is over the limit of " +
                                                 std::to_string(kMaxChatBytes));
  }
  if (hasControlCharacter(text, true)) {
    return makeError(ErrorCode::InvalidText, "chat message contains control characters");
  }
  return {};
}

Envelope makeErrorNotice(const Error& error, bool fatal) {
  Envelope envelope;
  auto* notice = envelope.mutable_error();
  notice->set_code(static_cast<std::uint32_t>(error.code));
  notice->set_slug(std::string(error.slug()));
  notice->set_reason(error.detail);
  notice->set_fatal(fatal);
  return envelope;
}

Envelope makePing(std::uint64_t nonce) {
  Envelope envelope;
  envelope.mutable_ping()->set_nonce(nonce);
  return envelope;
}

Envelope makePong(std::uint64_t nonce) {
  Envelope envelope;
  envelope.mutable_pong()->set_nonce(nonce);
  return envelope;
}

}  // namespace parley::protocol
