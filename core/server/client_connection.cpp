#include "core/server/client_connection.h"

#include <spdlog/spdlog.h>
#include <asio/ip/address.hpp>
#include <asio/post.hpp>

#include "core/base/thread_check.h"
#include "core/protocol/protocol_limits.h"
#include "core/server/accounts/password_hasher.h"
#include "core/server/media/media_router.h"
#include "core/server/observability/log_text.h"
#include "core/server/rooms/room.h"
#include "core/server/server_context.h"

namespace parley::server {

using protocol::Envelope;

namespace {

// The sign-in limits count an IPv6 client by its /64, as the cap on
// connections before sign-in does (UnauthenticatedLimiter::sourceOf).
std::string sourceOfPeer(const std::string& address) {
  asio::error_code ec;
  const auto parsed = asio::ip::make_address(address, ec);
  return ec ? address : UnauthenticatedLimiter::sourceOf(parsed);
}

MessageRateLimits::Limits messageLimits(const ServerConfig& config) {
  return MessageRateLimits::Limits{.chat_per_s = config.chat_per_s,
                                   .chat_burst = config.chat_burst,
                                   .presence_per_s = config.presence_per_s,
                                   .presence_burst = config.presence_burst,
                                   .signal_per_s = config.signal_per_s,
                                   .signal_burst = config.signal_burst,
                                   .disconnect_after = config.flood_disconnect_after};
}

static_assert(static_cast<std::size_t>(MessageKind::Signal) + 1 ==
              ServerMetrics::kMessageKindLabels.size());

}  // namespace

ClientConnection::ClientConnection(std::shared_ptr<ServerContext> ctx,
                                   std::shared_ptr<transport::MessageChannel> channel,
                                   std::uint64_t id, Clock::TimePoint handshake_deadline,
                                   UnauthenticatedLimiter::Ticket unauthenticated)
    : ctx_(std::move(ctx)),
      channel_(std::move(channel)),
      id_(id),
      handshake_deadline_(handshake_deadline),
      last_activity_(ctx_->clock.now()),
      timer_(channel_->strand()),
      unauthenticated_(std::move(unauthenticated)),
      source_(sourceOfPeer(channel_->peerAddress())),
      sign_in_delay_(channel_->strand()),
      rate_limits_(ctx_->clock, messageLimits(ctx_->config)) {}

namespace {
// Before sign-in the server sends a hello, a sign-in result, pongs and an
// error notice, a few hundred bytes: a stranger who does not read is cut
// long before its queue costs anything.
constexpr std::size_t kMaxQueuedBytesBeforeSignIn = 16 * 1024;
}  // namespace

transport::MessageChannel::Limits ClientConnection::limitsBeforeSignIn() {
  transport::MessageChannel::Limits limits;
  limits.max_queued_bytes = kMaxQueuedBytesBeforeSignIn;
  limits.max_frame_bytes = protocol::kMaxFrameBytesBeforeSignIn;
  return limits;
}

transport::MessageChannel::Limits ClientConnection::limitsSignedIn() { return {}; }

std::string ClientConnection::describe() const {
  std::string out = channel_->peerAddress() + ":" + std::to_string(channel_->peerPort());
  out += " #" + std::to_string(id_);
  if (!user_.empty()) {
    out += " (" + logSafe(user_) + ")";
  }
  return out;
}

void ClientConnection::start() {
  ctx_->connections.add(id_, shared_from_this());
  asio::dispatch(channel_->strand(), [self = shared_from_this()] { self->armTimer(); });
  channel_->start(weak_from_this());
  // Server::shutdown() sets shutting_down, then snapshots the registry: a
  // handshake that finished in between is not in that snapshot, so it must
  // tell itself (add() above is ordered before the snapshot or after it).
  if (ctx_->shutting_down) {
    shutdown();
  }
}

void ClientConnection::shutdown() {
  channel_->close(Error{ErrorCode::ServerShutdown, "the server is shutting down; reconnect later"},
                  true);
}

void ClientConnection::armTimer() {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  if (state_ == State::Closed) {
    return;
  }
  auto deadline = last_activity_ + ctx_->config.idle_timeout;
  if (state_ != State::SignedIn) {
    deadline = std::min(deadline, handshake_deadline_);
  }
  const auto wait = std::max(deadline - ctx_->clock.now(), Clock::Duration::zero());
  timer_.expires_after(wait);
  timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (!ec) {
      self->onTimer();
    }
  });
}

