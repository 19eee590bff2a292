// Two interconnected parleyd on loopback (docs/interconnect.md): one room
// across both, chat in one order, and the links that must not come up. The
// firewall, the cut and the media are the lab's (tests/lab/interconnect_lab.py).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/interconnect_pair.h"
#include "tests/support/server_fixture.h"

using namespace parley::test;
using nlohmann::json;

namespace {

bool waitForLog(ServerFixture& server, const std::string& needle,
                std::chrono::seconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (server.log().find(needle) != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::vector<std::pair<std::uint64_t, std::string>> chatOrder(CliProcess& cli) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  for (const auto& c : cli.events("chat")) {
    out.emplace_back(c.at("seq").get<std::uint64_t>(), c.at("text").get<std::string>());
  }
  return out;
}

CliOptions member(const std::string& user, std::vector<std::string> say) {
  CliOptions o;
  o.user = user;
  o.password = user + "-pw";
  o.room = "bridge";
  o.say = std::move(say);
  o.for_seconds = CliOptions::kUntilStopped;
  return o;
}

}  // namespace

TEST_CASE("a room spans two interconnected servers: everyone, one chat order",
          "[integration][interconnect]") {
  ServerFixture outer;
  ServerFixture inner;
  interconnect(outer, "outer", inner, "inner");
  outer.start();
  inner.start();
  REQUIRE(waitForLog(outer, "interconnect: linked with inner"));
  REQUIRE(waitForLog(inner, "interconnect: linked with outer"));

  CliProcess alice(outer, member("alice", {"one from alice", "two from alice"}));
  REQUIRE(alice.waitForEvent("joined"));
  CliProcess bob(inner, member("bob", {"one from bob", "two from bob"}));
  CliProcess carol(inner, member("carol", {}));
  // In the list it got on joining, or joining later; either way marked as
  // on the other server.
  const auto sees = [](CliProcess& cli, const std::string& user) {
    if (!cli.waitForEvent("joined")) {
      return false;
    }
    const auto joined = cli.events("joined");
    for (const auto& p : joined.front().at("participants")) {
      if (p.at("user") == user) {
        return p.at("path") == "via interconnect";
      }
    }
    return cli.waitForEvent("participant_joined", [&](const json& e) {
      return e.at("user") == user && e.at("path") == "via interconnect";
    });
  };
  CHECK(sees(alice, "bob"));
  CHECK(sees(alice, "carol"));
  CHECK(sees(carol, "alice"));
  // Four messages from two servers: everyone has the same four, numbered
  // 1-4 by the server that keeps the order ("inner" < "outer").
  for (auto* cli : {&alice, &bob, &carol}) {
    REQUIRE(cli->waitForEvent("chat", [](const json&) { return true; }));
  }
  const auto four = [](CliProcess& cli) {
    return cli.waitForEvent("chat", [&cli](const json&) { return cli.events("chat").size() >= 4; });
  };
  CHECK(four(alice));
  CHECK(four(bob));
  CHECK(four(carol));
  const auto order = chatOrder(carol);
  INFO(alice.linesSoFar().size());
  CHECK(order.size() == 4);
  CHECK(chatOrder(alice) == order);
  CHECK(chatOrder(bob) == order);
  for (std::size_t i = 0; i < order.size(); ++i) {
    CHECK(order[i].first == i + 1);
  }
  // Alice's own two are acknowledged by outer once inner numbered them.
  CHECK(alice.waitForEvent("sent",
                           [&alice](const json&) { return alice.events("sent").size() >= 2; }));
  alice.stop();
  // Her leaving reaches the other server.
  CHECK(carol.waitForEvent("participant_left",
                           [](const json& e) { return e.at("user") == "alice"; }));
  bob.stop();
  carol.stop();
}

TEST_CASE("interconnected servers may authenticate by certificate alone",
          "[integration][interconnect]") {
  ServerFixture outer;
  ServerFixture inner;
  InterconnectAuth auth;
  auth.secret_at_a.clear();
  auth.secret_at_b.clear();
  auth.certificate_at_a = inner.dir() + "/server.crt";
  auth.certificate_at_b = outer.dir() + "/server.crt";
  interconnect(outer, "outer", inner, "inner", auth);
  outer.start();
  inner.start();
  CHECK(waitForLog(outer, "interconnect: linked with inner"));
  CHECK(waitForLog(inner, "interconnect: linked with outer"));
}

TEST_CASE("a peer with the wrong secret or certificate is refused", "[integration][interconnect]") {
  ServerFixture outer;
  ServerFixture inner;
  InterconnectAuth auth;
  SECTION("secret") { auth.secret_at_b = "another-secret-of-forty-characters-000000"; }
  SECTION("certificate") {
    // Inner expects outer to show inner's own certificate: outer cannot.
    auth.secret_at_a.clear();
    auth.secret_at_b.clear();
    auth.certificate_at_a = inner.dir() + "/server.crt";
    auth.certificate_at_b = inner.dir() + "/server.crt";
  }
  interconnect(outer, "outer", inner, "inner", auth);
  outer.start();
  inner.start();
  // Both dial; each refuses the other (or is refused), and keeps trying.
  CHECK(waitForLog(inner, "interconnect: refused a link"));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  INFO(outer.log());
  INFO(inner.log());
  CHECK(outer.log().find("interconnect: linked with") == std::string::npos);
  CHECK(inner.log().find("interconnect: linked with") == std::string::npos);
}
