// The server's disk fills up during a chat burst: senders get a clear
// store_full refusal (never an ack for a message that was not stored), every
// acknowledged message stays in the history exactly once, and chat works
// again by itself once space is freed. parleyd's data folder is a small tmpfs
// in its own mount namespace (unshare -m), so nothing outside the test fills.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "net/io_thread.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_client.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

// Run by `unshare -m` as `sh -c SCRIPT sh PARLEYD run --config CONFIG ...`:
// a private tmpfs on the config's data/ folder, the store copied onto it,
// then parleyd in this same process (exec), so the fixture's PID is parleyd.
constexpr const char* kMountScript =
    "set -e; d=$(dirname \"$4\")/data; "
    "mount -t tmpfs -o size=4m parley-test-data \"$d\"; "
    "cp \"$d/../parley.db\" \"$d/parley.db\"; exec \"$@\"";

bool canMountNamespaces() {
  if (::geteuid() != 0 || !std::filesystem::exists("/usr/bin/unshare") ||
      !std::filesystem::exists("/usr/bin/nsenter")) {
    return false;
  }
  return runProgram({"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/true"})
             .exit_code == 0;
}

// Runs `script` in parleyd's mount namespace, where its data folder is.
RunResult inServerMounts(const ServerFixture& server, const std::string& script) {
  return runProgram({"/usr/bin/nsenter", "-t", std::to_string(server.pid()), "-m", "--", "/bin/sh",
                     "-c", script});
}

// Sends `count` messages and waits (bounded) until each is acknowledged or
// refused. Returns the ids with their texts.
std::map<std::uint64_t, std::string> sendAndSettle(SessionClient& client, const std::string& tag,
                                                   int first, int count) {
  std::map<std::uint64_t, std::string> sent;
  for (int i = first; i < first + count; ++i) {
    std::string text = tag + " " + std::to_string(i) + " " + std::string(1500, 'x');
    const auto id = client.session->sendChat(text);
    sent.emplace(id, std::move(text));
  }
  REQUIRE(client.recorder.waitFor(
      [&](const SessionRecorder::Snapshot& s) {
        return s.acks.size() + s.refused.size() >= sent.rbegin()->first;
      },
      60s));
  return sent;
}

}  // namespace

TEST_CASE("a full disk refuses chat as store_full, keeps every ack, and recovers by itself",
          "[integration]") {
  if (!canMountNamespaces()) {
    WARN("skipping: needs root, unshare and nsenter for a private tmpfs");
    return;
  }
  ServerFixture::Options options;
  // Bursts far above a person's typing: the message limits are not what is
  // tested here (chat_flood_test does that).
  options.config = {{"history_on_join", "100000"},
                    {"chat_per_s", "100000"},
                    {"chat_burst", "100000"}};
  options.launcher = {"/usr/bin/unshare", "-m", "--propagation", "private", "--",
                      "/bin/sh",          "-c", kMountScript,    "sh"};
  ServerFixture server(options);
  std::filesystem::create_directories(server.dir() + "/data");
  server.setConfig("path", "\"data/parley.db\"");
  server.start();

  net::IoThreads io(1);
  SessionClient alice(io, server, "alice", "alice-pw");
  SessionClient bob(io, server, "bob", "bob-pw");
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));
  REQUIRE(bob.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));

  // Every message alice sends, by id. Ids count up from 1, so "the highest
  // id settled" is "acks + refusals".
  std::map<std::uint64_t, std::string> sent;
  int next = 0;
  auto burst = [&](const std::string& tag, int count) {
    auto window = sendAndSettle(alice, tag, next, count);
    next += count;
    sent.insert(window.begin(), window.end());
  };
  burst("before", 20);
  REQUIRE(alice.recorder.snapshot().refused.empty());

  // The burst goes on while the disk fills: a ballast file takes all the
  // space left, then alice keeps sending until the server refuses.
  const auto fill = inServerMounts(server, "dd if=/dev/zero of=\"" + server.dir() +
                                               "/data/ballast\" bs=64k 2>/dev/null; df -k \"" +
                                               server.dir() + "/data\"");
  INFO(fill.out << fill.err);
  // Bounded: 4 MiB of tmpfs cannot take 3000 messages of 1.5 KB.
  for (int window = 0; window < 300 && alice.recorder.snapshot().refused.empty(); ++window) {
    burst("during", 10);
  }
  const auto full = alice.recorder.refusedById();
  REQUIRE_FALSE(full.empty());
  for (const auto& [id, reason] : full) {
    CHECK(reason.code == ErrorCode::StoreFull);
    CHECK_THAT(reason.detail, Catch::Contains("disk is full"));
  }
  // Still full: more sends are refused, the server neither crashes nor closes.
  burst("still full", 5);
  CHECK(server.running());

  // Space comes back: the next messages are stored, with no restart.
  const auto freed = inServerMounts(server, "rm -f \"" + server.dir() + "/data/ballast\"");
  REQUIRE(freed.exit_code == 0);
  const auto refused_while_full = alice.recorder.refusedById().size();
  burst("after", 20);
  CHECK(alice.recorder.refusedById().size() == refused_while_full);
  CHECK(alice.recorder.snapshot().disconnects.empty());

  // What was acknowledged is exactly what is stored: a newcomer's history
  // and bob's live view hold every acked message once, and nothing refused.
  std::set<std::string> acknowledged;
  for (const auto& [id, seq] : alice.recorder.snapshot().acks) {
    acknowledged.insert(sent.at(id));
  }
  const auto refused = alice.recorder.refusedById();
  CHECK(acknowledged.size() + refused.size() == sent.size());
  for (const auto& [id, reason] : refused) {
    CHECK(acknowledged.count(sent.at(id)) == 0);
  }
  SessionClient carol(io, server, "carol", "carol-pw");
  REQUIRE(
      carol.recorder.waitFor([&](auto& s) { return s.chats.size() >= acknowledged.size(); }, 60s));
  REQUIRE(
      bob.recorder.waitFor([&](auto& s) { return s.chats.size() >= acknowledged.size(); }, 60s));
  for (auto* viewer : {&carol, &bob}) {
    const auto chats = viewer->recorder.snapshot().chats;
    std::multiset<std::string> seen;
    for (std::size_t i = 0; i < chats.size(); ++i) {
      CHECK(chats[i].seq == i + 1);
      seen.insert(chats[i].text);
    }
    CHECK(seen == std::multiset<std::string>(acknowledged.begin(), acknowledged.end()));
  }
}
