// Floods by signed-in users (issue 16, item 5): one participant sending chat
// far faster than the server allows gets rate_limited for the excess (its
// session stays up and its later chat goes through), while the others' chat
// in the same room is delivered to everyone, in the order it was sent.

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/base/error.h"
#include "net/io_thread.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_swarm.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

constexpr auto kBound = 60s;

// The texts of the live chat `recorder` received from `sender`, in order.
std::vector<std::string> textsFrom(SessionRecorder& recorder, const std::string& sender) {
  std::vector<std::string> out;
  for (const auto& chat : recorder.snapshot().chats) {
    if (chat.sender == sender && !chat.is_history) {
      out.push_back(chat.text);
    }
  }
  return out;
}

}  // namespace

TEST_CASE(
    "a chat flood by one participant: others' chat arrives in order, the flooder is "
    "rate limited",
    "[integration][flood]") {
  constexpr int kFlood = 300;
  constexpr int kEach = 10;
  ServerFixture::Options options;
  options.config = {{"enabled", "true"}, {"address", "\"127.0.0.1:0\""}};
  ServerFixture server(options);
  server.start();
  const auto metrics_port = metricsPort(server.dir());

  net::IoThreads io(2);
  SessionSwarm flooder(io, server, 1, "alice", "alice-pw", "lobby");
  SessionSwarm bob(io, server, 1, "bob", "bob-pw", "lobby");
  SessionSwarm carol(io, server, 1, "carol", "carol-pw", "lobby");
  for (auto* swarm : {&flooder, &bob, &carol}) {
    REQUIRE(swarm->recorders[0]->waitFor([](auto& s) { return s.joins >= 1 || !s.errors.empty(); },
                                         kBound));
    REQUIRE(swarm->recorders[0]->snapshot().errors.empty());
  }
  auto& alice_rec = *flooder.recorders[0];
  auto& bob_rec = *bob.recorders[0];
  auto& carol_rec = *carol.recorders[0];

  // Bob and carol chat in the middle of alice's flood.
  std::vector<std::string> from_bob;
  std::vector<std::string> from_carol;
  for (int i = 0; i < kFlood; ++i) {
    flooder.sessions[0]->sendChat("flood " + std::to_string(i));
    if (i % (kFlood / kEach) == 0) {
      from_bob.push_back("bob " + std::to_string(from_bob.size()));
      bob.sessions[0]->sendChat(from_bob.back());
      from_carol.push_back("carol " + std::to_string(from_carol.size()));
      carol.sessions[0]->sendChat(from_carol.back());
    }
  }

  // Every message of alice's is answered: stored (acked) or refused.
  REQUIRE(alice_rec.waitFor(
      [&](auto& s) { return s.acks.size() + s.refused.size() >= static_cast<std::size_t>(kFlood); },
      kBound));
  const auto alice_snap = alice_rec.snapshot();
  CHECK(alice_snap.acks.size() + alice_snap.refused.size() == static_cast<std::size_t>(kFlood));
  CHECK_FALSE(alice_snap.refused.empty());
  for (const auto& refusal : alice_snap.refused) {
    CHECK(refusal.code == ErrorCode::RateLimited);
  }
  // The burst (30) and the refill during the flood at most: far below 300.
  CHECK(alice_snap.acks.size() < static_cast<std::size_t>(kFlood) / 2);
  // A refusal is not the end of the session.
  CHECK(alice_snap.disconnects.empty());
  CHECK(alice_snap.errors.empty());

  // Bob and carol: nothing refused, and each sees the other's chat complete
  // and in the order it was sent (as does alice).
  REQUIRE(bob_rec.waitFor([&](auto& s) { return s.acks.size() >= from_bob.size(); }, kBound));
  REQUIRE(carol_rec.waitFor([&](auto& s) { return s.acks.size() >= from_carol.size(); }, kBound));
  CHECK(bob_rec.snapshot().refused.empty());
  CHECK(carol_rec.snapshot().refused.empty());
  CHECK(eventually([&] { return textsFrom(bob_rec, "carol") == from_carol; }, kBound));
  CHECK(eventually([&] { return textsFrom(carol_rec, "bob") == from_bob; }, kBound));
  CHECK(eventually([&] { return textsFrom(alice_rec, "bob") == from_bob; }, kBound));

  const auto metrics = scrapeMetrics(metrics_port);
  CHECK(metricSample(metrics, "parley_messages_over_limit_total{kind=\"chat\"}") ==
        static_cast<long long>(alice_snap.refused.size()));
  CHECK(metricSample(metrics, "parley_flood_disconnects_total") == 0);

  // Once the bucket refills, alice chats again like anyone.
  std::this_thread::sleep_for(1s);
  const auto acked = alice_snap.acks.size();
  flooder.sessions[0]->sendChat("calm again");
  CHECK(alice_rec.waitFor([&](auto& s) { return s.acks.size() > acked; }, kBound));
}
