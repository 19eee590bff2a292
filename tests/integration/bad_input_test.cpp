// Strangers' bytes: every kind of bad input closes or refuses only the
// connection (or message) it came on, with a reason, while another
// participant keeps chatting on the same server.

#include <signal.h>

#include <catch2/catch.hpp>

#include "core/base/error.h"
#include "core/protocol/protocol_limits.h"
#include "support/raw_tls_client.h"
#include "support/server_fixture.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

proto::Envelope chatSend(std::uint64_t id, const std::string& text) {
  proto::Envelope e;
  e.mutable_chat_send()->set_client_msg_id(id);
  e.mutable_chat_send()->set_text(text);
  return e;
}

// Bob chats and sees his own message come back: the server still serves.
void bobStillChats(RawTlsClient& bob, std::uint64_t id) {
  bob.send(chatSend(id, "still here " + std::to_string(id)));
  bool echoed = false;
  bool acked = false;
  for (int i = 0; i < 50 && !(echoed && acked); ++i) {
    auto e = bob.read(5s);
    REQUIRE(e);
    echoed = echoed || (e->has_chat_message() &&
                        e->chat_message().text() == "still here " + std::to_string(id));
    acked = acked || (e->has_chat_ack() && e->chat_ack().client_msg_id() == id);
  }
  CHECK(echoed);
  CHECK(acked);
}

std::string fatalSlugBeforeClose(RawTlsClient& client) {
  std::vector<proto::Envelope> seen;
  const bool closed = client.readUntilClosed(15s, &seen);
  REQUIRE(closed);
  for (const auto& e : seen) {
    if (e.has_error() && e.error().fatal()) {
      return e.error().slug();
    }
  }
  return "";
}

}  // namespace

TEST_CASE("bad input closes only its own connection", "[integration][bad_input]") {
  ServerFixture server;
  server.start();
  RawTlsClient bob(server.port(), server.caFile());
  REQUIRE(bob.signIn("bob", "bob-pw", "lobby"));
  std::uint64_t id = 1;

  SECTION("a frame over the 1 MiB limit") {
    RawTlsClient bad(server.port(), server.caFile());
    bad.writeBytes(std::string("\x7f\xff\xff\xff", 4));
    CHECK(fatalSlugBeforeClose(bad) == "frame_too_large");
  }
  SECTION("garbage bytes") {
    RawTlsClient bad(server.port(), server.caFile());
    bad.writeBytes(std::string("\0\0\0\x06\xff\xff\xff\xff\xff\xff", 10));
    CHECK(fatalSlugBeforeClose(bad) == "malformed_message");
  }
  SECTION("an unknown message type") {
    RawTlsClient bad(server.port(), server.caFile());
    bad.writeBytes(std::string("\0\0\0\x03\x98\x06\x01", 7));
    CHECK(fatalSlugBeforeClose(bad) == "unknown_message");
  }
  SECTION("a hello with a wrong version") {
    RawTlsClient bad(server.port(), server.caFile());
    proto::Envelope hello;
    hello.mutable_client_hello()->set_protocol_version(99);
    bad.send(hello);
    CHECK(fatalSlugBeforeClose(bad) == "unsupported_version");
  }
  SECTION("a message that is not valid before sign-in") {
    RawTlsClient bad(server.port(), server.caFile());
    bad.send(chatSend(1, "no hello yet"));
    CHECK(fatalSlugBeforeClose(bad) == "unexpected_message");
  }
  SECTION("a truncated frame") {
    {
      RawTlsClient bad(server.port(), server.caFile());
      REQUIRE(bad.signIn("carol", "carol-pw", "lobby"));
      bad.writeBytes(std::string("\0\0\0\x64partial", 11));
    }  // closed with 7 of 100 bytes sent
    CHECK(
        eventually([&] { return server.log().find("frame_truncated") != std::string::npos; }, 10s));
  }
  SECTION("a client that connects and says nothing") {
    RawTlsClient silent(server.port(), server.caFile());
    const auto started = std::chrono::steady_clock::now();
    CHECK(fatalSlugBeforeClose(silent) == "handshake_timeout");
    CHECK(std::chrono::steady_clock::now() - started >= 9s);
  }
  SECTION("a chat message over 16 KiB is refused, the connection stays") {
    RawTlsClient carol(server.port(), server.caFile());
    REQUIRE(carol.signIn("carol", "carol-pw", "lobby"));
    carol.send(chatSend(77, std::string(protocol::kMaxChatBytes + 1, 'x')));
    bool refused = false;
    for (int i = 0; i < 20 && !refused; ++i) {
      auto e = carol.read(5s);
      REQUIRE(e);
      if (e->has_error()) {
        CHECK_FALSE(e->error().fatal());
        CHECK(e->error().slug() == "chat_too_long");
        CHECK(e->error().client_msg_id() == 77);
        refused = true;
      }
    }
    CHECK(refused);
    bobStillChats(carol, 78);
  }
  SECTION("a room name with control characters is refused") {
    RawTlsClient carol(server.port(), server.caFile());
    REQUIRE(carol.signIn("carol", "carol-pw"));
    proto::Envelope join;
    join.mutable_join_room()->set_room("evil\x1b[2Jroom");
    carol.send(join);
    auto e = carol.read(5s);
    REQUIRE(e);
    REQUIRE(e->has_error());
    CHECK(e->error().slug() == "invalid_room_name");
    CHECK_FALSE(e->error().fatal());
  }
  bobStillChats(bob, id++);
  CHECK(server.running());
}

