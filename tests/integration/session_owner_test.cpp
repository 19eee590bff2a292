// A client instance belongs to the account that first signed in with it,
// against a real parleyd: a hello without one is refused, another account
// presenting it is refused without disturbing the owner, and equal chat ids
// from two accounts are two messages.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/protocol/protocol_limits.h"
#include "tests/support/raw_tls_client.h"
#include "tests/support/server_fixture.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

// For replies that must come: only a bound for a broken server.
constexpr std::chrono::seconds kMustArrive{60};

proto::Envelope hello(std::uint64_t instance) {
  proto::Envelope e;
  e.mutable_client_hello()->set_protocol_version(protocol::kProtocolVersion);
  e.mutable_client_hello()->set_client_name("session-owner-test");
  e.mutable_client_hello()->set_client_instance(instance);
  return e;
}

proto::Envelope signIn(const std::string& user, const std::string& password) {
  proto::Envelope e;
  e.mutable_sign_in()->set_user(user);
  e.mutable_sign_in()->set_password(password);
  return e;
}

proto::Envelope chatSend(std::uint64_t id, const std::string& text) {
  proto::Envelope e;
  e.mutable_chat_send()->set_client_msg_id(id);
  e.mutable_chat_send()->set_text(text);
  return e;
}

// Reads until `count` chat messages arrived (skipping everything else).
std::vector<proto::ChatMessage> readChats(RawTlsClient& client, std::size_t count) {
  std::vector<proto::ChatMessage> chats;
  while (chats.size() < count) {
    auto e = client.read(kMustArrive);
    REQUIRE(e);
    if (e->has_chat_message()) {
      chats.push_back(e->chat_message());
    }
  }
  return chats;
}

// Sends one chat and reads until both its echo and its ack came back.
std::uint64_t chatAndWaitAck(RawTlsClient& client, std::uint64_t id, const std::string& text) {
  client.send(chatSend(id, text));
  bool echoed = false;
  std::uint64_t acked_seq = 0;
  while (!echoed || acked_seq == 0) {
    auto e = client.read(kMustArrive);
    REQUIRE(e);
    echoed = echoed || (e->has_chat_message() && e->chat_message().text() == text);
    if (e->has_chat_ack() && e->chat_ack().client_msg_id() == id) {
      acked_seq = e->chat_ack().seq();
    }
  }
  return acked_seq;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("a hello without a client instance is refused", "[integration][session_owner]") {
  ServerFixture server;
  server.start();
  RawTlsClient client(server.port(), server.caFile());
  client.send(hello(0));
  std::vector<proto::Envelope> seen;
  REQUIRE(client.readUntilClosed(kMustArrive, &seen));
  REQUIRE(seen.size() == 1);
  REQUIRE(seen[0].has_error());
  CHECK(seen[0].error().fatal());
  CHECK(seen[0].error().slug() == "malformed_message");
  CHECK(seen[0].error().reason().find("client_instance") != std::string::npos);
}

TEST_CASE("another account's client instance is refused and the owner keeps chatting",
          "[integration][session_owner]") {
  ServerFixture server;
  server.start();
  RawTlsClient alice(server.port(), server.caFile());
  REQUIRE(alice.signIn("alice", "alice-pw", "lobby"));

  RawTlsClient bob(server.port(), server.caFile());
  bob.send(hello(alice.clientInstance()));
  auto server_hello = bob.read(kMustArrive);
  REQUIRE(server_hello);
  REQUIRE(server_hello->has_server_hello());
  bob.send(signIn("bob", "bob-pw"));
  auto result = bob.read(kMustArrive);
  REQUIRE(result);
  REQUIRE(result->has_sign_in_result());
  CHECK_FALSE(result->sign_in_result().ok());
  CHECK(result->sign_in_result().error_code() ==
        static_cast<std::uint32_t>(ErrorCode::ClientInstanceTaken));
  CHECK(bob.readUntilClosed(kMustArrive));

  // Alice's connection was neither taken over nor closed.
  CHECK(chatAndWaitAck(alice, 1, "still here") == 1);

  // One log line names the refusal, with the owner for the administrator.
  const auto log = server.log();
  CHECK(occurrences(log, "belongs to account 'alice'") == 1);

  // Bob with an instance of his own is welcome, and sees alice's message.
  RawTlsClient bob_again(server.port(), server.caFile());
  REQUIRE(bob_again.signIn("bob", "bob-pw", "lobby"));
  auto history = readChats(bob_again, 1);
  CHECK(history[0].text() == "still here");
  CHECK(history[0].sender() == "alice");
}

TEST_CASE("two accounts using the same chat message id both get their messages through",
          "[integration][session_owner]") {
  ServerFixture server;
  server.start();
  RawTlsClient alice(server.port(), server.caFile());
  REQUIRE(alice.signIn("alice", "alice-pw", "lobby"));
  RawTlsClient bob(server.port(), server.caFile());
  REQUIRE(bob.signIn("bob", "bob-pw", "lobby"));

  CHECK(chatAndWaitAck(alice, 1, "alice one") == 1);
  CHECK(chatAndWaitAck(bob, 1, "bob one") == 2);
  auto alice_sees = readChats(alice, 1);
  CHECK(alice_sees[0].text() == "bob one");

  // Both are stored: a newcomer gets both in its history.
  RawTlsClient carol(server.port(), server.caFile());
  REQUIRE(carol.signIn("carol", "carol-pw", "lobby"));
  auto history = readChats(carol, 2);
  CHECK(history[0].sender() == "alice");
  CHECK(history[0].seq() == 1);
  CHECK(history[1].sender() == "bob");
  CHECK(history[1].seq() == 2);

  // A resend of bob's message after a restart is still deduplicated.
  server.kill9();
  server.restart();
  RawTlsClient bob_again(server.port(), server.caFile());
  bob_again.setClientInstance(bob.clientInstance());
  REQUIRE(bob_again.signIn("bob", "bob-pw", "lobby"));
  readChats(bob_again, 2);
  bob_again.send(chatSend(1, "bob one"));
  for (;;) {
    auto e = bob_again.read(kMustArrive);
    REQUIRE(e);
    REQUIRE_FALSE(e->has_chat_message());  // acknowledged again, not broadcast
    if (e->has_chat_ack()) {
      CHECK(e->chat_ack().seq() == 2);
      break;
    }
  }
  // The binding outlives the restart too.
  RawTlsClient alice_as_bob(server.port(), server.caFile());
  alice_as_bob.setClientInstance(bob.clientInstance());
  CHECK_FALSE(alice_as_bob.signIn("alice", "alice-pw"));
}
