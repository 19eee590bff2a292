#include "core/client/client_session.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <random>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include "core/base/thread_check.h"
#include "core/client/call/media_hand_off.h"
#include "core/client/chat_resume_tracker.h"
#include "core/client/hello_greeting.h"
#include "core/client/participant_roster.h"
#include "core/client/peer_signalling.h"
#include "core/client/session_messages.h"
#include "core/protocol/message_codec.h"
#include "core/protocol/protocol_limits.h"
#include "core/transport/message_channel.h"

namespace parley::client {
namespace {

using protocol::Envelope;
using transport::MessageChannel;
using Strand = asio::strand<asio::any_io_executor>;

std::uint64_t randomInstance() {
  std::random_device device;
  std::uint64_t value = 0;
  while (value == 0) {
    value = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  return value;
}

// Errors after which trying again cannot help: the user or the administrator
// must act first.
bool isFatal(ErrorCode code) {
  switch (code) {
    case ErrorCode::AuthFailed:
    case ErrorCode::RateLimited:
    case ErrorCode::TlsInspection:
    case ErrorCode::TlsHandshakeFailed:
    case ErrorCode::TlsPolicy:
    case ErrorCode::UnsupportedVersion:
    case ErrorCode::InvalidRoomName:
    case ErrorCode::InvalidUserName:
    case ErrorCode::NotSignedIn:
      return true;
    default:
      return false;
  }
}

std::string describeTarget(const net::ConnectTarget& target) {
  std::string ports = std::to_string(target.tls_port);
  if (target.alt_port != 0 && target.alt_port != target.tls_port) {
    ports += " or " + std::to_string(target.alt_port);
  }
  return target.host + " port " + ports;
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

}  // namespace

// The session as a state machine. Each connection walks the states top to
// bottom, and so does this class: every state has one do*() that enters it
// (through moveTo(), the only place the state changes), followed by the
// handlers of the events that move it on.
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
class ClientSession::Impl : public std::enable_shared_from_this<ClientSession::Impl> {
 public:
  Impl(asio::any_io_executor executor, SessionConfig config,
       std::shared_ptr<net::ConnectorFactory> connectors, SessionObserver& observer, Clock& clock)
      : strand_(asio::make_strand(executor)),
        config_(std::move(config)),
        connectors_(std::move(connectors)),
        observer_(observer),
        clock_(clock),
        backoff_(config_.reconnect),
        outbox_(config_.outbox),
        keepalive_(config_.keepalive_interval),
        client_instance_(randomInstance()),
        rng_(client_instance_),
        reconnect_timer_(strand_),
        handshake_timer_(strand_),
        keepalive_timer_(strand_),
        leave_timer_(strand_) {}

  // ---- public entry points (any thread): each posts to the strand ----

  void start() {
    post([](Impl& self) {
      if (self.state_ == State::Idle && !self.stopRequested()) {
        self.doConnect();
      }
    });
  }

  std::uint64_t sendChat(std::string text) {
    const std::uint64_t id = next_msg_id_.fetch_add(1);
    auto valid = protocol::validateChatText(text);
    asio::post(strand_, [self = shared_from_this(), id, text = std::move(text),
                         valid = std::move(valid)]() mutable {
      self->queueChat(id, std::move(text), std::move(valid));
    });
    return id;
  }

  void leave() {
    post([](Impl& self) { self.beginLeave(); });
  }

  void stop() {
    {
      // Waits for a callback running on another thread to finish, so that
      // after this block no callback runs. Re-entrant for stop() from one.
      std::lock_guard lock(observer_mu_);
      stopped_.store(true);
    }
    post([](Impl& self) { self.shutdown(); });
  }

  void dropConnection() {
    post([](Impl& self) {
      if (self.channel_) {
        self.channel_->abort();
      }
    });
  }

  void setMediaLink(MediaLink* link) {
    post([link](Impl& self) { self.media_.setLink(link); });
  }

  void setMediaState(MediaStateInfo media) {
    asio::post(strand_, [self = shared_from_this(), media = std::move(media)]() mutable {
      self->config_.media = std::move(media);
      if (self->channel_ && self->state_ == State::InRoom) {
        self->channel_->send(makeMediaState(self->config_.media));
      }
    });
  }

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
  class Link final : public MessageChannel::Handler {
   public:
    Link(std::weak_ptr<Impl> impl, Strand strand, std::uint64_t generation)
        : impl_(std::move(impl)), strand_(std::move(strand)), generation_(generation) {}
    void onMessage(Envelope&& envelope) override {
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

  void moveTo(State next) {
    PARLEY_DCHECK_RUN_ON(strand_);
    state_ = next;
  }

  // ---- Connecting: a new connection through the factory's connector ----

  void doConnect() {
    moveTo(State::Connecting);
    const std::uint64_t gen = ++generation_;
    // The factory keeps the winning route for the whole session (see
    // net::RacingConnectorFactory); every reconnect takes it again.
    connector_ = connectors_->create();
    connector_->setGreeting(makeHelloGreeting(config_.client_name, client_instance_));
    std::weak_ptr<Impl> weak = weak_from_this();
    connector_->setProgressHandler([weak, strand = strand_](const net::AttemptEvent& event) {
      asio::post(strand, [weak, event] {
        if (auto self = weak.lock()) {
          self->notify([&](SessionObserver& o) { o.onAttempt(event); });
        }
      });
    });
    connector_->connect(config_.target,
                        [weak, strand = strand_, gen](Result<net::ConnectedStream> result) {
                          asio::post(strand, [weak, gen, result = std::move(result)]() mutable {
                            if (auto self = weak.lock()) {
                              self->onConnectDone(gen, std::move(result));
                            }
                          });
                        });
  }

  void onConnectDone(std::uint64_t gen, Result<net::ConnectedStream> result) {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (gen != generation_ || state_ != State::Connecting) {
      return;  // stale: the stream, if any, closes as it is destroyed here
    }
    connector_.reset();
    if (!result) {
      Error error = std::move(result).error();
      if (error.code == ErrorCode::Internal && error.detail.empty()) {
        error = Error{ErrorCode::AllAttemptsFailed,
                      "cannot connect to " + describeTarget(config_.target)};
      }
      connectionLost(std::move(error));
      return;
    }
    doAwaitHello(gen, std::move(result).value());
  }

  // ---- AwaitingHello: the channel is up; hello, sign-in and join are timed ----

  void doAwaitHello(std::uint64_t gen, net::ConnectedStream connected) {
    info_ = connectionInfoOf(connected);
    pending_notice_.reset();
    channel_ = MessageChannel::create(std::move(connected.stream));
    media_.onChannelOpened(channel_);
    link_ = std::make_shared<Link>(weak_from_this(), strand_, gen);
    channel_->start(link_);

    moveTo(State::AwaitingHello);
    last_received_ = clock_.now();
    if (connected.greeting_reply.empty()) {
      // A connector that does not run the greeting: say hello here.
      channel_->send(makeClientHello(config_.client_name, client_instance_));
    }
    armHandshakeTimer(gen);
    if (!connected.greeting_reply.empty()) {
      // The race already exchanged hello (a path counts only once the server
      // has answered); carry on from the server's answer.
      auto envelope = protocol::parseEnvelope(connected.greeting_reply);
      if (envelope && envelope.value().has_server_hello()) {
        onServerHello(envelope.value().server_hello());
      } else {
        connectionLost(
            Error{ErrorCode::HelloFailed, "the server's answer to hello was not a hello"});
      }
    }
  }

  void armHandshakeTimer(std::uint64_t gen) {
    handshake_timer_.expires_after(config_.handshake_timeout);
    handshake_timer_.async_wait([weak = weak_from_this(), gen](const asio::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || gen != self->generation_) {
        return;
      }
      if (self->inHandshake()) {
        self->connectionLost(Error{ErrorCode::HandshakeTimeout,
                                   "the server accepted the connection but did not finish "
                                   "hello, sign-in and join within " +
                                       std::to_string(self->config_.handshake_timeout.count()) +
                                       " ms"});
      }
    });
  }

  [[nodiscard]] bool inHandshake() const {
    return state_ == State::AwaitingHello || state_ == State::SigningIn || state_ == State::Joining;
  }

  void onServerHello(const proto::ServerHello& hello) {
    if (state_ != State::AwaitingHello) {
      return;
    }
    if (hello.protocol_version() != protocol::kProtocolVersion) {
      fail(Error{ErrorCode::UnsupportedVersion,
                 "the server speaks protocol version " + std::to_string(hello.protocol_version()) +
                     ", this client version " + std::to_string(protocol::kProtocolVersion) +
                     "; update the client or the server"});
      return;
    }
    if (hello.keepalive_interval_s() > 0) {
      keepalive_ = std::chrono::seconds(hello.keepalive_interval_s());
    } else {
      keepalive_ = config_.keepalive_interval;
    }
    info_.server_name = hello.server_name();
    info_.server_version = hello.server_version();
    info_.keepalive_interval = std::chrono::duration_cast<std::chrono::seconds>(keepalive_);
    notify([&](SessionObserver& o) { o.onConnected(info_); });
    doSignIn();
  }

  // ---- SigningIn ----

  void doSignIn() {
    channel_->send(makeSignIn(config_.user, config_.password));
    moveTo(State::SigningIn);
  }

  void onSignInResult(const proto::SignInResult& result) {
    if (state_ != State::SigningIn) {
      return;
    }
    if (!result.ok()) {
      fail(signInRefusal(result));
      return;
    }
    participant_id_ = result.participant_id();
    notify([&](SessionObserver& o) { o.onSignedIn(participant_id_); });
    doJoin();
  }

  // ---- Joining: a rejoin resumes the room after the last chat delivered ----

  void doJoin() {
    channel_->send(makeJoinRoom(config_.room, tracker_.joinRequest(), config_.media));
    moveTo(State::Joining);
  }

  void onJoined(const proto::Joined& joined) {
    if (state_ != State::Joining) {
      return;
    }
    handshake_timer_.cancel();
    tracker_.onJoined(joined.last_seq());
    std::vector<ParticipantInfo> present;
    present.reserve(static_cast<std::size_t>(joined.participants_size()));
    for (const auto& p : joined.participants()) {
      present.push_back(participantFromProto(p));
    }
    roster_.reset(present);
    doInRoom();
    notify([&](SessionObserver& o) { o.onJoined(joined.room(), present, joined.last_seq()); });
    media_.onParticipantsChanged(roster_.list());
    // Re-send in order what the server has not confirmed; it dedupes.
    for (const auto& entry : outbox_.pending()) {
      channel_->send(makeChatSend(entry.client_msg_id, entry.text));
    }
    if (leave_requested_) {
      beginLeave();
      return;
    }
    scheduleKeepalive();
  }

  // ---- InRoom: chat and room events flow (see onMessage); pings keep it alive ----

  void doInRoom() {
    moveTo(State::InRoom);
    ever_joined_ = true;
    backoff_.reset();
  }

  void scheduleKeepalive() {
    keepalive_timer_.expires_after(keepalive_);
    keepalive_timer_.async_wait(
        [weak = weak_from_this(), gen = generation_](const asio::error_code& ec) {
          auto self = weak.lock();
          if (ec || !self || gen != self->generation_ || self->state_ != State::InRoom ||
              !self->channel_) {
            return;
          }
          self->onKeepaliveTick();
        });
  }

  void onKeepaliveTick() {
    const auto silent = clock_.now() - last_received_;
    if (silent >= 3 * keepalive_) {
      connectionLost(Error{
          ErrorCode::KeepaliveTimeout,
          "nothing heard from the server for " +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(silent).count()) +
              " s; the connection is presumed dead"});
      return;
    }
    channel_->send(protocol::makePing(++ping_nonce_));
    scheduleKeepalive();
  }

  // ---- Leaving: tell the server, wait for Left at most leave_timeout ----

  void beginLeave() {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (state_ == State::Stopped || state_ == State::Leaving) {
      return;
    }
    leave_requested_ = true;
    if (state_ != State::InRoom) {
      // Not in the room (connecting, signing in, waiting to reconnect): there
      // is no one to tell.
      finishLeave();
      return;
    }
    doLeave();
  }

  void doLeave() {
    moveTo(State::Leaving);
    keepalive_timer_.cancel();
    channel_->send(makeLeaveRoom());
    leave_timer_.expires_after(config_.leave_timeout);
    leave_timer_.async_wait([weak = weak_from_this()](const asio::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self && self->state_ == State::Leaving) {
        self->finishLeave();
      }
    });
  }

  void finishLeave() {
    doStopped(/*graceful=*/true);
    notify([&](SessionObserver& o) { o.onLeft(config_.room); });
  }

  // ---- WaitingToReconnect: the connection ended without a fatal reason ----

  void connectionLost(Error reason) {
    PARLEY_DCHECK_RUN_ON(strand_);
    teardownConnection(false);
    if (state_ == State::Stopped) {
      return;
    }
    if (leave_requested_) {
      finishLeave();
      return;
    }
    if (isFatal(reason.code)) {
      fail(std::move(reason));
      return;
    }
    if (!ever_joined_ && !config_.retry_before_first_join) {
      fail(std::move(reason));
      return;
    }
    doWaitToReconnect(reason);
  }

  void doWaitToReconnect(const Error& reason) {
    const auto delay = backoff_.next(std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
    moveTo(State::WaitingToReconnect);
    notify([&](SessionObserver& o) { o.onDisconnected(reason, true, delay); });
    reconnect_timer_.expires_after(delay);
    reconnect_timer_.async_wait([weak = weak_from_this()](const asio::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self && self->state_ == State::WaitingToReconnect && !self->stopRequested()) {
        self->doConnect();
      }
    });
  }

  // ---- Stopped: for good, after leaving, a fatal error or stop() ----

  // Fatal: stop and say why.
  void fail(Error error) {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (state_ == State::Stopped) {
      return;
    }
    doStopped(/*graceful=*/false);
    notify([&](SessionObserver& o) { o.onError(error); });
  }

  void shutdown() {
    doStopped(/*graceful=*/true);
    reconnect_timer_.cancel();
    leave_timer_.cancel();
  }

  // `graceful` flushes what is queued before closing the channel.
  void doStopped(bool graceful) {
    teardownConnection(graceful);
    moveTo(State::Stopped);
  }

  // Ends the current connection attempt or channel; later events of it are
  // ignored (generation bump).
  void teardownConnection(bool graceful) {
    ++generation_;
    handshake_timer_.cancel();
    keepalive_timer_.cancel();
    leave_timer_.cancel();
    if (connector_) {
      connector_->cancel();
      connector_.reset();
    }
    if (channel_) {
      if (graceful) {
        channel_->close(Error{ErrorCode::SessionClosed, "client left"}, false);
      } else {
        channel_->abort();
      }
      channel_.reset();
    }
    link_.reset();
    pending_notice_.reset();
    media_.onChannelGone();
  }

  // ---- events of the channel ----

  void onChannelClosed(std::uint64_t gen, const Error& reason) {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (gen != generation_ || !channel_) {
      return;
    }
    channel_.reset();
    Error why = pending_notice_ ? *pending_notice_ : reason;
    pending_notice_.reset();
    if (state_ == State::Leaving) {
      finishLeave();
      return;
    }
    connectionLost(std::move(why));
  }

  void onMessage(std::uint64_t gen, Envelope envelope) {
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
      // Media: handed to the call as it is.
      case Envelope::kMediaOffer:
        media_.onMediaOffer(
            mediaOfferFromProto(envelope.media_offer(), config_.target.host, info_));
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

  void onParticipantJoined(const proto::ParticipantJoined& joined) {
    const ParticipantInfo p = participantFromProto(joined.participant());
    roster_.add(p);
    notify([&](SessionObserver& o) { o.onParticipantJoined(joined.room(), p); });
    media_.onParticipantsChanged(roster_.list());
  }

  void onParticipantLeft(const proto::ParticipantLeft& left) {
    const ParticipantInfo p = roster_.remove(participantFromProto(left.participant()));
    notify([&](SessionObserver& o) { o.onParticipantLeft(left.room(), p, left.reason()); });
    media_.onParticipantsChanged(roster_.list());
  }

  void onParticipantMedia(const proto::ParticipantMedia& changed) {
    const auto media = mediaStateFromProto(changed.media());
    roster_.setMedia(changed.participant_id(), media);
    notify([&](SessionObserver& o) { o.onParticipantMedia(changed.participant_id(), media); });
    media_.onParticipantsChanged(roster_.list());
  }

  void onParticipantPath(const proto::ParticipantPath& changed) {
    roster_.setPath(changed.participant_id(), changed.path());
    notify(
        [&](SessionObserver& o) { o.onParticipantPath(changed.participant_id(), changed.path()); });
  }

  void onVideoCodecChanged(const proto::VideoCodecChanged& changed) {
    media_.onVideoCodecChanged(changed.video_codec(),
                               static_cast<std::uint8_t>(changed.video_payload_type() & 0x7f));
    notify([&](SessionObserver& o) { o.onVideoCodecChanged(changed.video_codec()); });
  }

  void onErrorNotice(const proto::ErrorNotice& notice) {
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

  void onChatMessage(const proto::ChatMessage& message) {
    if (state_ != State::InRoom && state_ != State::Leaving) {
      return;
    }
    if (!tracker_.accept(message.seq())) {
      return;  // already delivered before a reconnect
    }
    const ChatInfo chat = chatFromProto(message, tracker_.isBacklog(message.seq()));
    notify([&](SessionObserver& o) { o.onChat(chat); });
  }

  void onChatAck(const proto::ChatAck& ack) {
    if (outbox_.acknowledge(ack.client_msg_id())) {
      notify([&](SessionObserver& o) { o.onChatAcknowledged(ack.client_msg_id(), ack.seq()); });
    }
  }

  void queueChat(std::uint64_t id, std::string text, Result<void> valid) {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (!valid) {
      notify([&](SessionObserver& o) { o.onChatRefused(id, valid.error()); });
      return;
    }
    if (state_ == State::Stopped || state_ == State::Leaving || leave_requested_) {
      notify([&](SessionObserver& o) {
        o.onChatRefused(id, Error{ErrorCode::SessionClosed,
                                  state_ == State::Stopped ? "the session has stopped"
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
  std::chrono::milliseconds keepalive_;
  const std::uint64_t client_instance_;
  std::mt19937_64 rng_;
  std::unique_ptr<net::Connector> connector_;
  std::shared_ptr<MessageChannel> channel_;
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
  asio::steady_timer reconnect_timer_;
  asio::steady_timer handshake_timer_;
  asio::steady_timer keepalive_timer_;
  asio::steady_timer leave_timer_;
};

ClientSession::ClientSession(asio::any_io_executor executor, SessionConfig config,
                             std::shared_ptr<net::ConnectorFactory> connectors,
                             SessionObserver& observer, Clock& clock)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(config), std::move(connectors),
                                   observer, clock)) {}

ClientSession::~ClientSession() { impl_->stop(); }

void ClientSession::start() { impl_->start(); }
std::uint64_t ClientSession::sendChat(std::string text) { return impl_->sendChat(std::move(text)); }
void ClientSession::leave() { impl_->leave(); }
void ClientSession::stop() { impl_->stop(); }
void ClientSession::dropConnectionForTest() { impl_->dropConnection(); }
void ClientSession::setMediaLink(MediaLink* link) { impl_->setMediaLink(link); }
void ClientSession::setMediaState(MediaStateInfo media) { impl_->setMediaState(std::move(media)); }
std::uint64_t ClientSession::clientInstance() const { return impl_->clientInstance(); }

}  // namespace parley::client
