#pragma once
// Conversions between the session's protocol messages and the plain structs
// its front end and its call see (session_observer.h, media_link.h), so the
// state machine in client_session.cpp deals in events, not in field copies.
// Pure functions. The peer-path messages have their own (peer_signalling.h).

#include <cstdint>
#include <string>

#include "core/base/error.h"
#include "core/client/chat_resume_tracker.h"
#include "core/client/media_link.h"
#include "core/client/session_observer.h"
#include "core/protocol/message_codec.h"
#include "net/connect/connector.h"

namespace parley::client {

// ---- from the server ----

MediaStateInfo mediaStateFromProto(const proto::MediaState& in);
// A participant without a media path is reached through the server.
ParticipantInfo participantFromProto(const proto::Participant& in);
ChatInfo chatFromProto(const proto::ChatMessage& in, bool is_history);
// Everything but the keys and the send functions, which belong to the channel
// the offer came on (call/media_hand_off.h). `connection` is that channel's:
// peer paths leave through the same first hop.
MediaOfferInfo mediaOfferFromProto(const proto::MediaOffer& in, const std::string& server_host,
                                   const ConnectionInfo& connection);
// Why a refused sign-in was refused, worded for a person when the server gave
// no reason, with the wait a rate limit asks for.
Error signInRefusal(const proto::SignInResult& in);
// The server's reason, or its slug when it gave none.
Error errorFromNotice(const proto::ErrorNotice& in);

// ---- from the connector ----

// What the front end shows about the path that won (the race table, the
// connection probe).
ConnectionInfo connectionInfoOf(const net::ConnectedStream& connected);

// ---- to the server ----

protocol::Envelope makeSignIn(const std::string& user, const std::string& password);
protocol::Envelope makeTokenSignIn(const std::string& user, const std::string& resume_token);
protocol::Envelope makeJoinRoom(const std::string& room,
                                const ChatResumeTracker::JoinRequest& resume,
                                const MediaStateInfo& media);
protocol::Envelope makeMediaState(const MediaStateInfo& media);
protocol::Envelope makeChatSend(std::uint64_t client_msg_id, const std::string& text);
protocol::Envelope makeLeaveRoom();

}  // namespace parley::client
