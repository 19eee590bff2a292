#pragma once
// ClientSession: one user's connection to one room on a Parley server: it
// connects (through a net::Connector from the factory), says hello, signs in,
// joins the room, sends and receives chat, keeps the connection alive with
// pings, and reconnects with backoff when the connection drops, resuming the
// room from the last chat seq it delivered (exactly once, see
// ChatResumeTracker) and re-sending unacknowledged chat (see ChatOutbox).
//
// Threads: the session runs on its own strand of the executor it is given.
// Public methods may be called from any thread; they post to that strand.
// Observer callbacks run on that strand (the "network thread").
// The ConnectorFactory's connectors must run on a single-threaded executor or
// a strand: pass the same strand to the session and to the factory when the
// io_context has several threads (the session wraps its executor in a strand
// of its own, which nests inside a strand it is given).
//
// Ownership: the front end owns the session and the observer. Internal state
// lives in a shared Impl that asynchronous operations hold weakly or
// strongly, so destroying the session while I/O is in flight is safe: the
// destructor calls stop() and returns without waiting for the network thread
// (beyond a callback that is running right then). The executor's io_context
// must outlive the session object.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "core/base/clock.h"
#include "core/client/chat_outbox.h"
#include "core/client/media_link.h"
#include "core/client/reconnect_backoff.h"
#include "core/client/session_observer.h"
#include "net/connect/connector.h"

namespace parley::client {

struct SessionConfig {
  net::ConnectTarget target;
  std::string user;
  std::string password;  // may be empty when resume_token is set
  // Signs in with this instead of the password (docs/protocol.md, "Resume
  // tokens"). Only valid with the client_instance it was issued to. The
  // session keeps the token the server issues at each sign-in for its
  // reconnects and tells the observer (onResumeToken) so the owner can
  // save it. A refused token falls back to the password when there is one.
  std::string resume_token;
  // 0: random for this session. An owner that saves resume tokens saves the
  // instance with them and passes both here on the next start.
  std::uint64_t client_instance = 0;
  std::string room;
  std::string client_name = "parley-client";
  BackoffPolicy reconnect;
  OutboxLimits outbox;
  // Ping period until the server's ServerHello says otherwise (its value wins).
  std::chrono::milliseconds keepalive_interval{std::chrono::seconds(20)};
  // Hello + sign-in + join must complete within this after TLS is up.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  // After this machine's networks change (networkChanged()), the server must
  // answer a ping within this, or the connection is taken for dead and the
  // session reconnects at once.
  std::chrono::milliseconds network_change_probe{std::chrono::milliseconds(1500)};
  // Time leave() waits for the server's Left before closing anyway.
  std::chrono::milliseconds leave_timeout{std::chrono::seconds(3)};
  // When the very first connection fails (server unreachable, refused), a
  // CLI wants to fail fast (onError) while a GUI may prefer to keep trying.
  bool retry_before_first_join = false;
  // What this client sends and decodes, announced on every join.
  MediaStateInfo media;
};

class ClientSession {
 public:
  ClientSession(const asio::any_io_executor& executor, SessionConfig config,
                std::shared_ptr<net::ConnectorFactory> connectors, SessionObserver& observer,
                Clock& clock = SystemClock::instance());
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // Connects, signs in and joins config.room. Async; call once.
  void start();

  // Queues `text` for the room; returns its client_msg_id (never 0). The
  // outcome arrives as onChatAcknowledged (stored) or onChatRefused (invalid
  // text, outbox full, stopped, or refused by the server). Sent while the
  // connection is down, it goes out once the room is rejoined.
  std::uint64_t sendChat(std::string text);

  // Leaves the room (tells the server, waits for Left at most
  // leave_timeout), then stops; onLeft() follows. Async, idempotent.
  void leave();

  // Stops everything now: closes the connection, cancels timers and
  // reconnects. Idempotent. When it returns no observer callback is running
  // (unless called from one) and none will start.
  void stop();

  // This machine's networks changed (net::NetworkWatch): an address went or
  // came, a link went down or up. In the room, the session pings the server
  // and reconnects at once, racing every route again, unless it answers
  // within network_change_probe (the old path may be dead without any
  // error); waiting to reconnect, it reconnects now. `what` is said in the
  // disconnect reason. Async; any thread.
  void networkChanged(std::string what);

  // Cuts the TCP connection as if the network dropped it (no TLS close, no
  // notice), to exercise reconnect and resume.
  void dropConnectionForTest();

  // Sets where the media side of the meeting goes (see MediaLink). Call
  // before start(); `link` must outlive the session's stop().
  void setMediaLink(MediaLink* link);

  // Announces a change of what this client sends (mute, camera, sharing);
  // kept for later rejoins. Async.
  void setMediaState(MediaStateInfo media);

  // The owner's actions on the room (refused by the server for anyone
  // else: onWarning not_room_owner). The new state arrives as onRoomState.
  // Async; ignored with onWarning when not in the room.
  void setRoomLocked(bool locked);
  // Replaces the admission list (both empty: open to every account).
  void setAdmission(std::vector<std::string> accounts, std::vector<std::string> groups);
  // Removes the participant's account from the room until it is admitted
  // again; its connections leave at once.
  void removeParticipant(std::uint64_t participant_id);
  // Lets a removed account join again without listing it.
  void readmit(std::string account);

  // config.client_instance, else random per session; stable across its
  // reconnects (scopes client_msg_id, binds resume tokens).
  [[nodiscard]] std::uint64_t clientInstance() const;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace parley::client
