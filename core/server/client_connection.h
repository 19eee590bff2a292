#pragma once
// ClientConnection: the server side of one client, from the end of the TLS
// handshake until its channel closes. A state machine:
//
//   AwaitHello --ClientHello--> AwaitSignIn --SignIn--> Authenticating
//     --(Argon2 on the hash pool)--> SignedIn (JoinRoom/LeaveRoom/ChatSend)
//   AwaitSignIn --SignIn with a resume token (checked on the strand, no
//     Argon2)--> SignedIn, or refused and back to AwaitSignIn once
//   any state --close/error--> Closed
//
// Sign-in (onSignIn): refused at once while the (account, source) pair or
// the source is locked out; otherwise waits out the account's backoff, then
// its source's turn at the SignInGate, then the HashQueue; the outcome is
// recorded in all of them (docs/server-admin.md, "Sign-in limits").
// Signed in, each message kind has its own rate limit (MessageRateLimits),
// applied here on the connection's strand before anything reaches the room.
//
// Until SignedIn the connection is a stranger's: it holds a ticket of the
// UnauthenticatedLimiter, its channel has the small limits of
// limitsBeforeSignIn(), and only hello and sign-in (plus ping, pong and
// error) are accepted; anything else closes it.
//
// Ownership: ConnectionRegistry holds it while its channel is open; the
// channel holds it weakly (as its Handler). Threads: all state lives on the
// channel's strand; MessageChannel calls onMessage/onClosed there and the
// hash pool posts its result back there.

#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/base/clock.h"
#include "core/server/accounts/resume_tokens.h"
#include "core/server/accounts/unauthenticated_limiter.h"
#include "core/server/rooms/message_rate_limits.h"
#include "core/transport/message_channel.h"

namespace parley::server {

struct ServerContext;
class Room;

class ClientConnection : public transport::MessageChannel::Handler,
                         public std::enable_shared_from_this<ClientConnection> {
 public:
  ClientConnection(std::shared_ptr<ServerContext> ctx,
                   std::shared_ptr<transport::MessageChannel> channel, std::uint64_t id,
                   Clock::TimePoint handshake_deadline,
                   UnauthenticatedLimiter::Ticket unauthenticated = {});

  // The channel's limits until sign-in and after it.
  static transport::MessageChannel::Limits limitsBeforeSignIn();
  static transport::MessageChannel::Limits limitsSignedIn();

  // Registers, starts reading and arms the timers. Call once.
  void start();
  // Tells the client the server is stopping and closes (any thread).
  void shutdown();

  void onMessage(transport::Envelope&& envelope) override;
  void onClosed(const Error& reason) override;

 private:
  enum class State { AwaitHello, AwaitSignIn, Authenticating, SignedIn, Closed };

  void onHello(const proto::ClientHello& hello);
  void onSignIn(const proto::SignIn& sign_in);
  // A resume token instead of the password: a SHA-256, a store lookup and
  // the rotation's write, on the store thread (ServerContext::store_thread);
  // never queued behind Argon2. The answer, with the fresh token once it is
  // stored, comes back to the strand in onTokenRedeemed().
  void signInWithToken(const std::string& token);
  void onTokenRedeemed(ResumeTokens::Verdict verdict, std::string fresh);
  void refuseResumeToken(ResumeTokens::Verdict verdict);
  // After the account's backoff (if any): waits for this source's turn.
  void enterSignInGate(std::string password);
  void onSignInTurn(const std::string& user, std::string password);
  // On the hash pool: Argon2, then the client instance, then the resume
  // token (stored only while the verified hash is still the account's);
  // posts the outcome.
  void checkPassword(const std::string& user, std::uint64_t instance, std::string password);
  [[nodiscard]] std::optional<std::chrono::milliseconds> signInWait(const std::string& user) const;
  [[nodiscard]] std::string pairKey() const;
  void refuseSignIn(const Error& error, std::chrono::milliseconds retry_after);
  // `instance_owner`: the account the client instance belongs to, when that
  // is why the sign-in is refused. `resume_token`: the fresh one, when ok.
  void onAuthenticated(bool ok, const Error& error, const std::string& instance_owner,
                       std::string resume_token);
  // The answer to a sign-in, either way (after the gate, for a password).
  void finishSignIn(bool ok, const Error& error, const std::string& instance_owner,
                    const std::string& resume_token);
  void onJoin(const proto::JoinRoom& join);
  void onLeave();
  void onChat(proto::ChatSend&& chat);
  // Whether a message of `kind` is within this participant's limits; counts
  // it when not, and disconnects a participant flooding far past them.
  [[nodiscard]] bool withinLimits(MessageKind kind);
  void onMediaPacket(std::string&& packet);
  void leaveRoom(const std::string& reason, bool reply);
  void fail(ErrorCode code, std::string reason);
  void refuse(ErrorCode code, std::string reason, std::uint64_t client_msg_id);
  void armTimer();
  void onTimer();
  std::string describe() const;

  std::shared_ptr<ServerContext> ctx_;
  std::shared_ptr<transport::MessageChannel> channel_;
  const std::uint64_t id_;  // also the participant id
  State state_ = State::AwaitHello;
  std::string user_;
  std::uint64_t client_instance_ = 0;
  std::shared_ptr<Room> room_;
  Clock::TimePoint handshake_deadline_;
  Clock::TimePoint last_activity_;
  asio::steady_timer timer_;
  UnauthenticatedLimiter::Ticket unauthenticated_;
  // Where the client connects from, as the sign-in limits count it (IPv4
  // address or IPv6 /64), and whether this account signed in from there
  // before (KnownSignIns).
  const std::string source_;
  bool known_sign_in_ = false;
  bool resume_token_tried_ = false;  // one per connection, then the password
  asio::steady_timer sign_in_delay_;
  MessageRateLimits rate_limits_;
  bool logged_over_limit_ = false;
};

}  // namespace parley::server
