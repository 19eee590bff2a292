// The race on virtual time, driven by a table of cases (in the spirit of
// curl's unit2600): routes, per-attempt scripts, expected winner, how many
// attempts were started and cancelled, and when the race ended.

#include "net/connect/connection_racer.h"

#include <catch2/catch.hpp>

#include "tests/fakes/fake_race_environment.h"

using namespace std::chrono_literals;
using parley::ErrorCode;
using parley::net::AttemptEvent;
using parley::net::ConnectionRacer;
using parley::net::ProxyKind;
using parley::net::ProxyServer;
using parley::net::RaceWin;
using parley::net::Route;
using parley::testing::FakeAttemptFactory;
using parley::testing::FakeResolver;
using parley::testing::FakeScheduler;
using Script = FakeAttemptFactory::Script;

namespace {

constexpr const char* kServer = "parley.example";

Route direct(std::uint16_t port) { return Route{std::nullopt, port}; }
Route proxy(ProxyKind kind, const std::string& host, std::uint16_t port, std::uint16_t to) {
  ProxyServer p;
  p.kind = kind;
  p.host = host;
  p.port = port;
  return Route{p, to};
}

struct Case {
  const char* name;
  std::vector<Route> routes;
  std::vector<std::pair<std::string, FakeResolver::Answer>> names;
  std::vector<std::pair<std::string, Script>> scripts;
  std::string winner;  // "<route>@<address>", or "" when the race must fail
  std::size_t started;
  int cancelled;
  std::chrono::milliseconds ended_at;
  ErrorCode failure = ErrorCode::Ok;
};

struct Outcome {
  bool done = false;
  parley::Result<RaceWin> result = parley::makeError(ErrorCode::Internal, "not finished");
  std::vector<AttemptEvent> events;
  std::chrono::milliseconds at{0};
};

Outcome runRace(FakeScheduler& scheduler, FakeResolver& resolver, FakeAttemptFactory& factory,
                const std::vector<Route>& routes, std::chrono::milliseconds run_for = 60s,
                parley::net::RaceOptions options = {}) {
  Outcome out;
  {
    ConnectionRacer racer(scheduler, resolver, factory, kServer, options);
    for (const auto& r : routes) {
      racer.addRoute(r);
    }
    racer.noMoreRoutes();
    racer.start([&](const AttemptEvent& e) { out.events.push_back(e); },
                [&](parley::Result<RaceWin> r) {
                  out.done = true;
                  out.result = std::move(r);
                  out.at = scheduler.sinceStart();
                });
    scheduler.runFor(run_for);
  }
  scheduler.runFor(1ms);  // the racer is gone: nothing may fire
  return out;
}

}  // namespace