void ClientConnection::onTimer() {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  if (state_ == State::Closed) {
    return;
  }
  const auto now = ctx_->clock.now();
  if (state_ != State::SignedIn && now >= handshake_deadline_) {
    fail(ErrorCode::HandshakeTimeout, "hello and sign-in not completed within " +
                                          std::to_string(protocol::kHandshakeTimeout.count()) +
                                          " s");
    return;
  }
  if (now - last_activity_ >= ctx_->config.idle_timeout) {
    fail(ErrorCode::KeepaliveTimeout,
         "no keep-alive for " + std::to_string(ctx_->config.idle_timeout.count()) + " s");
    return;
  }
  // Activity since the timer was set: re-arm from the latest activity. Per
  // message we only store a time stamp, never touch the timer.
  armTimer();
}

void ClientConnection::fail(ErrorCode code, std::string reason) {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  channel_->close(Error{code, std::move(reason)}, true);
}

void ClientConnection::refuse(ErrorCode code, std::string reason, std::uint64_t client_msg_id) {
  auto envelope = protocol::makeErrorNotice(Error{code, std::move(reason)}, false);
  envelope.mutable_error()->set_client_msg_id(client_msg_id);
  channel_->send(envelope);
}

void ClientConnection::onMessage(Envelope&& envelope) {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  if (state_ == State::Closed) {
    return;
  }
  last_activity_ = ctx_->clock.now();

  // Replies that need no state.
  switch (envelope.body_case()) {
    case Envelope::kPing:
      if (state_ != State::AwaitHello) {
        channel_->send(protocol::makePong(envelope.ping().nonce()));
        return;
      }
      break;
    case Envelope::kPong:
      if (state_ != State::AwaitHello) {
        return;
      }
      break;
    case Envelope::kError:
      if (envelope.error().fatal()) {
        channel_->close(Error{ErrorCode::ConnectionClosed,
                              "client ended the connection: " + logSafe(envelope.error().slug()) +
                                  ": " + logSafe(envelope.error().reason())},
                        false);
      } else if (state_ == State::SignedIn) {
        spdlog::info("{}: client reported: {}: {}", describe(), logSafe(envelope.error().slug()),
                     logSafe(envelope.error().reason()));
      } else {
        // A stranger can send these as fast as it likes: bounded fields are
        // not enough, the number of lines must not be theirs to choose.
        spdlog::debug("{}: client reported before sign-in: {}: {}", describe(),
                      logSafe(envelope.error().slug()), logSafe(envelope.error().reason()));
      }
      return;
    default:
      break;
  }

  // A stranger gets no further than hello and sign-in: no content checks, no
  // refusals to log, for anything else.
  if (state_ != State::SignedIn && !envelope.has_client_hello() && !envelope.has_sign_in()) {
    fail(ErrorCode::UnexpectedMessage,
         std::string(protocol::bodyName(envelope)) + " is not expected before sign-in");
    return;
  }

  if (auto valid = protocol::validateContent(envelope); !valid) {
    const std::uint64_t msg_id =
        envelope.has_chat_send() ? envelope.chat_send().client_msg_id() : 0;
    spdlog::info("{}: refused {}: {}", describe(), protocol::bodyName(envelope),
                 valid.error().toString());
    refuse(valid.error().code, valid.error().detail, msg_id);
    return;
  }

  const auto unexpected = [&] {
    fail(ErrorCode::UnexpectedMessage,
         std::string(protocol::bodyName(envelope)) + " is not expected at this point");
  };
  switch (state_) {
    case State::AwaitHello:
      if (!envelope.has_client_hello()) {
        return unexpected();
      }
      return onHello(envelope.client_hello());
    case State::AwaitSignIn:
      if (!envelope.has_sign_in()) {
        return unexpected();
      }
      return onSignIn(envelope.sign_in());
    case State::Authenticating:
      return unexpected();
    case State::SignedIn:
      switch (envelope.body_case()) {
        // Joins and leaves over the presence limit end the connection:
        // dropping one would leave the client waiting for its answer.
        case Envelope::kJoinRoom:
          if (!withinLimits(MessageKind::Presence)) {
            return fail(ErrorCode::RateLimited,
                        "joining and leaving rooms too fast; the server's limit is " +
                            std::to_string(ctx_->config.presence_per_s) + " a second");
          }
          return onJoin(envelope.join_room());
        case Envelope::kLeaveRoom:
          if (!withinLimits(MessageKind::Presence)) {
            return fail(ErrorCode::RateLimited,
                        "joining and leaving rooms too fast; the server's limit is " +
                            std::to_string(ctx_->config.presence_per_s) + " a second");
          }
          return onLeave();
        case Envelope::kChatSend:
          return onChat(std::move(*envelope.mutable_chat_send()));
        case Envelope::kMediaPacket:
          return onMediaPacket(std::move(*envelope.mutable_media_packet()->mutable_packet()));
        // Presence and signalling over their limits are dropped: each
        // message restates the sender's state, so the next one let through
        // repairs what a dropped one would have said.
        case Envelope::kMediaTransport:
          if (room_ && ctx_->media && withinLimits(MessageKind::Presence)) {
            ctx_->media->setClientUsesUdp(id_, envelope.media_transport().udp());
          }
          return;
        case Envelope::kMediaState:
          if (room_ && withinLimits(MessageKind::Presence)) {
            room_->setMedia(id_, std::move(*envelope.mutable_media_state()));
          }
          return;
        case Envelope::kPeerSignal:
          if (room_ && withinLimits(MessageKind::Signal)) {
            room_->peerSignal(id_, std::move(*envelope.mutable_peer_signal()));
          }
          return;
        case Envelope::kPeerPathState:
          if (room_ && withinLimits(MessageKind::Presence)) {
            room_->peerPathState(id_, std::move(*envelope.mutable_peer_path_state()));
          }
          return;
        case Envelope::kRoomControl:
          // Each change writes the store and tells the whole room: refused
          // (not dropped) over the limit, so the owner's window can say so.
          // Counted before anything else, so even refusals are paced.
          if (!withinLimits(MessageKind::Presence)) {
            refuse(ErrorCode::RateLimited, "changing the room too fast; try again in a moment", 0);
            return;
          }
          if (!room_) {
            refuse(ErrorCode::NotInRoom, "join the room before changing it", 0);
            return;
          }
          room_->control(id_, std::move(*envelope.mutable_room_control()));
          return;
        default:
          return unexpected();
      }
    case State::Closed:
      return;
  }
}

