// Load: 500 headless clients (one process, many sessions) sign in to one room
// on loopback and each sends a chat message. Every client must receive every
// message, in the same order, exactly once. Correctness under load, not a
// timing: the figures live in tests/bench and docs/benchmarks.md.

#include <sys/resource.h>

#include <asio/strand.hpp>
#include <catch2/catch.hpp>
#include <set>

#include "core/client/client_session.h"
#include "net/io_thread.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_swarm.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

constexpr int kClients = 500;
// Sessions that connect and sign in at once (see the test).
constexpr std::size_t kBatch = 50;

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
  // Keep-alives far apart and idleness allowed far longer than any run: a
  // slow run must not lose members to the keep-alive timeouts.
  options.config = {{"idle_timeout_s", "86400"}, {"keepalive_interval_s", "3600"}};
  ServerFixture server(options);
  server.start();

  net::IoThreads io(2);
  // The server allows 10 s from accept to signed in (kHandshakeTimeout): all
  // 500 at once would have to be served within that, which a slow machine
  // cannot. So they join in batches (the next starts when one has joined),
  // and a session that still runs out of time tries again rather than fail;
  // the client's own handshake bound is only for a broken server.
  SessionSwarm::Options swarm_options;
  swarm_options.batch = kBatch;
  swarm_options.configure = [](client::SessionConfig& config) {
    config.retry_before_first_join = true;
    config.handshake_timeout = std::chrono::minutes(2);
  };
  SessionSwarm swarm(io, server, kClients, "load", "load-pw", "arena", swarm_options);
  auto& recorders = swarm.recorders;
  auto& sessions = swarm.sessions;
  // All 500 are members at once from here on: every message below goes to
  // every one of them.
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
    CHECK(snap.joins == 1);  // a member throughout: never dropped and rejoined
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
