// Strangers' bytes: every kind of bad input closes or refuses only the
// connection (or message) it came on, with a reason, while another
// participant keeps chatting on the same server.

#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "core/base/error.h"
#include "core/protocol/protocol_limits.h"
#include "tests/support/raw_tls_client.h"
#include "tests/support/server_fixture.h"

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
    auto e = bob.read(30s);
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
  const bool closed = client.readUntilClosed(60s, &seen);
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
        eventually([&] { return server.log().find("frame_truncated") != std::string::npos; }, 60s));
  }
  SECTION("a client that connects and says nothing") {
    // Taken before connecting: the server's deadline runs from its accept,
    // which comes after this however long the TLS handshake takes.
    const auto started = std::chrono::steady_clock::now();
    RawTlsClient silent(server.port(), server.caFile());
    CHECK(fatalSlugBeforeClose(silent) == "handshake_timeout");
    CHECK(std::chrono::steady_clock::now() - started >= protocol::kHandshakeTimeout);
  }
  SECTION("a chat message over 16 KiB is refused, the connection stays") {
    RawTlsClient carol(server.port(), server.caFile());
    REQUIRE(carol.signIn("carol", "carol-pw", "lobby"));
    carol.send(chatSend(77, std::string(protocol::kMaxChatBytes + 1, 'x')));
    bool refused = false;
    for (int i = 0; i < 20 && !refused; ++i) {
      auto e = carol.read(30s);
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
    auto e = carol.read(30s);
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
  // Bob signs in and pings on his own thread from then on, so nothing the
  // test does meanwhile (carol's TLS handshake and sign-in) can leave him
  // silent for the idle timeout. Only that thread touches his connection
  // until it is joined.
  RawTlsClient bob(server.port(), server.caFile());
  std::atomic<bool> bob_in{false};
  std::atomic<bool> bob_done{false};
  std::atomic<bool> carol_left{false};
  std::thread pinger([&] {
    if (!bob.signIn("bob", "bob-pw", "lobby")) {
      bob_done = true;
      return;
    }
    bob_in = true;
    // Ping, read up to the pong (a read that times out mid-record would
    // upset the TLS stream, so every read here has an answer coming), pause.
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    for (std::uint64_t nonce = 1;
         !carol_left && !bob_done && std::chrono::steady_clock::now() < deadline; ++nonce) {
      proto::Envelope ping;
      ping.mutable_ping()->set_nonce(nonce);
      bob.send(ping);
      for (bool ponged = false; !ponged;) {
        auto e = bob.read(30s);
        if (!e) {
          bob_done = true;  // closed, or no pong at all
          return;
        }
        ponged = e->has_pong() && e->pong().nonce() == nonce;
        if (e->has_participant_left() && e->participant_left().participant().user() == "carol") {
          carol_left = true;
        }
      }
      std::this_thread::sleep_for(200ms);  // a 25th of the idle timeout
    }
  });
  std::vector<proto::Envelope> seen;
  bool bob_signed_in = false;
  bool carol_closed = false;
  {
    // Stops and joins the pinger however this block is left (a throw too).
    struct Join {
      std::atomic<bool>& done;
      std::thread& thread;
      ~Join() {
        done = true;
        thread.join();
      }
    } join{bob_done, pinger};
    bob_signed_in = eventually([&] { return bob_in || bob_done; }, 60s) && bob_in;
    if (bob_signed_in) {
      RawTlsClient silent(server.port(), server.caFile());
      if (silent.signIn("carol", "carol-pw", "lobby")) {
        // Carol says nothing more: the server closes her connection, and
        // tells bob she left.
        carol_closed = silent.readUntilClosed(60s, &seen);
        eventually([&] { return carol_left.load(); }, 60s);
      }
    }
  }
  REQUIRE(bob_signed_in);
  REQUIRE(carol_closed);
  std::string slug;
  for (const auto& e : seen) {
    if (e.has_error() && e.error().fatal()) {
      slug = e.error().slug();
    }
  }
  CHECK(slug == "keepalive_timeout");
  CHECK(carol_left);
  // Bob, who kept pinging, is still in and chatting.
  bobStillChats(bob, 1);
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
  // Two free guesses, and a lockout far longer than the test: once locked,
  // no guess is checked, however slowly the answers come. Every connection
  // must be signed in (or refused) within the server's handshake deadline
  // (10 s from its accept), so the burst is small: still four times the
  // number the limit lets through.
  constexpr int kMaxFailures = 2;
  constexpr int kGuesses = 8;
  ServerFixture::Options options;
  options.config = {{"max_failures", std::to_string(kMaxFailures)},
                    {"lockout_first_s", "600"},
                    {"lockout_max_s", "600"}};
  ServerFixture server(options);
  server.start();
  std::vector<std::unique_ptr<RawTlsClient>> guessers;
  for (int i = 0; i < kGuesses; ++i) {
    auto c = std::make_unique<RawTlsClient>(server.port(), server.caFile());
    proto::Envelope hello;
    hello.mutable_client_hello()->set_protocol_version(protocol::kProtocolVersion);
    hello.mutable_client_hello()->set_client_instance(c->clientInstance());
    c->send(hello);
    REQUIRE(c->read(30s));
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
    auto result = c->read(30s);
    REQUIRE(result);
    INFO(result->DebugString());
    REQUIRE(result->has_sign_in_result());
    CHECK_FALSE(result->sign_in_result().ok());
    const auto code = static_cast<ErrorCode>(result->sign_in_result().error_code());
    checked += code == ErrorCode::AuthFailed ? 1 : 0;
    limited += code == ErrorCode::RateLimited ? 1 : 0;
  }
  // max_failures free guesses, plus at most one more already in flight (the
  // server checks two at a time per address).
  CHECK(checked >= kMaxFailures);
  CHECK(checked <= kMaxFailures + 1);
  CHECK(checked + limited == kGuesses);
  RawTlsClient bob(server.port(), server.caFile());
  CHECK(bob.signIn("bob", "bob-pw", "lobby"));  // the address is below its own limit
}