void ClientConnection::onHello(const proto::ClientHello& hello) {
  // Counted before the version check: how old clients get here matters too.
  ctx_->metrics.helloReceived(hello.connection_method());
  if (hello.protocol_version() != protocol::kProtocolVersion) {
    spdlog::info("{}: client '{}' speaks protocol {}", describe(), logSafe(hello.client_name()),
                 hello.protocol_version());
    fail(ErrorCode::UnsupportedVersion, "this server speaks protocol " +
                                            std::to_string(protocol::kProtocolVersion) +
                                            "; please update Parley");
    return;
  }
  // The instance scopes chat dedupe and belongs to one account; 0 is what
  // an unset field reads as, so it cannot tell one client from another.
  if (hello.client_instance() == 0) {
    spdlog::info("{}: client '{}' sent no client instance", describe(), hello.client_name());
    fail(ErrorCode::MalformedMessage,
         "ClientHello.client_instance must be a random non-zero number chosen per client");
    return;
  }
  client_instance_ = hello.client_instance();
  state_ = State::AwaitSignIn;
  Envelope reply;
  auto* h = reply.mutable_server_hello();
  h->set_protocol_version(protocol::kProtocolVersion);
  h->set_server_name(ctx_->config.name);
  h->set_server_version(ctx_->server_version);
  h->set_keepalive_interval_s(static_cast<std::uint32_t>(ctx_->config.keepalive_interval.count()));
  h->set_idle_timeout_s(static_cast<std::uint32_t>(ctx_->config.idle_timeout.count()));
  h->set_max_chat_bytes(static_cast<std::uint32_t>(protocol::kMaxChatBytes));
  channel_->send(reply);
  spdlog::debug("{}: hello from '{}' ({})", describe(), logSafe(hello.client_name()),
                hello.connection_method().empty() ? "method unknown"
                                                  : logSafe(hello.connection_method()));
}

std::string ClientConnection::pairKey() const { return "pair:" + source_ + "|" + user_; }

