// Load: 500 headless clients (one process, many sessions) sign in to one room
// on loopback and each sends a chat message. Every client must receive every
// message, in the same order, exactly once. Correctness under load, not a
// timing: the figures live in tests/bench and docs/benchmarks.md.

#include <sys/resource.h>

#include <asio/strand.hpp>
#include <catch2/catch.hpp>
#include <set>

#include "core/client/client_session.h"
#include "net/connect/direct_connector.h"
#include "net/event/io_thread.h"
#include "support/server_fixture.h"
#include "support/session_swarm.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

constexpr int kClients = 500;

void raiseFileLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

TEST_CASE("500 clients in one room all receive every message in the same order", "[load]") {
  raiseFileLimit();
  ServerFixture::Options options;
  options.users = {{"load", "load-pw"}};
  ServerFixture server(options);
  server.start();

  net::IoThreads io(2);
  SessionSwarm swarm(io, server, kClients, "load", "load-pw", "arena");
  auto& recorders = swarm.recorders;
  auto& sessions = swarm.sessions;
  for (int i = 0; i < kClients; ++i) {
    INFO("client " << i);
    REQUIRE(recorders[i]->waitFor([](auto& s) { return s.joins >= 1 || !s.errors.empty(); }, 180s));
    REQUIRE(recorders[i]->snapshot().errors.empty());
  }

  for (int i = 0; i < kClients; ++i) {
    sessions[i]->sendChat("message from client " + std::to_string(i));
  }
  std::vector<std::uint64_t> reference;
  for (int i = 0; i < kClients; ++i) {
    INFO("client " << i);
    REQUIRE(recorders[i]->waitFor(
        [](auto& s) { return s.chats.size() >= static_cast<std::size_t>(kClients); }, 180s));
  }
  for (int i = 0; i < kClients; ++i) {
    const auto snap = recorders[i]->snapshot();
    INFO("client " << i);
    REQUIRE(snap.chats.size() == static_cast<std::size_t>(kClients));
    CHECK(snap.acks.size() == 1);
    std::vector<std::uint64_t> order;
    std::set<std::string> distinct;
    for (const auto& chat : snap.chats) {
      order.push_back(chat.seq);
      distinct.insert(chat.text);
    }
    CHECK(distinct.size() == static_cast<std::size_t>(kClients));
    if (reference.empty()) {
      reference = order;
      for (std::size_t k = 0; k < reference.size(); ++k) {
        REQUIRE(reference[k] == k + 1);
      }
    } else {
      REQUIRE(order == reference);
    }
  }
  for (auto& s : sessions) {
    s->stop();
  }
  CHECK(server.running());
}
