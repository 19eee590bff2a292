// parleyd killed with SIGKILL in the middle of chat bursts, again and again,
// and started again on the same port: the clients (real ClientSessions)
// reconnect and resend what was not acknowledged by themselves, and in the
// end the store holds every message exactly once: nothing acknowledged lost,
// nothing resent stored twice.

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>

#include "core/server/store/sqlite_store.h"
#include "net/io_thread.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_client.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

constexpr int kKills = 4;
constexpr int kBurst = 100;  // per sender per round

struct Sender {
  Sender(net::IoThreads& io, const ServerFixture& server, const std::string& user)
      : name(user), client(io, server, user, user + "-pw") {}
  void burst(int round, int count) {
    for (int i = 0; i < count; ++i) {
      texts.insert(name + " round " + std::to_string(round) + " #" + std::to_string(i));
      client.session->sendChat(name + " round " + std::to_string(round) + " #" + std::to_string(i));
    }
  }
  std::string name;
  SessionClient client;
  std::set<std::string> texts;  // everything sent, each text unique
};

}  // namespace

TEST_CASE("SIGKILL during chat bursts, repeated: every message stored once, clients resume",
          "[integration]") {
  ServerFixture::Options options;
  // Bursts far above a person's typing: the message limits are not what is
  // tested here (chat_flood_test does that).
  options.config = {{"history_on_join", "100000"},
                    {"chat_per_s", "100000"},
                    {"chat_burst", "100000"}};
  ServerFixture server(options);
  server.start();
  net::IoThreads io(2);
  Sender alice(io, server, "alice");
  Sender bob(io, server, "bob");
  REQUIRE(alice.client.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));
  REQUIRE(bob.client.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));

  for (int round = 0; round < kKills; ++round) {
    // Both back in the room after the last restart, by themselves.
    for (auto* sender : {&alice, &bob}) {
      REQUIRE(sender->client.recorder.waitFor([&](auto& s) { return s.joins >= round + 1; }, 60s));
    }
    const auto acked_before = alice.client.recorder.snapshot().acks.size();
    alice.burst(round, kBurst);
    bob.burst(round, kBurst);
    // Killed once the burst is flowing: some of it acknowledged, the rest
    // in flight, stored but not acknowledged, or not sent yet.
    REQUIRE(
        alice.client.recorder.waitFor([&](auto& s) { return s.acks.size() >= acked_before + 5; },
                                      60s));
    server.kill9();
    alice.burst(round + 1000, 5);  // written while the server is down
    REQUIRE(alice.client.recorder.waitFor(
        [&](auto& s) { return s.disconnects.size() >= static_cast<std::size_t>(round + 1); }, 60s));
    server.restart();
  }

  // Everything sent is acknowledged in the end, each id once.
  for (auto* sender : {&alice, &bob}) {
    INFO(sender->name);
    REQUIRE(sender->client.recorder.waitFor(
        [&](auto& s) { return s.acks.size() >= sender->texts.size(); }, 120s));
    // Resumed by itself after each restart. Waited for: a client whose last
    // burst was all acknowledged before the last kill may still be
    // reconnecting when its acknowledgements are complete.
    CHECK(sender->client.recorder.waitFor([&](auto& s) { return s.joins >= kKills + 1; }, 60s));
    const auto s = sender->client.recorder.snapshot();
    std::set<std::uint64_t> ids;
    for (const auto& [id, seq] : s.acks) {
      ids.insert(id);
    }
    CHECK(ids.size() == s.acks.size());
    CHECK(s.acks.size() == sender->texts.size());
    CHECK(s.refused.empty());
    CHECK(s.errors.empty());
  }
  std::multiset<std::string> expected(alice.texts.begin(), alice.texts.end());
  expected.insert(bob.texts.begin(), bob.texts.end());

  // Each client saw every message once, in order (live, or on resume).
  for (auto* sender : {&alice, &bob}) {
    INFO(sender->name);
    REQUIRE(
        sender->client.recorder.waitFor([&](auto& s) { return s.chats.size() >= expected.size(); },
                                        60s));
    const auto chats = sender->client.recorder.snapshot().chats;
    std::multiset<std::string> seen;
    for (std::size_t i = 0; i < chats.size(); ++i) {
      CHECK(chats[i].seq == i + 1);
      seen.insert(chats[i].text);
    }
    CHECK(seen == expected);
  }

  // The store itself: every message once, seq 1..N without a gap.
  REQUIRE(server.terminate() == 0);
  auto store =
      server::SqliteStore::open(server.dir() + "/parley.db", server::Synchronous::Normal, false);
  REQUIRE(store);
  auto room = (*store)->openRoom("lobby", 0);
  REQUIRE(room);
  auto stored = (*store)->messagesAfter(room->id, 0, expected.size() + 100);
  REQUIRE(stored);
  std::multiset<std::string> in_store;
  for (std::size_t i = 0; i < stored->size(); ++i) {
    CHECK((*stored)[i].seq == i + 1);
    in_store.insert((*stored)[i].text);
  }
  CHECK(in_store == expected);
}
