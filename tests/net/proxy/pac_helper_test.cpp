// Every PAC helper function, evaluated through the real parley-pac-helper
// process (PARLEY_PAC_HELPER), plus the helper's failure modes: a script that
// throws, loops forever or allocates without end.

#ifndef _WIN32
#include <signal.h>
#include <sys/wait.h>
#endif

#include <optional>

#include <asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "net/proxy/pac_evaluator.h"
#include "net/proxy/pac_result.h"

using parley::Result;
using parley::net::evaluatePac;
using parley::net::PacEvaluatorOptions;

namespace {

// 2026-11-23 (a Monday) 10:30:15 UTC, in ms since the epoch.
constexpr const char* kMonday1030 = "PARLEY_PAC_NOW=1795429815000";

// The parent's bound for tests that are not about it: only for a broken
// helper, far above any run's time to start the (sanitized) helper and
// evaluate, and far above the helper's own 2 s CPU limit.
constexpr std::chrono::milliseconds kBound = std::chrono::seconds(60);

Result<std::string> run(const std::string& script, std::vector<std::string> env = {},
                        std::chrono::milliseconds timeout = kBound,
                        const std::string& host = "conf.example.com") {
  asio::io_context io;
  PacEvaluatorOptions options;
  options.helper_path = PARLEY_PAC_HELPER;
  options.timeout = timeout;
  env.push_back("TZ=UTC");
  options.extra_env = std::move(env);
  std::optional<Result<std::string>> out;
  auto eval = evaluatePac(io.get_executor(), options, script, "https://" + host + ":443/", host,
                          [&](Result<std::string> r) { out = std::move(r); });
  io.run();
  REQUIRE(out.has_value());
  return std::move(*out);
}

// Evaluates `expr` (a JS expression) and returns String(expr).
std::string eval(const std::string& expr, std::vector<std::string> env = {}) {
  const auto r =
      run("function FindProxyForURL(url, host) { return String(" + expr + "); }", std::move(env));
  INFO(expr);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("PAC helper: FindProxyForURL gets the URL and host") {
  const auto r =
      run("function FindProxyForURL(url, host) { return 'PROXY ' + host + ':1; ' + url; }");
  REQUIRE(r);
  CHECK(*r == "PROXY conf.example.com:1; https://conf.example.com:443/");
}

TEST_CASE("PAC helper: host name functions") {
  CHECK(eval("isPlainHostName('www')") == "true");
  CHECK(eval("isPlainHostName('www.example.com')") == "false");
  CHECK(eval("dnsDomainIs('www.example.com', '.example.com')") == "true");
  CHECK(eval("dnsDomainIs('www', '.example.com')") == "false");
  CHECK(eval("localHostOrDomainIs('www.example.com', 'www.example.com')") == "true");
  CHECK(eval("localHostOrDomainIs('www', 'www.example.com')") == "true");
  CHECK(eval("localHostOrDomainIs('www.other.com', 'www.example.com')") == "false");
  CHECK(eval("dnsDomainLevels('www')") == "0");
  CHECK(eval("dnsDomainLevels('www.example.com')") == "2");
  CHECK(eval("shExpMatch('http://home.example.com/x', '*/x')") == "true");
  CHECK(eval("shExpMatch('conf.example.com', '*.example.com')") == "true");
  CHECK(eval("shExpMatch('conf.exampleXcom', '*.example.com')") == "false");
  CHECK(eval("shExpMatch('ab', 'a?')") == "true");
  CHECK(eval("shExpMatch('a(b', 'a(?')") == "true");
}

TEST_CASE("PAC helper: resolution functions (loopback names only)") {
  CHECK(eval("dnsResolve('localhost')") == "127.0.0.1");
  CHECK(eval("dnsResolve('no-such-host.invalid')") == "null");
  CHECK(eval("isResolvable('localhost')") == "true");
  CHECK(eval("isResolvable('no-such-host.invalid')") == "false");
  CHECK(eval("isResolvableEx('no-such-host.invalid')") == "false");
  CHECK(eval("dnsResolveEx('127.0.0.1')") == "127.0.0.1");
  CHECK(eval("dnsResolveEx('no-such-host.invalid')") == "");
  CHECK(eval("isInNet('127.0.0.1', '127.0.0.0', '255.0.0.0')") == "true");
  CHECK(eval("isInNet('localhost', '127.0.0.0', '255.0.0.0')") == "true");
  CHECK(eval("isInNet('10.1.2.3', '10.1.0.0', '255.255.0.0')") == "true");
  CHECK(eval("isInNet('10.2.2.3', '10.1.0.0', '255.255.0.0')") == "false");
  CHECK(eval("isInNet('192.168.1.200', '192.168.1.128', '255.255.255.128')") == "true");
  CHECK(eval("isInNet('no-such-host.invalid', '10.0.0.0', '255.0.0.0')") == "false");
  CHECK(eval("isInNetEx('10.1.2.3', '10.0.0.0/8')") == "true");
  CHECK(eval("isInNetEx('fd00::1', 'fd00::/8')") == "true");
  CHECK(eval("isInNetEx('fe80::1', 'fd00::/8')") == "false");
  CHECK(eval("isInNetEx('10.1.2.3', 'fd00::/8')") == "false");
  CHECK(eval("isInNetEx('10.1.2.3', 'garbage')") == "false");
  const std::string me = eval("myIpAddress()");
  CHECK(me.find('.') != std::string::npos);  // an IPv4 address, 127.0.0.1 at worst
  const std::string all = eval("typeof myIpAddressEx()");
  CHECK(all == "string");
  CHECK(eval("sortIpAddressList('10.0.0.2;::1;10.0.0.1;fd00::1')") ==
        "::1;fd00::1;10.0.0.1;10.0.0.2");
  CHECK(eval("sortIpAddressList('10.0.0.2;nonsense')") == "false");
  CHECK(eval("getClientVersion()") == "1.0");
}

TEST_CASE("PAC helper: weekdayRange, dateRange, timeRange at a fixed time") {
  const std::vector<std::string> env{kMonday1030};
  CHECK(eval("weekdayRange('MON')", env) == "true");
  CHECK(eval("weekdayRange('TUE')", env) == "false");
  CHECK(eval("weekdayRange('MON', 'FRI')", env) == "true");
  CHECK(eval("weekdayRange('TUE', 'FRI')", env) == "false");
  CHECK(eval("weekdayRange('SAT', 'MON')", env) == "true");  // wraps over the week end
  CHECK(eval("weekdayRange('MON', 'GMT')", env) == "true");
  CHECK(eval("dateRange(23)", env) == "true");
  CHECK(eval("dateRange(24)", env) == "false");
  CHECK(eval("dateRange('NOV')", env) == "true");
  CHECK(eval("dateRange(2026)", env) == "true");
  CHECK(eval("dateRange(2025)", env) == "false");
  CHECK(eval("dateRange(1, 31)", env) == "true");
  CHECK(eval("dateRange('OCT', 'DEC')", env) == "true");
  CHECK(eval("dateRange('DEC', 'FEB')", env) == "false");
  CHECK(eval("dateRange('NOV', 'JAN')", env) == "true");  // wraps over the year end
  CHECK(eval("dateRange(20, 'NOV', 25, 'NOV')", env) == "true");
  CHECK(eval("dateRange(24, 'NOV', 25, 'DEC')", env) == "false");
  CHECK(eval("dateRange('NOV', 2026, 'DEC', 2026)", env) == "true");
  CHECK(eval("dateRange(1, 'JAN', 2026, 31, 'DEC', 2026)", env) == "true");
  CHECK(eval("dateRange(1, 'JAN', 2027, 31, 'DEC', 2027)", env) == "false");
  CHECK(eval("dateRange(23, 'GMT')", env) == "true");
  CHECK(eval("timeRange(10)", env) == "true");
  CHECK(eval("timeRange(11)", env) == "false");
  CHECK(eval("timeRange(9, 17)", env) == "true");
  CHECK(eval("timeRange(11, 17)", env) == "false");
  CHECK(eval("timeRange(22, 11)", env) == "true");  // over midnight
  CHECK(eval("timeRange(10, 30, 10, 31)", env) == "true");
  CHECK(eval("timeRange(10, 31, 11, 0)", env) == "false");
  CHECK(eval("timeRange(10, 30, 15, 10, 30, 15)", env) == "true");
  CHECK(eval("timeRange(10, 30, 16, 10, 30, 20)", env) == "false");
  CHECK(eval("timeRange(0, 24, 'GMT')", env) == "true");
  // Without a fixed clock, ranges covering everything are still true.
  CHECK(eval("weekdayRange('SUN', 'SAT') && dateRange(1, 31) && timeRange(0, 0, 23, 59)") ==
        "true");
}

TEST_CASE("PAC helper: FindProxyForURLEx is preferred when defined") {
  const auto r =
      run("function FindProxyForURL(u, h) { return 'PROXY old:1'; }\n"
          "function FindProxyForURLEx(u, h) { return 'PROXY new:2'; }");
  REQUIRE(r);
  CHECK(*r == "PROXY new:2");
}

TEST_CASE("PAC helper: a multi-proxy answer yields several proxies in order") {
  const auto r =
      run("function FindProxyForURL(u, h) {\n"
          "  if (dnsDomainIs(h, '.example.com')) return 'PROXY p1:3128; SOCKS5 s:1080; PROXY "
          "p2:8080';\n"
          "  return 'DIRECT';\n"
          "}");
  REQUIRE(r);
  const auto parsed = parley::net::parsePacResult(*r);
  REQUIRE(parsed);
  REQUIRE(parsed->proxies.size() == 3);
  CHECK(parsed->proxies[0].host == "p1");
  CHECK(parsed->proxies[1].host == "s");
  CHECK(parsed->proxies[1].kind == parley::net::ProxyKind::Socks5);
  CHECK(parsed->proxies[2].host == "p2");
  CHECK_FALSE(parsed->direct);
}

TEST_CASE("PAC helper: failures are errors, never answers") {
  struct Case {
    const char* name;
    const char* script;
  };
  const Case cases[] = {
      {"throws", "function FindProxyForURL(u, h) { throw new Error('boom'); }"},
      {"throws while loading", "throw 'early';"},
      {"syntax error", "function FindProxyForURL(u, h) { return 'DIRECT' "},
      {"no FindProxyForURL", "var x = 1;"},
      {"not a string", "function FindProxyForURL(u, h) { return 42; }"},
      {"empty script", ""},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const auto r = run(c.script);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == parley::ErrorCode::PacFailed);
  }
}

TEST_CASE("PAC helper: an endless loop is killed by the parent's timeout") {
  // 500 ms of wall time cannot hold the helper's 2 s of CPU, so the parent's
  // bound always comes first, whatever the speed.
  const auto r =
      run("function FindProxyForURL(u, h) { for (;;) {} }", {}, std::chrono::milliseconds(500));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::ErrorCode::PacFailed);
  CHECK(r.error().detail.find("within 500 ms and was killed") != std::string::npos);
}