std::optional<std::chrono::milliseconds> ClientConnection::signInWait(
    const std::string& user) const {
  auto wait = ctx_->pair_limiter.check("pair:" + source_ + "|" + user);
  // A known sign-in is not held back by what others at its address do; its
  // pair's own limit above still applies to anyone guessing from there.
  if (!known_sign_in_) {
    auto addr_wait = ctx_->address_limiter.check("addr:" + source_);
    if (addr_wait && (!wait || *addr_wait > *wait)) {
      wait = addr_wait;
    }
  }
  return wait;
}

void ClientConnection::refuseSignIn(const Error& error, std::chrono::milliseconds retry_after) {
  Envelope reply;
  auto* r = reply.mutable_sign_in_result();
  r->set_ok(false);
  r->set_error_code(static_cast<std::uint32_t>(error.code));
  r->set_reason(error.detail);
  r->set_retry_after_ms(
      static_cast<std::uint32_t>(std::min<std::int64_t>(retry_after.count(), UINT32_MAX)));
  channel_->send(reply);
  ctx_->metrics.signInFailed(error.code == ErrorCode::RateLimited ? "rate_limited" : "refused");
  spdlog::warn("{}: sign-in as '{}' refused: {}", describe(), logSafe(user_), error.toString());
  state_ = State::Closed;
  channel_->close(error, false);
}

namespace {
Error rateLimitedError(std::chrono::milliseconds wait) {
  const auto seconds = (wait.count() + 999) / 1000;
  return Error{ErrorCode::RateLimited,
               "too many failed sign-ins; try again in " + std::to_string(seconds) + " s"};
}
}  // namespace

void ClientConnection::onSignIn(const proto::SignIn& sign_in) {
  user_ = sign_in.user();
  known_sign_in_ = ctx_->known_sign_ins.contains(user_, source_);
  // Cheap refusal first: a locked-out guesser costs no Argon2 work.
  if (auto wait = signInWait(user_)) {
    refuseSignIn(rateLimitedError(*wait), *wait);
    return;
  }
  if (!sign_in.resume_token().empty()) {
    if (resume_token_tried_) {
      refuseSignIn(Error{ErrorCode::AuthFailed,
                         "one resume token per connection; sign in with the password"},
                   std::chrono::milliseconds::zero());
      return;
    }
    resume_token_tried_ = true;
    signInWithToken(sign_in.resume_token());
    return;
  }
  state_ = State::Authenticating;
  // Wrong passwords for this account from anywhere slow it down (never
  // refuse it); where it signed in before is exempt.
  const auto delay =
      known_sign_in_ ? std::chrono::milliseconds::zero() : ctx_->account_backoff.delayFor(user_);
  if (delay <= std::chrono::milliseconds::zero()) {
    enterSignInGate(sign_in.password());
    return;
  }
  ctx_->metrics.signInSlowed();
  sign_in_delay_.expires_after(delay);
  sign_in_delay_.async_wait(
      [self = shared_from_this(), password = sign_in.password()](const asio::error_code& ec) {
        if (!ec && self->state_ == State::Authenticating) {
          self->enterSignInGate(password);
        }
      });
}

void ClientConnection::enterSignInGate(std::string password) {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  // Failures are recorded when Argon2 has answered; the gate keeps parallel
  // connections from one source from all being checked before any failure
  // counts. Waiting turns re-check the limits in onSignInTurn().
  const bool queued = ctx_->sign_in_gate.enter(source_, [self = shared_from_this(), user = user_,
                                                         password = std::move(password)]() mutable {
    asio::post(self->channel_->strand(),
               [self, user = std::move(user), password = std::move(password)]() mutable {
                 self->onSignInTurn(user, std::move(password));
               });
  });
  if (!queued) {
    refuseSignIn(Error{ErrorCode::RateLimited,
                       "too many sign-ins in progress from your address; try again in 1 s"},
                 std::chrono::seconds(1));
  }
}

