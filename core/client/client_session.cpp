// ClientSession's state machine: its states in the order a connection walks
// them, each entered by its do*() (the picture is in client_session_impl.h).

#include "core/client/client_session.h"

#include <random>

#include "core/base/thread_check.h"
#include "core/client/client_session_impl.h"
#include "core/client/hello_greeting.h"
#include "core/client/room_messages.h"
#include "core/client/session_messages.h"
#include "core/protocol/protocol_limits.h"

namespace parley::client {
namespace {

using transport::MessageChannel;

std::uint64_t randomInstance() {
  std::random_device device;
  std::uint64_t value = 0;
  while (value == 0) {
    value = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  return value;
}

std::string describeTarget(const net::ConnectTarget& target) {
  std::string ports = std::to_string(target.tls_port);
  if (target.alt_port != 0 && target.alt_port != target.tls_port) {
    ports += " or " + std::to_string(target.alt_port);
  }
  return target.host + " port " + ports;
}

}  // namespace

ClientSession::Impl::Impl(const asio::any_io_executor& executor, SessionConfig config,
                          std::shared_ptr<net::ConnectorFactory> connectors,
                          SessionObserver& observer, Clock& clock)
    : strand_(asio::make_strand(executor)),
      config_(std::move(config)),
      connectors_(std::move(connectors)),
      observer_(observer),
      clock_(clock),
      backoff_(config_.reconnect),
      outbox_(config_.outbox),
      keepalive_(config_.keepalive_interval),
      client_instance_(config_.client_instance != 0 ? config_.client_instance : randomInstance()),
      rng_(randomInstance()),
      // A token is bound to the instance it was issued to: without that
      // instance it could only be refused (and counted as misuse).
      resume_token_(config_.client_instance != 0 ? config_.resume_token : std::string()),
      reconnect_timer_(strand_),
      handshake_timer_(strand_),
      keepalive_timer_(strand_),
      leave_timer_(strand_),
      probe_timer_(strand_) {}

// ---- public entry points (any thread): each posts to the strand ----

void ClientSession::Impl::start() {
  post([](Impl& self) {
    if (self.state_ == State::Idle && !self.stopRequested()) {
      self.doConnect();
    }
  });
}

std::uint64_t ClientSession::Impl::sendChat(std::string text) {
  const std::uint64_t id = next_msg_id_.fetch_add(1);
  auto valid = protocol::validateChatText(text);
  asio::post(strand_,
             [self = shared_from_this(), id, text = std::move(text),
              valid = std::move(valid)]() mutable { self->queueChat(id, text, std::move(valid)); });
  return id;
}

void ClientSession::Impl::leave() {
  post([](Impl& self) { self.beginLeave(); });
}

void ClientSession::Impl::stop() {
  {
    // Waits for a callback running on another thread to finish, so that
    // after this block no callback runs. Re-entrant for stop() from one.
    std::lock_guard lock(observer_mu_);
    stopped_.store(true);
  }
  post([](Impl& self) { self.shutdown(); });
}

void ClientSession::Impl::dropConnection() {
  post([](Impl& self) {
    if (self.channel_) {
      self.channel_->abort();
    }
  });
}

void ClientSession::Impl::networkChanged(std::string what) {
  asio::post(strand_, [self = shared_from_this(), what = std::move(what)] {
    if (!self->stopRequested()) {
      self->onNetworkChanged(what);
    }
  });
}

void ClientSession::Impl::setMediaLink(MediaLink* link) {
  post([link](Impl& self) { self.media_.setLink(link); });
}

void ClientSession::Impl::setMediaState(MediaStateInfo media) {
  asio::post(strand_, [self = shared_from_this(), media = std::move(media)]() mutable {
    self->config_.media = std::move(media);
    if (self->channel_ && self->state_ == State::InRoom) {
      self->channel_->send(makeMediaState(self->config_.media));
    }
  });
}

void ClientSession::Impl::sendRoomControl(proto::RoomControl control) {
  asio::post(strand_, [self = shared_from_this(), control = std::move(control)]() mutable {
    if (!self->channel_ || self->state_ != State::InRoom) {
      self->notify([](SessionObserver& o) {
        o.onWarning(Error{ErrorCode::NotInRoom, "not in the room: the room was not changed"});
      });
      return;
    }
    protocol::Envelope envelope;
    *envelope.mutable_room_control() = std::move(control);
    self->channel_->send(envelope);
  });
}

// ---- the state machine ----

bool ClientSession::Impl::isFatal(ErrorCode code) {
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
    // Another account's instance: retrying with the same one cannot succeed.
    case ErrorCode::ClientInstanceTaken:
    // The room's owner said no; rejoining would only be refused again.
    case ErrorCode::RoomLocked:
    case ErrorCode::NotInvited:
    case ErrorCode::RemovedFromRoom:
      return true;
    default:
      return false;
  }
}

void ClientSession::Impl::moveTo(State next) {
  PARLEY_DCHECK_RUN_ON(strand_);
  state_ = next;
}

// ---- Connecting: a new connection through the factory's connector ----

void ClientSession::Impl::doConnect() {
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

void ClientSession::Impl::onConnectDone(std::uint64_t gen, Result<net::ConnectedStream> result) {
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

void ClientSession::Impl::doAwaitHello(std::uint64_t gen, net::ConnectedStream connected) {
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
      connectionLost(Error{ErrorCode::HelloFailed, "the server's answer to hello was not a hello"});
    }
  }
}

void ClientSession::Impl::armHandshakeTimer(std::uint64_t gen) {
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

bool ClientSession::Impl::inHandshake() const {
  return state_ == State::AwaitingHello || state_ == State::SigningIn || state_ == State::Joining;
}

void ClientSession::Impl::onServerHello(const proto::ServerHello& hello) {
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

void ClientSession::Impl::doSignIn() {
  // The token saves the server an Argon2 run (tens of ms, 64 MiB).
  signing_in_with_token_ = !resume_token_.empty();
  channel_->send(signing_in_with_token_ ? makeTokenSignIn(config_.user, resume_token_)
                                        : makeSignIn(config_.user, config_.password));
  moveTo(State::SigningIn);
}

void ClientSession::Impl::onSignInResult(const proto::SignInResult& result) {
  if (state_ != State::SigningIn) {
    return;
  }
  if (!result.ok()) {
    const bool token_refused =
        signing_in_with_token_ && errorCodeFromNumber(result.error_code()) == ErrorCode::AuthFailed;
    if (token_refused) {
      // Expired, revoked or rotated away: forget it, and (silently) use the
      // password on this same connection when there is one.
      resume_token_.clear();
      notify([](SessionObserver& o) { o.onResumeToken(""); });
      if (!config_.password.empty()) {
        doSignIn();
        return;
      }
    }
    fail(signInRefusal(result));
    return;
  }
  if (!result.resume_token().empty()) {
    resume_token_ = result.resume_token();
    notify([&](SessionObserver& o) { o.onResumeToken(resume_token_); });
  }
  participant_id_ = result.participant_id();
  notify([&](SessionObserver& o) { o.onSignedIn(participant_id_); });
  doJoin();
}

// ---- Joining: a rejoin resumes the room after the last chat delivered ----

void ClientSession::Impl::doJoin() {
  channel_->send(makeJoinRoom(config_.room, tracker_.joinRequest(), config_.media));
  moveTo(State::Joining);
}

void ClientSession::Impl::onJoined(const proto::Joined& joined) {
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
  onRoomState(joined.state());
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

// ---- InRoom: chat and room events flow (client_session_room.cpp); pings keep it alive ----

void ClientSession::Impl::doInRoom() {
  moveTo(State::InRoom);
  ever_joined_ = true;
  backoff_.reset();
}

void ClientSession::Impl::scheduleKeepalive() {
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

void ClientSession::Impl::onKeepaliveTick() {
  const auto silent = clock_.now() - last_received_;
  if (silent >= 3 * keepalive_) {
    connectionLost(
        Error{ErrorCode::KeepaliveTimeout,
              "nothing heard from the server for " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(silent).count()) +
                  " s; the connection is presumed dead"});
    return;
  }
  channel_->send(protocol::makePing(++ping_nonce_));
  scheduleKeepalive();
}

// ---- A network change: is the connection still alive? ----

void ClientSession::Impl::onNetworkChanged(const std::string& what) {
  PARLEY_DCHECK_RUN_ON(strand_);
  // Whatever happens to this connection, the next connect races every route
  // again: the way out that won before may be gone with the old network.
  connectors_->networkChanged();
  switch (state_) {
    case State::InRoom:
      probeConnection(what);
      break;
    case State::WaitingToReconnect:
      // The wait was for a network that now may be there. The backoff keeps
      // growing, so a flapping link cannot hold the server at the shortest
      // retry; each change is at most one connect (changes come settled).
      reconnect_timer_.cancel();
      doConnect();
      break;
    case State::Connecting:
      // The race may be waiting on routes of the network that went away
      // (up to its attempt timeout): race again, on what is there now.
      teardownConnection(false);
      doConnect();
      break;
    default:
      // Signing in, joining: a connection is up, bounded by the handshake
      // timer; the next connect races every route again (the factory forgot
      // its kept route).
      break;
  }
}

// A path that went away with the network often ends without an error: the
// packets just stop. A ping answered in time says the connection survived
// (a new address on the side, a VPN that does not carry it); silence says
// reconnect now rather than after three missed keep-alives.
void ClientSession::Impl::probeConnection(const std::string& what) {
  if (probe_pending_) {
    // A flapping link must not keep putting the verdict off.
    return;
  }
  probe_pending_ = true;
  probe_sent_ = clock_.now();
  channel_->send(protocol::makePing(++ping_nonce_));
  probe_timer_.expires_after(config_.network_change_probe);
  probe_timer_.async_wait(
      [weak = weak_from_this(), gen = generation_, what](const asio::error_code& ec) {
        auto self = weak.lock();
        if (!self || gen != self->generation_) {
          return;  // the connection it probed is gone already
        }
        self->probe_pending_ = false;
        if (ec || self->state_ != State::InRoom || self->last_received_ > self->probe_sent_) {
          return;
        }
        self->connectionLost(
            Error{ErrorCode::NetworkChanged,
                  "network changed (" + (what.empty() ? std::string("addresses or links") : what) +
                      ") and the server did not answer within " +
                      std::to_string(self->config_.network_change_probe.count()) + " ms"});
      });
}

// ---- Leaving: tell the server, wait for Left at most leave_timeout ----

void ClientSession::Impl::beginLeave() {
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

void ClientSession::Impl::doLeave() {
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

void ClientSession::Impl::finishLeave() {
  doStopped(/*graceful=*/true);
  notify([&](SessionObserver& o) { o.onLeft(config_.room); });
}

// ---- WaitingToReconnect: the connection ended without a fatal reason ----

void ClientSession::Impl::connectionLost(Error reason) {
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

void ClientSession::Impl::doWaitToReconnect(const Error& reason) {
  // After a network change the new network is there now: no reason to wait.
  const auto delay = reason.code == ErrorCode::NetworkChanged
                         ? std::chrono::milliseconds(0)
                         : backoff_.next(std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
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
void ClientSession::Impl::fail(Error error) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ == State::Stopped) {
    return;
  }
  doStopped(/*graceful=*/false);
  notify([&](SessionObserver& o) { o.onError(error); });
}

void ClientSession::Impl::shutdown() {
  doStopped(/*graceful=*/true);
  reconnect_timer_.cancel();
  leave_timer_.cancel();
}

// `graceful` flushes what is queued before closing the channel.
void ClientSession::Impl::doStopped(bool graceful) {
  teardownConnection(graceful);
  moveTo(State::Stopped);
}

// Ends the current connection attempt or channel; later events of it are
// ignored (generation bump).
void ClientSession::Impl::teardownConnection(bool graceful) {
  ++generation_;
  handshake_timer_.cancel();
  keepalive_timer_.cancel();
  leave_timer_.cancel();
  probe_timer_.cancel();
  probe_pending_ = false;
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

// ---- the channel closed: leaving ends, anything else reconnects or fails ----

void ClientSession::Impl::onChannelClosed(std::uint64_t gen, const Error& reason) {
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

ClientSession::ClientSession(const asio::any_io_executor& executor, SessionConfig config,
                             std::shared_ptr<net::ConnectorFactory> connectors,
                             SessionObserver& observer, Clock& clock)
    : impl_(std::make_shared<Impl>(executor, std::move(config), std::move(connectors), observer,
                                   clock)) {}

ClientSession::~ClientSession() { impl_->stop(); }

void ClientSession::start() { impl_->start(); }
std::uint64_t ClientSession::sendChat(std::string text) { return impl_->sendChat(std::move(text)); }
void ClientSession::leave() { impl_->leave(); }
void ClientSession::stop() { impl_->stop(); }
void ClientSession::dropConnectionForTest() { impl_->dropConnection(); }
void ClientSession::networkChanged(std::string what) { impl_->networkChanged(std::move(what)); }
void ClientSession::setMediaLink(MediaLink* link) { impl_->setMediaLink(link); }
void ClientSession::setMediaState(MediaStateInfo media) { impl_->setMediaState(std::move(media)); }
void ClientSession::setRoomLocked(bool locked) { impl_->sendRoomControl(makeSetLocked(locked)); }
void ClientSession::setAdmission(std::vector<std::string> accounts,
                                 std::vector<std::string> groups) {
  impl_->sendRoomControl(makeSetAdmission(accounts, groups));
}
void ClientSession::removeParticipant(std::uint64_t participant_id) {
  impl_->sendRoomControl(makeRemoveParticipant(participant_id));
}
void ClientSession::readmit(std::string account) { impl_->sendRoomControl(makeReadmit(account)); }
std::uint64_t ClientSession::clientInstance() const { return impl_->clientInstance(); }

}  // namespace parley::client
