// Two ICE agents in one process, gathering only on loopback (named in the
// allow list), trickle candidates to each other through the test (as the
// server would), connect, and carry datagrams both ways. Then a stranger's
// malformed candidate is refused, and an agent is destroyed while checking.

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "net/ice/ice_agent.h"
#include "net/ice/local_interfaces.h"

using namespace parley;
using namespace parley::net;
using namespace std::chrono_literals;

namespace {

// What one agent's callbacks reported, read by the test thread. Callbacks
// must not call into the other agent (each would wait for the other's loop).
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> candidates;
  bool gathering_done = false;
  IceState state = IceState::New;
  std::optional<IceSelectedPair> pair;
  std::vector<std::string> datagrams;

  IceEvents events() {
    IceEvents e;
    e.on_candidate = [this](std::string c) { push([&] { candidates.push_back(std::move(c)); }); };
    e.on_gathering_done = [this] { push([&] { gathering_done = true; }); };
    e.on_state = [this](IceState s) { push([&] { state = s; }); };
    e.on_selected_pair = [this](IceSelectedPair p) { push([&] { pair = std::move(p); }); };
    e.on_datagram = [this](std::span<const std::byte> d) {
      push([&] { datagrams.emplace_back(reinterpret_cast<const char*>(d.data()), d.size()); });
    };
    return e;
  }
  template <typename F>
  void push(F f) {
    {
      std::lock_guard lock(mu);
      f();
    }
    cv.notify_all();
  }
  std::deque<std::string> takeCandidates() {
    std::lock_guard lock(mu);
    return std::exchange(candidates, {});
  }
};

IceAgentConfig loopbackConfig(bool controlling) {
  IceAgentConfig config;
  config.controlling = controlling;
  InterfacePolicy policy;
  policy.allow = {"lo"};
  policy.ipv6 = false;
  for (const auto& address : selectHostAddresses(listLocalInterfaceAddresses(), policy)) {
    config.host_addresses.push_back(address);
  }
  return config;
}

std::span<const std::byte> bytes(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

// Forwards candidates both ways until `done` holds or 10 s pass.
template <typename Done>
bool exchangeUntil(IceAgent& a, Inbox& a_in, IceAgent& b, Inbox& b_in, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool a_done_sent = false;
  bool b_done_sent = false;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& c : a_in.takeCandidates()) {
      REQUIRE(b.addRemoteCandidate(c));
    }
    for (const auto& c : b_in.takeCandidates()) {
      REQUIRE(a.addRemoteCandidate(c));
    }
    {
      std::unique_lock lock(a_in.mu);
      if (a_in.gathering_done && !a_done_sent) {
        a_done_sent = true;
        lock.unlock();
        b.remoteGatheringDone();
      }
    }
    {
      std::unique_lock lock(b_in.mu);
      if (b_in.gathering_done && !b_done_sent) {
        b_done_sent = true;
        lock.unlock();
        a.remoteGatheringDone();
      }
    }
    if (done()) {
      return true;
    }
    std::unique_lock lock(a_in.mu);
    a_in.cv.wait_for(lock, 20ms);
  }
  return false;
}

}  // namespace

TEST_CASE("two agents on loopback connect and carry datagrams both ways") {
  Inbox a_in;
  Inbox b_in;
  auto a_config = loopbackConfig(true);
  REQUIRE_FALSE(a_config.host_addresses.empty());
  auto a = *IceAgent::create(a_config, a_in.events());
  auto b = *IceAgent::create(loopbackConfig(false), b_in.events());
  REQUIRE(a->setRemoteCredentials(b->localCredentials()));
  REQUIRE(b->setRemoteCredentials(a->localCredentials()));
  REQUIRE(a->gather());
  REQUIRE(b->gather());

  const auto connected = [&] {
    std::scoped_lock lock(a_in.mu, b_in.mu);
    return a_in.state == IceState::Connected && b_in.state == IceState::Connected &&
           a_in.pair.has_value();
  };
  REQUIRE(exchangeUntil(*a, a_in, *b, b_in, connected));
  {
    std::lock_guard lock(a_in.mu);
    CHECK(a_in.pair->local == IceCandidateType::Host);
    CHECK_FALSE(a_in.pair->relayed());
    CHECK(a_in.pair->remote_address.starts_with("127."));
  }

  const auto received = [&] {
    std::scoped_lock lock(a_in.mu, b_in.mu);
    return !a_in.datagrams.empty() && !b_in.datagrams.empty();
  };
  // The first sends may race the peer's own Connected; a few tries, bounded.
  for (int i = 0; i < 50 && !received(); ++i) {
    CHECK(a->send(bytes("hello from a")));
    CHECK(b->send(bytes("hello from b")));
    std::this_thread::sleep_for(20ms);
  }
  std::scoped_lock lock(a_in.mu, b_in.mu);
  REQUIRE_FALSE(b_in.datagrams.empty());
  REQUIRE_FALSE(a_in.datagrams.empty());
  CHECK(b_in.datagrams.front() == "hello from a");
  CHECK(a_in.datagrams.front() == "hello from b");
}

TEST_CASE("an agent refuses malformed remote input and needs an address") {
  Inbox in;
  auto agent = *IceAgent::create(loopbackConfig(true), in.events());
  CHECK(agent->addRemoteCandidate("candidate:1 1 UDP 1 evil.example 9 typ host").error().code ==
        ErrorCode::IceCandidateInvalid);
  CHECK_FALSE(agent->setRemoteCredentials({"x", "y"}));
  CHECK_FALSE(agent->send(bytes("not connected")));
  CHECK(agent->state() == IceState::New);

  const auto none = IceAgent::create(IceAgentConfig{}, IceEvents{});
  REQUIRE_FALSE(none);
  CHECK(none.error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("hiding local addresses offers no host candidate") {
  Inbox in;
  auto config = loopbackConfig(true);
  config.offer_host_candidates = false;
  auto agent = *IceAgent::create(config, in.events());
  REQUIRE(agent->gather());
  std::unique_lock lock(in.mu);
  REQUIRE(in.cv.wait_for(lock, 10s, [&] { return in.gathering_done; }));
  CHECK(in.candidates.empty());
}

TEST_CASE("an agent destroyed while checking stops without a callback after") {
  Inbox a_in;
  Inbox b_in;
  auto a = *IceAgent::create(loopbackConfig(true), a_in.events());
  REQUIRE(a->setRemoteCredentials({"abcd", "0123456789abcdefghijkl"}));
  REQUIRE(a->gather());
  // A peer that never answers: checks go out to a port nobody listens on.
  REQUIRE(a->addRemoteCandidate("candidate:1 1 UDP 2013266431 127.0.0.1 9 typ host"));
  a.reset();
  SUCCEED("destroyed while checking");
}
