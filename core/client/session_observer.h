#pragma once
// SessionObserver: what a ClientSession tells its front end (parley-cli now,
// the Qt GUI later). Implemented by the front end, which owns it and keeps it
// alive until ClientSession::stop() has returned (or the session is destroyed).
//
// Threads: every callback runs on the session's network thread (inside its
// strand), one at a time, in event order. Callbacks must not block; a GUI
// forwards them to its own thread (queued). A callback may call any
// ClientSession method, including stop().
// After stop() returns, no callback runs or starts.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "net/connect/connector.h"

namespace parley::client {

struct ConnectionInfo {
  std::string method;   // "direct", "http", "socks4", "socks4a", "socks5"
  std::string via;      // the proxy's host:port; empty for direct
  std::string address;  // the first hop's IP as text (server, or proxy)
  std::uint16_t port = 0;
  std::string tls_version;  // "TLSv1.3"
  std::string cipher;       // "TLS_AES_256_GCM_SHA384"
  std::string server_name;
  std::string server_version;
  std::chrono::seconds keepalive_interval{0};  // in effect for this connection
};

// What a participant sends and can decode (the protocol's MediaState).
struct MediaStateInfo {
  bool audio_muted = true;  // also when it has no microphone
  bool camera_on = false;
  bool sharing_screen = false;
  std::vector<std::string> video_decoders;  // "VP9", "VP8", best first
};

struct ParticipantInfo {
  std::uint64_t id = 0;
  std::string user;
  std::uint32_t audio_ssrc = 0;
  std::uint32_t video_ssrc = 0;
  std::uint32_t screen_ssrc = 0;
  std::uint32_t video_low_ssrc = 0;
  std::uint32_t screen_low_ssrc = 0;
  MediaStateInfo media;
  // Where this participant's media goes: "via server", "peer-to-peer",
  // "relayed (TURN)"; for one on an interconnected server "via interconnect",
  // or "unreachable" while the link to its server is down.
  std::string media_path = "via server";
};

struct ChatInfo {
  std::string room;
  std::uint64_t seq = 0;
  std::string sender;
  std::uint64_t sender_participant_id = 0;
  std::string text;
  std::int64_t server_time_ms = 0;
  // Stored before this (re)join: history on the first join, missed messages
  // on a resume. False for chat sent live while we are in the room.
  bool is_history = false;
  // Not yet numbered (onChatPending): seq is 0 and this names the message.
  std::uint64_t pending_id = 0;
  // Numbered: the pending message shown for it before, if any.
  std::uint64_t replaces_pending_id = 0;
};

// Who owns the room and whether it takes newcomers (the protocol's
// RoomState). The lists are filled only for the owner.
struct RoomStateInfo {
  std::string room;
  std::string owner;  // empty: no owner (administrators manage the room)
  bool locked = false;
  bool you_are_owner = false;
  std::vector<std::string> admitted_accounts;  // both empty: open to all accounts
  std::vector<std::string> admitted_groups;
  std::vector<std::string> removed_accounts;
};

class SessionObserver {
 public:
  virtual ~SessionObserver() = default;

  // Progress of each connection attempt (started, TCP up, TLS done, failed).
  virtual void onAttempt(const net::AttemptEvent& /*event*/) {}
  // TLS is up and the server said hello.
  virtual void onConnected(const ConnectionInfo& /*info*/) {}
  virtual void onSignedIn(std::uint64_t /*participant_id*/) {}
  // In the room (first join and every rejoin after a reconnect). Chat
  // (history, then live) follows.
  virtual void onJoined(const std::string& /*room*/,
                        const std::vector<ParticipantInfo>& /*participants*/,
                        std::uint64_t /*last_seq*/) {}
  // The room's owner and lock, right after onJoined and whenever they change.
  virtual void onRoomState(const RoomStateInfo& /*state*/) {}
  virtual void onParticipantJoined(const std::string& /*room*/,
                                   const ParticipantInfo& /*participant*/) {}
  virtual void onParticipantLeft(const std::string& /*room*/,
                                 const ParticipantInfo& /*participant*/,
                                 const std::string& /*reason*/) {}
  // A participant's media state changed (muted, camera, sharing).
  virtual void onParticipantMedia(std::uint64_t /*participant_id*/,
                                  const MediaStateInfo& /*media*/) {}
  // Where a participant's media goes changed (ParticipantInfo::media_path).
  virtual void onParticipantPath(std::uint64_t /*participant_id*/, const std::string& /*path*/) {}
  // The room's video codec changed (someone who cannot decode VP9 joined).
  virtual void onVideoCodecChanged(const std::string& /*codec*/) {}
  // Each chat message exactly once, in seq order, across reconnects.
  virtual void onChat(const ChatInfo& /*chat*/) {}
  // A message sent on our server while the interconnected server that keeps
  // the room's chat order is unreachable (docs/interconnect.md): shown now,
  // once per pending_id; it comes again through onChat, numbered, with
  // replaces_pending_id naming it, once the link is back.
  virtual void onChatPending(const ChatInfo& /*chat*/) {}
  // The server stored our message `client_msg_id` as `seq`.
  virtual void onChatAcknowledged(std::uint64_t /*client_msg_id*/, std::uint64_t /*seq*/) {}
  // Our message was refused (locally: invalid text, outbox full, session
  // stopped; or by the server). It will not be re-sent.
  virtual void onChatRefused(std::uint64_t /*client_msg_id*/, const Error& /*reason*/) {}
  // The connection ended. When will_retry, the session reconnects by itself
  // after retry_in and resumes the room where it left off.
  virtual void onDisconnected(const Error& /*reason*/, bool /*will_retry*/,
                              std::chrono::milliseconds /*retry_in*/) {}
  // leave() finished (the server confirmed, or there was no connection to
  // tell). The session is stopped afterwards.
  virtual void onLeft(const std::string& /*room*/) {}
  // The server issued a resume token for the next sign-in of this client
  // instance (empty: the saved one was refused and is forgotten). Owners
  // that keep the password in a keychain keep this next to it; the session
  // itself only holds it in memory for its reconnects.
  virtual void onResumeToken(const std::string& /*token*/) {}
  // Something worth telling that changes nothing (a non-fatal server notice).
  virtual void onWarning(const Error& /*warning*/) {}
  // Fatal: the session has stopped and will not retry (wrong password, rate
  // limited, TLS trust failure, unsupported version, cannot connect at all).
  virtual void onError(const Error& /*error*/) {}
};

}  // namespace parley::client