TEST_CASE("a silent participant leaves the room after the idle timeout", "[integration]") {
  ServerFixture::Options options;
  options.config = {{"idle_timeout_s", "5"}, {"keepalive_interval_s", "2"}};
  ServerFixture server(options);
  server.start();
  RawTlsClient bob(server.port(), server.caFile());
  REQUIRE(bob.signIn("bob", "bob-pw", "lobby"));
  RawTlsClient silent(server.port(), server.caFile());
  REQUIRE(silent.signIn("carol", "carol-pw", "lobby"));
  // Bob keeps pinging; carol says nothing more.
  bool carol_left = false;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  std::uint64_t nonce = 1;
  while (!carol_left && std::chrono::steady_clock::now() < deadline) {
    proto::Envelope ping;
    ping.mutable_ping()->set_nonce(nonce++);
    bob.send(ping);
    auto e = bob.read(500ms);
    if (e && e->has_participant_left()) {
      carol_left = e->participant_left().participant().user() == "carol";
    }
  }
  CHECK(carol_left);
  std::vector<proto::Envelope> seen;
  CHECK(silent.readUntilClosed(5s, &seen));
}

TEST_CASE("SIGTERM tells every connection why and exits cleanly", "[integration]") {
  ServerFixture server;
  server.start();
  RawTlsClient bob(server.port(), server.caFile());
  REQUIRE(bob.signIn("bob", "bob-pw", "lobby"));
  CHECK(server.terminate() == 0);
  CHECK(fatalSlugBeforeClose(bob) == "server_shutdown");
}

TEST_CASE("parallel password guesses cannot outrun the sign-in limit", "[integration]") {
  ServerFixture server;
  server.start();
  constexpr int kGuesses = 30;
  std::vector<std::unique_ptr<RawTlsClient>> guessers;
  for (int i = 0; i < kGuesses; ++i) {
    auto c = std::make_unique<RawTlsClient>(server.port(), server.caFile());
    proto::Envelope hello;
    hello.mutable_client_hello()->set_protocol_version(protocol::kProtocolVersion);
    c->send(hello);
    REQUIRE(c->read(5s));
    guessers.push_back(std::move(c));
  }
  // Every guess is on the wire before any answer comes back.
  for (int i = 0; i < kGuesses; ++i) {
    proto::Envelope guess;
    guess.mutable_sign_in()->set_user("alice");
    guess.mutable_sign_in()->set_password("guess-" + std::to_string(i));
    guessers[i]->send(guess);
  }
  int checked = 0;
  int limited = 0;
  for (auto& c : guessers) {
    auto result = c->read(20s);
    REQUIRE(result);
    REQUIRE(result->has_sign_in_result());
    CHECK_FALSE(result->sign_in_result().ok());
    const auto code = static_cast<ErrorCode>(result->sign_in_result().error_code());
    checked += code == ErrorCode::AuthFailed ? 1 : 0;
    limited += code == ErrorCode::RateLimited ? 1 : 0;
  }
  // max_failures (5) free guesses, plus at most one more already in flight.
  CHECK(checked <= 6);
  CHECK(checked + limited == kGuesses);
  RawTlsClient bob(server.port(), server.caFile());
  CHECK(bob.signIn("bob", "bob-pw", "lobby"));  // the address is below its own limit
}