TEST_CASE("PAC helper: an endless loop also hits the helper's own CPU limit") {
  // Parent timeout (kBound) far above the helper's 2 s CPU limit.
  const auto r = run("function FindProxyForURL(u, h) { for (;;) {} }");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::ErrorCode::PacFailed);
#ifdef _WIN32
  // The Job object's CPU limit, or the helper's own 10 s watchdog where the
  // limit is not enforced (Wine).
  CHECK(r.error().detail.find("limit") != std::string::npos);
#else
  CHECK(r.error().detail.find("signal") != std::string::npos);
#endif
}

TEST_CASE("PAC helper: endless allocation fails") {
  const auto r =
      run("function FindProxyForURL(u, h) { var a = []; for (;;) { a.push({n: a.length}); } }");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::ErrorCode::PacFailed);
}

#ifndef _WIN32  // held with SIGSTOP; Windows: tests/windows/subprocess_wine_test.cpp
TEST_CASE("PAC helper: destroying the evaluation kills and reaps the helper") {
  asio::io_context io;
  PacEvaluatorOptions options;
  options.helper_path = PARLEY_PAC_HELPER;
  options.timeout = kBound;
  bool called = false;
  auto eval = evaluatePac(io.get_executor(), options, "function FindProxyForURL(u,h){for(;;){}}",
                          "https://h:443/", "h", [&](auto) { called = true; });
  const int pid = eval->pidForTest();
  REQUIRE(pid > 0);
  // Stopped, the helper cannot reach its CPU limit and end on its own before
  // the reset, however long this thread is kept from running; SIGKILL still
  // ends it.
  ::kill(pid, SIGSTOP);
  io.run_for(std::chrono::milliseconds(50));
  eval.reset();
  io.run();
  CHECK_FALSE(called);
  // Reaped: the PID is no longer our child.
  CHECK(::waitpid(pid, nullptr, WNOHANG) == -1);
}
#endif

TEST_CASE("PAC helper: a missing helper is an error") {
  asio::io_context io;
  PacEvaluatorOptions options;
  options.helper_path = "/nonexistent/parley-pac-helper";
  std::optional<Result<std::string>> out;
  auto eval = evaluatePac(io.get_executor(), options, "", "https://h:443/", "h",
                          [&](Result<std::string> r) { out = std::move(r); });
  io.run();
  REQUIRE(out);
  CHECK_FALSE(*out);
}
