// Resume tokens against a real parleyd: a reconnect signs in with the token
// the server issued (no Argon2 run, by the server's own counter); a token
// presented by another account or client instance is refused without
// touching its owner; a revoked token is refused and the session falls back
// to its password on the same connection.

#include <asio/strand.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/client/client_session.h"
#include "core/protocol/protocol_limits.h"
#include "net/io_thread.h"
#include "net/tls/tls_context.h"
#include "tests/support/direct_routes.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/process.h"
#include "tests/support/raw_tls_client.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_recorder.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

constexpr std::chrono::seconds kMustArrive{60};

ServerFixture::Options withMetrics() {
  ServerFixture::Options options;
  options.config = {{"enabled", "true"}, {"address", "\"127.0.0.1:0\""}};
  return options;
}

long long metric(const ServerFixture& server, const std::string& series) {
  return metricSample(scrapeMetrics(metricsPort(server.dir())), series);
}

proto::Envelope hello(std::uint64_t instance) {
  proto::Envelope e;
  e.mutable_client_hello()->set_protocol_version(protocol::kProtocolVersion);
  e.mutable_client_hello()->set_client_name("resume-token-test");
  e.mutable_client_hello()->set_client_instance(instance);
  return e;
}

proto::Envelope passwordSignIn(const std::string& user, const std::string& password) {
  proto::Envelope e;
  e.mutable_sign_in()->set_user(user);
  e.mutable_sign_in()->set_password(password);
  return e;
}

proto::Envelope tokenSignIn(const std::string& user, const std::string& token) {
  proto::Envelope e;
  e.mutable_sign_in()->set_user(user);
  e.mutable_sign_in()->set_resume_token(token);
  return e;
}

// Hello, then one SignIn; the SignInResult.
proto::SignInResult helloAndSignIn(RawTlsClient& client, std::uint64_t instance,
                                   const proto::Envelope& sign_in) {
  client.send(hello(instance));
  auto server_hello = client.read(kMustArrive);
  REQUIRE(server_hello);
  REQUIRE(server_hello->has_server_hello());
  client.send(sign_in);
  auto result = client.read(kMustArrive);
  REQUIRE(result);
  REQUIRE(result->has_sign_in_result());
  return result->sign_in_result();
}

proto::SignInResult nextSignInResult(RawTlsClient& client, const proto::Envelope& sign_in) {
  client.send(sign_in);
  auto result = client.read(kMustArrive);
  REQUIRE(result);
  REQUIRE(result->has_sign_in_result());
  return result->sign_in_result();
}

