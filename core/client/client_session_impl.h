#pragma once
// ClientSession::Impl, shared by the session's two sources:
//   client_session.cpp       the state machine: connect, hello, sign-in,
//                            join, keep-alive, leave, reconnect, stop;
//   client_session_room.cpp  what the server says once connected, routed to
//                            the state machine, the room, chat or the call.
// Private to them: nothing else includes this.
//
// A connection walks the states top to bottom. Each state has one do*()
// that enters it (through moveTo(), the only place the state changes); the
// handlers of the events that move it on follow it.
//
//   Idle --start()--> Connecting --stream up--> AwaitingHello --ServerHello-->
//   SigningIn --signed in--> Joining --Joined--> InRoom --leave()--> Leaving
//   --Left, or leave_timeout--> Stopped
//
//   lost before leaving (not fatal) ---> WaitingToReconnect --backoff--> Connecting
//   fatal error, leave() when not in the room, stop() ---> Stopped
//
// All state lives here, in a shared_ptr; every asynchronous callback holds it
// weakly (or strongly for the short hop of a post), and checks the connection
// generation so a late event from an old connection is ignored.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include "core/client/call/media_hand_off.h"
#include "core/client/chat_resume_tracker.h"
#include "core/client/client_session.h"
#include "core/client/participant_roster.h"
#include "core/protocol/message_codec.h"
#include "core/transport/message_channel.h"

namespace parley::client {

class ClientSession::Impl : public std::enable_shared_from_this<ClientSession::Impl> {
 public:
  using Strand = asio::strand<asio::any_io_executor>;

  Impl(const asio::any_io_executor& executor, SessionConfig config,
       std::shared_ptr<net::ConnectorFactory> connectors, SessionObserver& observer, Clock& clock);

  // ---- public entry points (any thread): each posts to the strand ----

  void start();
  std::uint64_t sendChat(std::string text);
  void leave();
  void stop();
  void dropConnection();
  void networkChanged(std::string what);
  void setMediaLink(MediaLink* link);
  void setMediaState(MediaStateInfo media);
  void sendRoomControl(proto::RoomControl control);
  [[nodiscard]] std::uint64_t clientInstance() const { return client_instance_; }

 private:
  enum class State {
    Idle,
    Connecting,
    AwaitingHello,
    SigningIn,
    Joining,
    InRoom,
    Leaving,
    WaitingToReconnect,
    Stopped
  };

  // Forwards one connection's channel events to the session's strand.
  class Link final : public transport::MessageChannel::Handler {
   public:
    Link(std::weak_ptr<Impl> impl, Strand strand, std::uint64_t generation)
        : impl_(std::move(impl)), strand_(std::move(strand)), generation_(generation) {}
    void onMessage(protocol::Envelope&& envelope) override {
      asio::post(strand_, [impl = impl_, gen = generation_, env = std::move(envelope)]() mutable {
        if (auto self = impl.lock()) {
          self->onMessage(gen, std::move(env));
        }
      });
    }
    void onClosed(const Error& reason) override {
      asio::post(strand_, [impl = impl_, gen = generation_, reason] {
        if (auto self = impl.lock()) {
          self->onChannelClosed(gen, reason);
        }
      });
    }

   private:
    std::weak_ptr<Impl> impl_;
    Strand strand_;
    std::uint64_t generation_;
  };

  template <typename F>
  void post(F&& f) {
    asio::post(strand_, [self = shared_from_this(), f = std::forward<F>(f)] { f(*self); });
  }

  [[nodiscard]] bool stopRequested() const { return stopped_.load(); }

  // Calls the observer unless stop() came first (see stop()).
  template <typename F>
  void notify(F&& f) {
    std::lock_guard lock(observer_mu_);
    if (!stopped_.load()) {
      f(observer_);
    }
  }

  // Errors after which trying again cannot help: the user or the
  // administrator must act first.
  static bool isFatal(ErrorCode code);

  // ---- the state machine (client_session.cpp), in state order ----

