// Two interconnected parleyd on loopback (docs/interconnect.md): one room
// across both, chat in one order, a cut link with each half chatting and
// clients reconnecting, and the links that must not come up. The firewall
// and the media are the lab's (tests/lab/interconnect_lab.py).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>
#include <tuple>

#include "tests/support/interconnect_pair.h"
#include "tests/support/server_fixture.h"
#include "tests/support/tcp_relay.h"

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

// `user` is in the list `cli` got on joining, or joins later; either way
// marked as on the other server.
bool sees(CliProcess& cli, const std::string& user) {
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

TEST_CASE(
    "while the link is cut each half chats, reconnects lose nothing, and the room rejoins "
    "in one order",
    "[integration][interconnect]") {
  ServerFixture::Options six;
  for (const char* user : {"dave", "erin", "frank"}) {
    six.users[user] = std::string(user) + "-pw";
  }
  ServerFixture outer(six);
  ServerFixture inner(six);
  // Each server dials the other through a relay the test can refuse: a cut
  // between two servers that both stay up.
  std::vector<std::unique_ptr<TcpRelay>> links;
  InterconnectAuth auth;
  auth.dial_via = [&links](std::uint16_t control_port) {
    links.push_back(std::make_unique<TcpRelay>(control_port));
    return links.back()->port();
  };
  interconnect(outer, "outer", inner, "inner", auth);
  outer.start();
  inner.start();
  REQUIRE(waitForLog(outer, "interconnect: linked with inner"));

  CliProcess alice(outer, member("alice", {"before the cut"}));
  CliProcess bob(outer, member("bob", {}));
  CliProcess carol(inner, member("carol", {}));
  const auto chatSaid = [](const std::string& text) {
    return [text](const json& e) { return e.at("text") == text; };
  };
  REQUIRE(sees(alice, "carol"));
  REQUIRE(sees(carol, "alice"));
  REQUIRE(carol.waitForEvent("chat", chatSaid("before the cut")));
  REQUIRE(bob.waitForEvent("chat", chatSaid("before the cut")));

  for (auto& link : links) {
    link->setRefusing(true);
    link->cutAll();
  }
  const auto unreachable = [](const json& e) { return e.at("path") == "unreachable"; };
  REQUIRE(alice.waitForEvent("participant_path", unreachable));
  REQUIRE(carol.waitForEvent("participant_path", unreachable));

  // "inner" keeps the order: outer's half sees its own chat at once, not yet
  // numbered; inner's half chats as before.
  CliProcess dave(outer, member("dave", {"dave during the cut"}));
  CHECK(alice.waitForEvent("chat_pending", chatSaid("dave during the cut")));
  CHECK(bob.waitForEvent("chat_pending", chatSaid("dave during the cut")));
  CliProcess erin(inner, member("erin", {"erin during the cut"}));
  CHECK(carol.waitForEvent("chat", chatSaid("erin during the cut")));

  // Each server restarts during the cut (the link stays down), and every
  // client reconnects: dave's message, held only in outer's memory, comes
  // again from his client, under the same pending id.
  outer.kill9();
  outer.restart();
  inner.kill9();
  inner.restart();
  const auto rejoined = [](CliProcess& cli) {
    return cli.waitForEvent("joined",
                            [&cli](const json&) { return cli.events("joined").size() >= 2; });
  };
  const auto lines = [](CliProcess& cli) {
    std::string out;
    for (const auto& line : cli.linesSoFar()) {
      out += line + "\n";
    }
    return out;
  };
  for (auto* cli : {&alice, &bob, &carol, &dave, &erin}) {
    if (!rejoined(*cli)) {
      FAIL("no rejoin:\n" << lines(*cli));
    }
  }
  // Sent after everyone rejoined, so it reaches alice after whatever was
  // repeated of dave's: she saw his line once.
  CliProcess frank(outer, member("frank", {"frank after the reconnect"}));
  CHECK(alice.waitForEvent("chat_pending", chatSaid("frank after the reconnect")));
  CHECK(alice.events("chat_pending").size() == 2);
  CHECK(dave.events("sent").empty());  // not acknowledged while it has no number

  for (auto& link : links) {
    link->setRefusing(false);
  }
  // The room is whole again: four messages, once each, in one order.
  const auto all = [](CliProcess& cli) {
    return cli.waitForEvent("chat", [&cli](const json&) { return cli.events("chat").size() >= 4; });
  };
  CHECK(all(alice));
  CHECK(all(bob));
  CHECK(all(carol));
  const auto order = chatOrder(carol);
  REQUIRE(order.size() == 4);
  CHECK(chatOrder(alice) == order);
  CHECK(chatOrder(bob) == order);
  for (std::size_t i = 0; i < order.size(); ++i) {
    CHECK(order[i].first == i + 1);
  }
  CHECK(order[1].second == "erin during the cut");  // numbered while outer's waited
  // Each numbered copy names the line alice was shown before it.
  for (const auto& pending : alice.events("chat_pending")) {
    int copies = 0;
    for (const auto& c : alice.events("chat")) {
      copies += c.at("replaces_pending_id") == pending.at("pending_id") ? 1 : 0;
    }
    CHECK(copies == 1);
  }
  CHECK(carol.events("chat_pending").empty());  // its server keeps the order
  CHECK(dave.waitForEvent("sent"));
  CHECK(frank.waitForEvent("sent"));
  for (auto* cli : {&alice, &bob, &carol, &dave, &erin, &frank}) {
    cli->stop();
  }
}

TEST_CASE("three servers, each linked with the other two: one room, one chat order",
          "[integration][interconnect]") {
  ServerFixture alpha;
  ServerFixture bravo;
  ServerFixture charlie;
  interconnectMesh({{&alpha, "alpha"}, {&bravo, "bravo"}, {&charlie, "charlie"}});
  for (auto* server : {&alpha, &bravo, &charlie}) {
    server->start();
  }
  // "alpha" keeps the order of every room: the lowest name of the three.
  REQUIRE(waitForLog(bravo, "chat order kept by alpha"));
  REQUIRE(waitForLog(charlie, "chat order kept by alpha"));
  for (const auto& [server, a, b] :
       {std::tuple{&alpha, "bravo", "charlie"}, std::tuple{&bravo, "alpha", "charlie"},
        std::tuple{&charlie, "alpha", "bravo"}}) {
    REQUIRE(waitForLog(*server, std::string("interconnect: linked with ") + a));
    REQUIRE(waitForLog(*server, std::string("interconnect: linked with ") + b));
  }

  CliProcess alice(alpha, member("alice", {"from alpha"}));
  CliProcess bob(bravo, member("bob", {"from bravo"}));
  CliProcess carol(charlie, member("carol", {"from charlie"}));
  CHECK(sees(alice, "bob"));
  CHECK(sees(alice, "carol"));
  CHECK(sees(bob, "carol"));  // a participant of a third server, learnt from it
  CHECK(sees(carol, "bob"));
  const auto three = [](CliProcess& cli) {
    return cli.waitForEvent("chat", [&cli](const json&) { return cli.events("chat").size() >= 3; });
  };
  CHECK(three(alice));
  CHECK(three(bob));
  CHECK(three(carol));
  const auto order = chatOrder(alice);
  REQUIRE(order.size() == 3);
  CHECK(chatOrder(bob) == order);
  CHECK(chatOrder(carol) == order);
  for (std::size_t i = 0; i < order.size(); ++i) {
    CHECK(order[i].first == i + 1);
  }
  for (auto* cli : {&alice, &bob, &carol}) {
    CHECK(cli->waitForEvent("sent"));
    // Each of the others once: never again through a third server.
    for (const char* user : {"alice", "bob", "carol"}) {
      int joins = 0;
      for (const auto& e : cli->events("participant_joined")) {
        joins += e.at("user") == user ? 1 : 0;
      }
      CHECK(joins <= 1);
    }
  }
  for (auto* cli : {&alice, &bob, &carol}) {
    cli->stop();
  }
}