void ClientConnection::onSignInTurn(const std::string& user, std::string password) {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  if (state_ != State::Authenticating) {
    ctx_->sign_in_gate.leave(source_);  // closed while waiting (handshake deadline)
    return;
  }
  if (auto wait = signInWait(user)) {
    ctx_->sign_in_gate.leave(source_);
    refuseSignIn(rateLimitedError(*wait), *wait);
    return;
  }
  // Argon2 takes tens of milliseconds and 64 MiB: off the I/O threads, in
  // the HashQueue's order (known sign-ins first; none past its deadline).
  const auto lane = known_sign_in_ ? HashQueue::Lane::Known : HashQueue::Lane::Other;
  ctx_->hash_queue.submit(lane, handshake_deadline_,
                          [self = shared_from_this(), user, instance = client_instance_,
                           password = std::move(password)](bool run) mutable {
                            if (!run) {
                              std::fill(password.begin(), password.end(), '\0');
                              asio::post(self->channel_->strand(), [self] {
                                self->onAuthenticated(
                                    false,
                                    Error{ErrorCode::HandshakeTimeout,
                                          "the server was too busy to check the password in "
                                          "time; try again"},
                                    "", "");
                              });
                              return;
                            }
                            self->checkPassword(user, instance, std::move(password));
                          });
}

void ClientConnection::checkPassword(const std::string& user, std::uint64_t instance,
                                     std::string password) {
  auto& ctx = *ctx_;
  auto hash = ctx.store.passwordHash(user);
  bool ok = false;
  Error error{ErrorCode::AuthFailed, "wrong user name or password"};
  std::string instance_owner;
  if (!hash) {
    error = Error{ErrorCode::StoreFailed, "the server cannot check passwords right now; try later"};
    spdlog::error("sign-in: {}", hash.error().toString());
  } else if (hash->has_value()) {
    ctx.metrics.passwordHashed();
    ok = verifyPassword(**hash, password);
  } else {
    ctx.metrics.passwordHashed();
    (void)verifyPassword(ctx.dummy_hash, password);  // same cost as a wrong password
  }
  // Wipe the password copy before it goes back to the allocator.
  std::fill(password.begin(), password.end(), '\0');
  // Only a verified account may claim an instance: a wrong password must
  // not bind (or probe) anything.
  if (ok) {
    auto owner = ctx.store.bindClientInstance(instance, user, ctx.clock.wallMillis());
    if (!owner) {
      ok = false;
      error = Error{ErrorCode::StoreFailed, "the server cannot sign you in right now; try later"};
      spdlog::error("sign-in: {}", owner.error().toString());
    } else if (*owner != user) {
      ok = false;
      // The reason does not name the owner: that would tell one user
      // another's account name.
      error = Error{ErrorCode::ClientInstanceTaken,
                    "this client instance belongs to another account; restart the client"};
      instance_owner = std::move(*owner);
    }
  }
  // The next sign-in from this client instance skips Argon2. Without a
  // token (off, or the store failed) the client simply uses its password.
  std::string resume_token;
  if (ok) {
    // Stored only while the hash just verified is still the account's: a
    // password change that committed while Argon2 ran (and revoked the
    // tokens) is not outlived by a token issued on the old password.
    ResumeTokenBasis basis;
    basis.password_hash = **hash;
    auto issued = ctx.resume_tokens.issue(user, instance, basis);
    if (issued) {
      resume_token = std::move(*issued);
    } else {
      spdlog::error("sign-in: no resume token: {}", issued.error().toString());
    }
  }
  asio::post(channel_->strand(),
             [self = shared_from_this(), ok, error = std::move(error),
              owner = std::move(instance_owner), token = std::move(resume_token)]() mutable {
               self->onAuthenticated(ok, error, owner, std::move(token));
             });
}

void ClientConnection::signInWithToken(const std::string& token) {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  state_ = State::Authenticating;  // the handshake deadline still applies
  // Weak: a job still waiting when the server stops is dropped with the
  // thread pool and must not keep the connection (and its context) alive.
  asio::post(ctx_->store_thread,
             [weak = weak_from_this(), token, user = user_, instance = client_instance_] {
               auto self = weak.lock();
               if (!self) {
                 return;
               }
               auto redeemed = self->ctx_->resume_tokens.redeem(token, user, instance);
               // Posted after the fresh token is stored: the client never holds a
               // token the store does not know yet.
               asio::post(self->channel_->strand(), [self, verdict = redeemed.verdict,
                                                     fresh = std::move(redeemed.fresh)]() mutable {
                 self->onTokenRedeemed(verdict, std::move(fresh));
               });
             });
}