TEST_CASE("race table: first full handshake wins, losers cancelled, failures aggregated") {
  const std::vector<Case> cases = {
      {"direct 443 is fastest",
       {direct(443), direct(5228)},
       {{kServer, {5ms, {"10.0.0.1"}}}},
       {{"direct:443@10.0.0.1", {10ms, 30ms}}, {"direct:5228@10.0.0.1", {10ms, 50ms}}},
       "direct:443@10.0.0.1",
       2,
       1,
       35ms,
       ErrorCode::Ok},
      {"5228 silently dropped does not delay 443",
       {direct(443), direct(5228)},
       {{kServer, {0ms, {"10.0.0.1"}}}},
       {{"direct:443@10.0.0.1", {10ms, 40ms}}},
       "direct:443@10.0.0.1",
       2,
       1,
       40ms,
       ErrorCode::Ok},
      {"TCP alone does not win: the path whose handshake finishes does",
       {direct(443), proxy(ProxyKind::Http, "web-proxy", 8088, 443)},
       {{kServer, {0ms, {"10.0.0.1"}}}, {"web-proxy", {0ms, {"10.0.0.9"}}}},
       // A TCP-terminating box answers TCP at once but never speaks TLS.
       {{"direct:443@10.0.0.1", {1ms, -1ms}}, {"http web-proxy:8088@10.0.0.9", {5ms, 80ms}}},
       "http web-proxy:8088@10.0.0.9",
       2,
       1,
       80ms,
       ErrorCode::Ok},
      {"only SOCKS5 works",
       {direct(443), direct(5228), proxy(ProxyKind::Socks5, "socks-server", 1080, 5228)},
       {{kServer, {0ms, {"10.0.0.1"}}}, {"socks-server", {0ms, {"10.0.0.7"}}}},
       {{"direct:443@10.0.0.1", {-1ms, 20ms, ErrorCode::ConnectionRefused, "refused"}},
        {"direct:5228@10.0.0.1", {-1ms, 20ms, ErrorCode::ConnectionRefused, "refused"}},
        {"socks5 socks-server:1080@10.0.0.7", {3ms, 60ms}}},
       "socks5 socks-server:1080@10.0.0.7",
       3,
       0,
       60ms,
       ErrorCode::Ok},
      {"Happy Eyeballs: dead IPv6 first, IPv4 starts 250 ms later and wins",
       {direct(443)},
       {{kServer, {0ms, {"2001:db8::1", "10.0.0.1"}}}},
       {{"direct:443@10.0.0.1", {5ms, 30ms}}},
       "direct:443@10.0.0.1",
       2,
       1,
       280ms,
       ErrorCode::Ok},
      {"Happy Eyeballs: a refused IPv6 starts IPv4 at once",
       {direct(443)},
       {{kServer, {0ms, {"2001:db8::1", "10.0.0.1"}}}},
       {{"direct:443@2001:db8::1", {-1ms, 10ms, ErrorCode::ConnectionRefused, "refused"}},
        {"direct:443@10.0.0.1", {5ms, 30ms}}},
       "direct:443@10.0.0.1",
       2,
       0,
       40ms,
       ErrorCode::Ok},
      {"a proxy name that does not resolve fails that route only",
       {direct(443), proxy(ProxyKind::Http, "web-proxy", 8088, 443)},
       {{kServer, {0ms, {"10.0.0.1"}}}},
       {{"direct:443@10.0.0.1", {5ms, 30ms}}},
       "direct:443@10.0.0.1",
       1,
       0,
       30ms,
       ErrorCode::Ok},
      {"everything fails: one error naming each route",
       {direct(443), proxy(ProxyKind::Http, "web-proxy", 8088, 443)},
       {{kServer, {0ms, {"10.0.0.1"}}}, {"web-proxy", {0ms, {"10.0.0.9"}}}},
       {{"direct:443@10.0.0.1", {-1ms, 20ms, ErrorCode::ConnectionRefused, "refused"}},
        {"http web-proxy:8088@10.0.0.9",
         {-1ms, 30ms, ErrorCode::ProxyAuthRequired, "407 Basic realm=\"Corp\""}}},
       "",
       2,
       0,
       30ms,
       ErrorCode::ProxyAuthRequired},
      {"TLS inspection outranks every other failure",
       {direct(443), proxy(ProxyKind::Http, "web-proxy", 8088, 443)},
       {{kServer, {0ms, {"10.0.0.1"}}}, {"web-proxy", {0ms, {"10.0.0.9"}}}},
       {{"direct:443@10.0.0.1", {-1ms, 20ms, ErrorCode::TimedOut, "no answer"}},
        {"http web-proxy:8088@10.0.0.9",
         {-1ms, 30ms, ErrorCode::TlsInspection, "issued by Evil Proxy CA"}}},
       "",
       2,
       0,
       30ms,
       ErrorCode::TlsInspection},
      {"silence everywhere: the race ends at its bound",
       {direct(443), direct(5228)},
       {{kServer, {0ms, {"10.0.0.1"}}}},
       {},
       "",
       2,
       2,
       30000ms,
       ErrorCode::AllAttemptsFailed},
  };

  for (const auto& c : cases) {
    SECTION(c.name) {
      FakeScheduler scheduler;
      FakeResolver resolver(scheduler);
      FakeAttemptFactory factory(scheduler);
      for (const auto& [host, answer] : c.names) {
        resolver.set(host, answer);
      }
      for (const auto& [key, script] : c.scripts) {
        factory.set(key, script);
      }
      Outcome out = runRace(scheduler, resolver, factory, c.routes);
      INFO(c.name);
      REQUIRE(out.done);
      if (c.winner.empty()) {
        REQUIRE_FALSE(out.result);
        CHECK(out.result.error().code == c.failure);
        // Every route is named in the one error.
        for (const auto& r : c.routes) {
          CHECK(out.result.error().detail.find(r.describe()) != std::string::npos);
        }
      } else {
        REQUIRE(out.result);
        const RaceWin& win = out.result.value();
        CHECK(win.route.describe() + "@" + win.connected.address == c.winner);
        bool found = false;
        for (const auto& e : out.events) {
          if (e.id == win.attempt_id && e.stage == AttemptEvent::Stage::HelloDone) {
            found = true;
          }
        }
        CHECK(found);
      }
      CHECK(factory.started.size() == c.started);
      CHECK(factory.destroyed == c.cancelled);
      CHECK(factory.live == 0);  // nothing outlives the race
      CHECK(out.at == c.ended_at);
      CHECK(scheduler.pending() == 0);
    }
  }
}