bool pingAnswered(RawTlsClient& client) {
  proto::Envelope ping;
  ping.mutable_ping()->set_nonce(42);
  client.send(ping);
  for (int i = 0; i < 100; ++i) {
    auto e = client.read(kMustArrive);
    if (!e) {
      return false;
    }
    if (e->has_pong()) {
      return e->pong().nonce() == 42;
    }
  }
  return false;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("a token sign-in skips Argon2 and rotates the token", "[integration][resume_token]") {
  ServerFixture server(withMetrics());
  server.start();
  const std::uint64_t instance = 0x1234'5678'9abc'def0ULL;

  RawTlsClient first(server.port(), server.caFile());
  auto signed_in = helloAndSignIn(first, instance, passwordSignIn("alice", "alice-pw"));
  REQUIRE(signed_in.ok());
  const std::string token = signed_in.resume_token();
  CHECK(token.size() == 32);
  CHECK(signed_in.resume_token_lifetime_s() == 14 * 24 * 3600);
  CHECK(metric(server, "parley_password_hashes_total") == 1);

  RawTlsClient second(server.port(), server.caFile());
  auto resumed = helloAndSignIn(second, instance, tokenSignIn("alice", token));
  REQUIRE(resumed.ok());
  CHECK(resumed.resume_token().size() == 32);
  CHECK(resumed.resume_token() != token);
  CHECK(metric(server, "parley_password_hashes_total") == 1);
  CHECK(metric(server, "parley_resume_token_sign_ins_total") == 1);
  CHECK(pingAnswered(first));  // both connections of alice stay
  CHECK(pingAnswered(second));
}

TEST_CASE("another account's or instance's token is refused and its owner stays",
          "[integration][resume_token]") {
  ServerFixture server(withMetrics());
  server.start();
  const std::uint64_t alice_instance = 0x1111'0000'0000'0001ULL;
  RawTlsClient alice(server.port(), server.caFile());
  auto signed_in = helloAndSignIn(alice, alice_instance, passwordSignIn("alice", "alice-pw"));
  REQUIRE(signed_in.ok());
  const std::string token = signed_in.resume_token();

  // Alice's token from another client instance of alice's.
  RawTlsClient elsewhere(server.port(), server.caFile());
  auto refused = helloAndSignIn(elsewhere, 0x2222'0000'0000'0002ULL, tokenSignIn("alice", token));
  CHECK_FALSE(refused.ok());
  CHECK(refused.error_code() == static_cast<std::uint32_t>(ErrorCode::AuthFailed));
  // The connection stays for a password sign-in: a second token is not tried.
  auto second_token = nextSignInResult(elsewhere, tokenSignIn("alice", token));
  CHECK_FALSE(second_token.ok());
  CHECK(elsewhere.readUntilClosed(kMustArrive));

  // Alice's token presented by bob, with alice's instance or his own.
  RawTlsClient bob(server.port(), server.caFile());
  auto as_bob = helloAndSignIn(bob, 0x3333'0000'0000'0003ULL, tokenSignIn("bob", token));
  CHECK_FALSE(as_bob.ok());
  CHECK(as_bob.error_code() == static_cast<std::uint32_t>(ErrorCode::AuthFailed));
  // Bob then signs in with his password on the same connection.
  auto bob_password = nextSignInResult(bob, passwordSignIn("bob", "bob-pw"));
  CHECK(bob_password.ok());

  // Alice was neither disconnected nor taken over, and her token still works.
  CHECK(pingAnswered(alice));
  RawTlsClient alice_again(server.port(), server.caFile());
  CHECK(helloAndSignIn(alice_again, alice_instance, tokenSignIn("alice", token)).ok());

  const auto log = server.log();
  // The second token on one connection is refused unchecked: one line each.
  CHECK(occurrences(log, "resume token refused: issued to another client instance") == 1);
  CHECK(occurrences(log, "resume token refused: issued to another account") == 1);
  CHECK(metric(server, "parley_sign_in_failures_total{reason=\"resume_token_misused\"}") == 2);
}

TEST_CASE("a session reconnects with its token, and after a revocation with its password",
          "[integration][resume_token]") {
  ServerFixture server(withMetrics());
  server.start();
  net::IoThreads io(1);
  auto strand = asio::make_strand(io.context());
  auto tls = net::makeClientTlsContext(server.caFile());
  REQUIRE(tls);
  client::SessionConfig config;
  config.target = {"127.0.0.1", server.port(), server.port()};
  config.user = "alice";
  config.password = "alice-pw";
  config.room = "lobby";
  config.client_name = "resume-token-test";
  config.reconnect.initial = 50ms;
  config.reconnect.max = 500ms;
  SessionRecorder recorder;
  client::ClientSession session(strand, config, directOnlyConnectors(strand, *tls), recorder);
  session.start();
  REQUIRE(recorder.waitFor([](const auto& s) { return s.joins == 1; }, kMustArrive));
  CHECK(metric(server, "parley_password_hashes_total") == 1);
  CHECK(recorder.snapshot().resume_tokens.size() == 1);

  // A network drop: the reconnect presents the token, Argon2 does not run.
  session.dropConnectionForTest();
  REQUIRE(recorder.waitFor([](const auto& s) { return s.joins == 2; }, kMustArrive));
  CHECK(metric(server, "parley_password_hashes_total") == 1);
  CHECK(metric(server, "parley_resume_token_sign_ins_total") == 1);
  auto tokens = recorder.snapshot().resume_tokens;
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[1] != tokens[0]);

  // The administrator revokes: the next reconnect's token is refused, the
  // session forgets it and signs in with the password, without an error.
  auto revoke = runProgram(
      {parleydPath(), "user", "revoke-tokens", "alice", "--config", server.configFile()});
  INFO(revoke.out << revoke.err);
  REQUIRE(revoke.exit_code == 0);
  // The rotated-away token is still in its grace window: two in all.
  CHECK(revoke.out.find("revoked 2 resume token") != std::string::npos);
  session.dropConnectionForTest();
  REQUIRE(recorder.waitFor([](const auto& s) { return s.joins == 3; }, kMustArrive));
  CHECK(metric(server, "parley_password_hashes_total") == 2);
  CHECK(metric(server, "parley_resume_token_sign_ins_total") == 1);
  CHECK(metric(server, "parley_sign_in_failures_total{reason=\"resume_token_unknown\"}") == 1);
  const auto snapshot = recorder.snapshot();
  CHECK(snapshot.errors.empty());
  REQUIRE(snapshot.resume_tokens.size() == 4);
  CHECK(snapshot.resume_tokens[2].empty());       // the refused one, forgotten
  CHECK(snapshot.resume_tokens[3].size() == 32);  // the password sign-in's new one
  session.stop();
}

TEST_CASE("a password change revokes the tokens, and without a password the session stops",
          "[integration][resume_token]") {
  ServerFixture server;
  server.start();
  const std::uint64_t instance = 0x4444'0000'0000'0004ULL;
  RawTlsClient first(server.port(), server.caFile());
  auto signed_in = helloAndSignIn(first, instance, passwordSignIn("alice", "alice-pw"));
  REQUIRE(signed_in.ok());
  auto changed = runProgram({parleydPath(), "user", "add", "--update", "alice", "--config",
                             server.configFile()},
                            "alice-new\n");
  INFO(changed.out << changed.err);
  REQUIRE(changed.exit_code == 0);

  net::IoThreads io(1);
  auto strand = asio::make_strand(io.context());
  auto tls = net::makeClientTlsContext(server.caFile());
  REQUIRE(tls);
  client::SessionConfig config;
  config.target = {"127.0.0.1", server.port(), server.port()};
  config.user = "alice";
  config.resume_token = signed_in.resume_token();
  config.client_instance = instance;
  config.room = "lobby";
  SessionRecorder recorder;
  client::ClientSession session(strand, config, directOnlyConnectors(strand, *tls), recorder);
  session.start();
  REQUIRE(recorder.waitFor([](const auto& s) { return !s.errors.empty(); }, kMustArrive));
  CHECK(recorder.snapshot().errors[0].code == ErrorCode::AuthFailed);
  CHECK(recorder.snapshot().joins == 0);
  session.stop();
}