void ClientConnection::onTokenRedeemed(ResumeTokens::Verdict verdict, std::string fresh) {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  if (state_ != State::Authenticating) {
    return;  // closed meanwhile (handshake deadline, shutdown)
  }
  if (verdict == ResumeTokens::Verdict::StoreFailed) {
    refuseSignIn(Error{ErrorCode::StoreFailed,
                       "the server cannot sign you in right now; try later"},
                 std::chrono::milliseconds::zero());
    return;
  }
  if (verdict != ResumeTokens::Verdict::Valid) {
    refuseResumeToken(verdict);
    return;
  }
  // Rotation: `fresh` replaces the presented token, which stays valid for
  // the grace window only. If the store could not write it, the sign-in
  // still succeeds and the presented token stays as it was.
  ctx_->metrics.resumeTokenSignIn();
  finishSignIn(true, Error{}, "", fresh);
}

void ClientConnection::refuseResumeToken(ResumeTokens::Verdict verdict) {
  // Another account's token, or one issued to another client instance, is
  // not an accident: it counts like a wrong password for this source. An
  // unknown token (expired, revoked, rotated away) is an everyday event.
  const bool misused = verdict == ResumeTokens::Verdict::OtherAccount ||
                       verdict == ResumeTokens::Verdict::OtherInstance;
  if (misused) {
    ctx_->pair_limiter.recordFailure(pairKey());
    ctx_->address_limiter.recordFailure("addr:" + source_);
    ctx_->metrics.signInFailed("resume_token_misused");
    spdlog::warn("{}: resume token refused: issued to {} (client instance {:016x})", describe(),
                 verdict == ResumeTokens::Verdict::OtherAccount ? "another account"
                                                                : "another client instance",
                 client_instance_);
  } else {
    ctx_->metrics.signInFailed("resume_token_unknown");
    spdlog::info("{}: resume token unknown, expired or revoked", describe());
  }
  // The same for every case: the client cannot tell whose token it was.
  Envelope reply;
  auto* r = reply.mutable_sign_in_result();
  r->set_ok(false);
  r->set_error_code(static_cast<std::uint32_t>(ErrorCode::AuthFailed));
  r->set_reason("the saved sign-in has expired or was revoked; sign in with the password");
  channel_->send(reply);
  state_ = State::AwaitSignIn;  // one password SignIn may follow on this connection
}

void ClientConnection::onAuthenticated(bool ok, const Error& error,
                                       const std::string& instance_owner,
                                       std::string resume_token) {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  // Record the outcome before the next waiting check from this source runs.
  // Presenting another account's instance counts like a wrong password, so
  // a client that keeps doing it is slowed down (and so is its log noise).
  if (!ok &&
      (error.code == ErrorCode::AuthFailed || error.code == ErrorCode::ClientInstanceTaken)) {
    ctx_->pair_limiter.recordFailure(pairKey());
    ctx_->address_limiter.recordFailure("addr:" + source_);
    ctx_->account_backoff.recordFailure(user_);
  }
  ctx_->sign_in_gate.leave(source_);
  if (state_ != State::Authenticating) {
    return;  // closed meanwhile
  }
  finishSignIn(ok, error, instance_owner, resume_token);
}

void ClientConnection::finishSignIn(bool ok, const Error& error, const std::string& instance_owner,
                                    const std::string& resume_token) {
  Envelope reply;
  auto* r = reply.mutable_sign_in_result();
  if (ok) {
    ctx_->pair_limiter.recordSuccess(pairKey());
    ctx_->known_sign_ins.remember(user_, source_);
    ctx_->metrics.signInSucceeded();
    state_ = State::SignedIn;
    unauthenticated_.release();
    channel_->setLimits(limitsSignedIn());
    r->set_ok(true);
    r->set_participant_id(id_);
    if (!resume_token.empty()) {
      r->set_resume_token(resume_token);
      r->set_resume_token_lifetime_s(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::seconds>(ctx_->resume_tokens.lifetime())
              .count()));
    }
    channel_->send(reply);
    spdlog::info("{}: signed in", describe());
    armTimer();  // the handshake deadline no longer applies
    return;
  }
  r->set_ok(false);
  r->set_error_code(static_cast<std::uint32_t>(error.code));
  r->set_reason(error.detail);
  channel_->send(reply);
  if (error.code == ErrorCode::ClientInstanceTaken) {
    // The owner's connections are not touched: refusing this one is all.
    ctx_->metrics.signInFailed("instance_taken");
    spdlog::warn("{}: sign-in refused: client instance {:016x} belongs to account '{}'", describe(),
                 client_instance_, instance_owner);
  } else {
    ctx_->metrics.signInFailed(error.code == ErrorCode::AuthFailed         ? "wrong_password"
                               : error.code == ErrorCode::HandshakeTimeout ? "deadline"
                                                                           : "store");
    spdlog::warn("{}: sign-in failed: {}", describe(), error.toString());
  }
  state_ = State::Closed;
  channel_->close(error, false);
}