  void moveTo(State next);
  // Connecting
  void doConnect();
  void onConnectDone(std::uint64_t gen, Result<net::ConnectedStream> result);
  // AwaitingHello
  void doAwaitHello(std::uint64_t gen, net::ConnectedStream connected);
  void armHandshakeTimer(std::uint64_t gen);
  [[nodiscard]] bool inHandshake() const;
  void onServerHello(const proto::ServerHello& hello);
  // SigningIn
  void doSignIn();
  void onSignInResult(const proto::SignInResult& result);
  // Joining
  void doJoin();
  void onJoined(const proto::Joined& joined);
  // InRoom
  void doInRoom();
  void scheduleKeepalive();
  void onKeepaliveTick();
  // Leaving
  void beginLeave();
  void doLeave();
  void finishLeave();
  // WaitingToReconnect
  void connectionLost(Error reason);
  void onNetworkChanged(const std::string& what);
  void probeConnection(const std::string& what);
  void doWaitToReconnect(const Error& reason);
  // Stopped
  void fail(Error error);
  void shutdown();
  void doStopped(bool graceful);
  void teardownConnection(bool graceful);
  void onChannelClosed(std::uint64_t gen, const Error& reason);

  // ---- what the server says (client_session_room.cpp) ----

  void onMessage(std::uint64_t gen, protocol::Envelope envelope);
  void onParticipantJoined(const proto::ParticipantJoined& joined);
  void onParticipantLeft(const proto::ParticipantLeft& left);
  void onParticipantMedia(const proto::ParticipantMedia& changed);
  void onParticipantPath(const proto::ParticipantPath& changed);
  void onVideoCodecChanged(const proto::VideoCodecChanged& changed);
  void onRoomState(const proto::RoomState& state);
  void onErrorNotice(const proto::ErrorNotice& notice);
  void onChatMessage(const proto::ChatMessage& message);
  void onChatAck(const proto::ChatAck& ack);
  void queueChat(std::uint64_t id, const std::string& text, Result<void> valid);

  Strand strand_;
  SessionConfig config_;
  std::shared_ptr<net::ConnectorFactory> connectors_;
  SessionObserver& observer_;
  Clock& clock_;

  // Held while an observer callback runs; stop() takes it to wait one out.
  std::recursive_mutex observer_mu_;
  std::atomic<bool> stopped_{false};
  std::atomic<std::uint64_t> next_msg_id_{1};

  // Strand-only state below.
  State state_ = State::Idle;
  std::uint64_t generation_ = 0;
  ReconnectBackoff backoff_;
  ChatOutbox outbox_;
  ChatResumeTracker tracker_;
  // Pending (not yet numbered) chat already shown, by pending_id; a server
  // holds at most 1000 per room.
  static constexpr std::size_t kMaxPendingSeen = 4096;
  std::set<std::uint64_t> pending_seen_;
  std::chrono::milliseconds keepalive_;
  const std::uint64_t client_instance_;
  std::mt19937_64 rng_;
  std::unique_ptr<net::Connector> connector_;
  std::shared_ptr<transport::MessageChannel> channel_;
  std::shared_ptr<Link> link_;
  std::optional<Error> pending_notice_;
  ConnectionInfo info_;
  std::uint64_t participant_id_ = 0;
  ParticipantRoster roster_;
  MediaHandOff media_;
  Clock::TimePoint last_received_{};
  std::uint64_t ping_nonce_ = 0;
  bool ever_joined_ = false;
  bool leave_requested_ = false;
  // The token for the next sign-in (config's, then each one the server
  // issues); empty: sign in with the password.
  std::string resume_token_;
  bool signing_in_with_token_ = false;
  asio::steady_timer reconnect_timer_;
  asio::steady_timer handshake_timer_;
  asio::steady_timer keepalive_timer_;
  asio::steady_timer leave_timer_;
  // Armed after a network change while in the room (probeConnection).
  asio::steady_timer probe_timer_;
  Clock::TimePoint probe_sent_{};
  bool probe_pending_ = false;
};

}  // namespace parley::client