void ClientConnection::onJoin(const proto::JoinRoom& join) {
  if (room_) {
    leaveRoom("left", false);
  }
  room_ = ctx_->rooms.acquire(ctx_, join.room());
  Room::Member member;
  member.participant_id = id_;
  member.user = user_;
  member.channel = channel_;
  member.media = join.media();
  room_->join(std::move(member), join.has_resume(), join.resume_after_seq());
}

void ClientConnection::onLeave() {
  if (!room_) {
    refuse(ErrorCode::NotInRoom, "you are not in a room", 0);
    return;
  }
  leaveRoom("left", true);
}

void ClientConnection::leaveRoom(const std::string& reason, bool reply) {
  if (room_) {
    room_->leave(id_, reason, reply);
    room_.reset();
  }
}

bool ClientConnection::withinLimits(MessageKind kind) {
  const auto verdict = rate_limits_.admit(kind);
  if (verdict == MessageRateLimits::Verdict::Allow) {
    return true;
  }
  ctx_->metrics.messageOverLimit(static_cast<std::size_t>(kind));
  if (!logged_over_limit_) {
    // Once per connection: the count is in the metrics, and a flooder must
    // not choose how many lines the log gets.
    logged_over_limit_ = true;
    spdlog::warn("{}: over its {} message limit; refusing or dropping the excess", describe(),
                 ServerMetrics::kMessageKindLabels[static_cast<std::size_t>(kind)]);
  }
  if (verdict == MessageRateLimits::Verdict::Disconnect) {
    // Closed now, not when the channel reports it: the rest of the flood
    // already read is not looked at.
    state_ = State::Closed;
    ctx_->metrics.floodDisconnected();
    spdlog::warn("{}: disconnected: {} messages over its limits in a row", describe(),
                 ctx_->config.flood_disconnect_after);
    fail(ErrorCode::RateLimited, "far more messages than the server's limits allow; disconnected");
  }
  return false;
}

void ClientConnection::onChat(proto::ChatSend&& chat) {
  if (!withinLimits(MessageKind::Chat)) {
    if (state_ != State::Closed) {
      refuse(ErrorCode::RateLimited,
             "you are sending chat too fast (the server allows " +
                 std::to_string(ctx_->config.chat_per_s) + " messages a second, " +
                 std::to_string(ctx_->config.chat_burst) + " at once); this message was not sent",
             chat.client_msg_id());
    }
    return;
  }
  if (!room_) {
    refuse(ErrorCode::NotInRoom, "join a room before sending chat", chat.client_msg_id());
    return;
  }
  room_->chat(id_, client_instance_, chat.client_msg_id(), std::move(*chat.mutable_text()));
}

void ClientConnection::onMediaPacket(std::string&& packet) {
  // Media from a client that is not in a room is dropped quietly: it may
  // still be in flight after a leave.
  if (room_ && ctx_->media) {
    ctx_->media->onTcpPacket(id_, std::move(packet));
  }
}

void ClientConnection::onClosed(const Error& reason) {
  PARLEY_DCHECK_RUN_ON(channel_->strand());
  state_ = State::Closed;
  timer_.cancel();
  sign_in_delay_.cancel();
  unauthenticated_.release();
  std::string leave_reason = "disconnected";
  if (reason.code == ErrorCode::KeepaliveTimeout) {
    leave_reason = "timed out";
  } else if (reason.code != ErrorCode::ConnectionClosed) {
    leave_reason = reason.toString();
  }
  leaveRoom(leave_reason, false);
  const bool routine =
      reason.code == ErrorCode::ConnectionClosed || reason.code == ErrorCode::ServerShutdown;
  if (routine) {
    spdlog::info("{}: closed: {}", describe(), reason.toString());
  } else {
    spdlog::warn("{}: closed: {}", describe(), reason.toString());
  }
  ctx_->connections.remove(id_);  // may destroy *this after we return
}

}  // namespace parley::server
