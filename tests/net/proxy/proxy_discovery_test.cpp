// PAC fetching against a local HTTP server (including an endless and an
// oversized body), WPAD through a DHCP lease file, and ProxyDiscovery end to
// end with manual + environment + pac_url. Loopback only.

#include "net/proxy/proxy_discovery.h"

#ifndef _WIN32
#include <signal.h>
#include <sys/wait.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "net/proxy/pac_fetch.h"
#include "net/proxy/proxy_source.h"
#include "parley_test_paths.h"
#include "tests/net/proxy/pac_http_server.h"
#include "tests/support/test_env.h"

using namespace parley::net;  // NOLINT(google-build-using-namespace)
using parley::ErrorCode;
using parley::Result;
using parley::test::PacHttpServer;

namespace {

constexpr const char* kPac =
    "function FindProxyForURL(url, host) {\n"
    "  if (dnsDomainIs(host, '.example.com'))\n"
    "    return 'PROXY pac-proxy:3128; SOCKS5 pac-socks:1080; DIRECT';\n"
    "  return 'DIRECT';\n"
    "}\n";

// Bounds for tests that are not about them: only for a broken fetch or
// helper, far above any run's time (the PAC helper is a sanitized program
// that a loaded machine may take seconds to start).
constexpr std::chrono::milliseconds kBound = std::chrono::seconds(60);

// Settings whose overall discovery bound is kBound (the default, 8 s, is a
// product choice that a slow run could reach). The PAC evaluation stays
// bounded by min(timeout, 5 s) in ProxyDiscovery, which a test cannot raise.
ProxySettings untimedSettings() {
  ProxySettings settings;
  settings.timeout = kBound;
  return settings;
}

#ifndef _WIN32
// PIDs of this process's children that run the PAC helper.
std::vector<pid_t> helperChildren() {
  namespace fs = std::filesystem;
  std::vector<pid_t> out;
  std::error_code ec;
  const fs::path helper = fs::canonical(PARLEY_PAC_HELPER, ec);
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream stat(it->path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto paren = line.rfind(')');
    if (paren == std::string::npos || paren + 2 > line.size()) {
      continue;
    }
    std::istringstream fields(line.substr(paren + 2));
    char state = 0;
    pid_t ppid = 0;
    if (!(fields >> state >> ppid) || ppid != ::getpid()) {
      continue;
    }
    std::error_code link_ec;
    if (fs::read_symlink(it->path() / "exe", link_ec) == helper) {
      out.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  return out;
}
#endif

Result<std::string> fetch(const std::string& url, std::chrono::milliseconds timeout = kBound) {
  asio::io_context io;
  std::optional<Result<std::string>> out;
  auto f = PacFetch::start(io.get_executor(), url, timeout,
                           [&](Result<std::string> r) { out = std::move(r); });
  io.run();
  REQUIRE(out);
  return std::move(*out);
}

std::string tempFile(const std::string& name, const std::string& text) {
  const std::string path = std::string(PARLEY_BINARY_DIR) + "/tests/net/proxy/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

struct Discovered {
  std::vector<ProxyServer> proxies;
  std::vector<std::string> found_notes;
  int finished_count = 0;
  bool direct = true;
  std::vector<std::string> notes;
};

Discovered discover(ProxySettings settings, const std::string& host = "conf.example.com") {
  asio::io_context io;
  Discovered d;
  settings.pac_helper_path = PARLEY_PAC_HELPER;
  auto discovery = ProxyDiscovery::create(io.get_executor(), settings);
  discovery->discover(
      host, 443,
      [&](std::vector<ProxyServer> proxies, std::string note) {
        for (auto& p : proxies) {
          d.proxies.push_back(std::move(p));
        }
        d.found_notes.push_back(std::move(note));
      },
      [&](bool direct, std::vector<std::string> notes) {
        ++d.finished_count;
        d.direct = direct;
        d.notes = std::move(notes);
      });
  io.run();
  return d;
}

using parley::testing::ScopedEnv;

}  // namespace

TEST_CASE("PAC fetch: http and file URLs") {
  PacHttpServer server;
  server.serve("/wpad.dat", kPac);
  auto body = fetch(server.url("/wpad.dat"));
  REQUIRE(body);
  CHECK(*body == kPac);

  const std::string path = tempFile("fetch_test.pac", kPac);
  body = fetch("file://" + path);
  REQUIRE(body);
  CHECK(*body == kPac);

  body = fetch(server.url("/missing"));
  REQUIRE_FALSE(body);
  CHECK(body.error().code == ErrorCode::NotFound);
  body = fetch("file:///nonexistent/wpad.dat");
  CHECK_FALSE(body);
  // https:// goes through libcurl; nothing listens on port 1.
  body = fetch("https://127.0.0.1:1/wpad.dat");
  REQUIRE_FALSE(body);
  CHECK(body.error().code == ErrorCode::ConnectFailed);
  body = fetch("ftp://x/wpad.dat");
  CHECK_FALSE(body);
}

TEST_CASE("PAC fetch: addresses looked up already are used, the name is not asked again") {
  PacHttpServer server;
  server.serve("/wpad.dat", kPac);
  // The host's name does not resolve: only the pinned address can reach it.
  std::string url = server.url("/wpad.dat");
  const std::string host = "127.0.0.1";
  url.replace(url.find(host), host.size(), "wpad.parley-test.invalid");
  asio::io_context io;
  std::optional<Result<std::string>> out;
  auto f = PacFetch::start(io.get_executor(), url, kBound,
                           [&](Result<std::string> r) { out = std::move(r); },
                           parley::net::kMaxPacFileSize, {asio::ip::make_address("127.0.0.1")});
  io.run();
  REQUIRE(out);
  REQUIRE(*out);
  CHECK(**out == kPac);
  CHECK(server.lastHost().rfind("wpad.parley-test.invalid", 0) == 0);  // the name, not the IP
  REQUIRE_FALSE(fetch(url));  // without the address it does not resolve
}

TEST_CASE("PAC fetch: a 1 GB wpad.dat fails at once with ResponseTooLarge") {
  PacHttpServer server;
  const auto body = fetch(server.url("/huge"));
  REQUIRE_FALSE(body);
  CHECK(body.error().code == ErrorCode::ResponseTooLarge);
}

TEST_CASE("PAC fetch: an endless body stops at the size bound") {
  PacHttpServer server;
  const auto body = fetch(server.url("/endless"));
  REQUIRE_FALSE(body);
  CHECK(body.error().code == ErrorCode::ResponseTooLarge);
}

TEST_CASE("PAC fetch: a server that never answers hits the time bound") {
  // The server never answers, so the bound ends the fetch however slow the
  // run is: the result cannot depend on speed.
  PacHttpServer server;
  const auto body = fetch(server.url("/silent"), std::chrono::milliseconds(300));
  REQUIRE_FALSE(body);
  CHECK(body.error().code == ErrorCode::TimedOut);
}

TEST_CASE("PAC fetch: an oversized file:// PAC fails") {
  const std::string path = tempFile("huge.pac", std::string(kMaxPacFileSize + 1, ' '));
  const auto body = fetch("file://" + path);
  REQUIRE_FALSE(body);
  CHECK(body.error().code == ErrorCode::ResponseTooLarge);
}

// dhclient's lease files: Linux only (Windows' DHCP WPAD goes through WinHTTP).
TEST_CASE("WPAD: the URL from a DHCP lease is fetched and evaluated", "[not-windows]") {
  PacHttpServer server;
  server.serve("/wpad.dat", kPac);
  const std::string lease =
      tempFile("dhclient.leases", "lease {\n  interface \"eth0\";\n  option wpad \"" +
                                      server.url("/wpad.dat") + "\\000\";\n}\n");
  asio::io_context io;
  detail::WpadOptions options;
  options.use_dns = false;
  options.lease_files = {lease};
  options.evaluator.helper_path = PARLEY_PAC_HELPER;
  options.evaluator.timeout = kBound;
  options.fetch_timeout = kBound;
  auto source = detail::makeWpadSource(io.get_executor(), options);
  std::optional<detail::SourceResult> result;
  source->start({"conf.example.com", 443}, [&](detail::SourceResult r) { result = std::move(r); });
  io.run();
  REQUIRE(result);
  REQUIRE(result->pac_answered);
  REQUIRE(result->proxies.size() == 2);
  CHECK(result->proxies[0].host == "pac-proxy");
  CHECK(result->proxies[0].origin == ProxyOrigin::Wpad);
  CHECK(result->pac_direct);
}

TEST_CASE("WPAD: nothing to find is an answer, not a hang") {
  asio::io_context io;
  detail::WpadOptions options;
  options.use_dns = true;
  options.resolv_conf = "/nonexistent/resolv.conf";
  options.hostname = "plainhost";
  options.lease_files = {"/nonexistent/lease"};
  auto source = detail::makeWpadSource(io.get_executor(), options);
  std::optional<detail::SourceResult> result;
  source->start({"h", 443}, [&](detail::SourceResult r) { result = std::move(r); });
  io.run();
  REQUIRE(result);
  CHECK(result->proxies.empty());
  CHECK_FALSE(result->pac_answered);
}

TEST_CASE("ProxyDiscovery: manual + environment + pac_url, deduplicated, in order") {
  PacHttpServer server;
  server.serve("/proxy.pac", kPac);
  ScopedEnv https("https_proxy", "http://env-proxy:3128");
  ScopedEnv http("http_proxy", "http://manual-proxy:8080");  // same as the manual one
  ScopedEnv no("no_proxy", "");
  ProxySettings settings = untimedSettings();
  ProxyServer manual;
  manual.kind = ProxyKind::Http;
  manual.host = "manual-proxy";
  manual.port = 8080;
  settings.manual = {manual};
  settings.pac_url = server.url("/proxy.pac");
  settings.default_names = false;
  const Discovered d = discover(settings);
  CHECK(d.finished_count == 1);
  CHECK(d.direct);
  auto has = [&](const std::string& host, ProxyOrigin origin) {
    return std::count_if(d.proxies.begin(), d.proxies.end(), [&](const ProxyServer& p) {
             return p.host == host && p.origin == origin;
           }) == 1;
  };
  CHECK(has("manual-proxy", ProxyOrigin::Manual));
  CHECK(has("env-proxy", ProxyOrigin::Environment));
  CHECK(has("pac-proxy", ProxyOrigin::Pac));
  CHECK(has("pac-socks", ProxyOrigin::Pac));
  // manual-proxy (also in http_proxy) once, from the first origin; the size
  // is not checked because a desktop's own proxy settings may add some.
  CHECK(std::count_if(d.proxies.begin(), d.proxies.end(),
                      [](const ProxyServer& p) { return p.host == "manual-proxy"; }) == 1);
  CHECK_FALSE(d.notes.empty());
}

TEST_CASE("ProxyDiscovery: a PAC answer without DIRECT clears direct_allowed") {
  PacHttpServer server;
  server.serve("/strict.pac", "function FindProxyForURL(u, h) { return 'PROXY only:3128'; }");
  ProxySettings settings = untimedSettings();
  settings.auto_detect = false;
  settings.default_names = false;
  settings.pac_url = server.url("/strict.pac");
  const Discovered d = discover(settings);
  CHECK(d.finished_count == 1);
  CHECK_FALSE(d.direct);
  REQUIRE(d.proxies.size() == 1);
  CHECK(d.proxies[0].host == "only");
}

TEST_CASE("ProxyDiscovery: a broken PAC is a note, finished still comes once") {
  PacHttpServer server;
  server.serve("/loop.pac", "function FindProxyForURL(u, h) { for (;;) {} }");
  // The overall bound far above the evaluation's own (at most 5 s, or the
  // helper's 2 s CPU limit), so the note is always the PAC's failure, never
  // a fetch or the whole discovery running out of time.
  ProxySettings settings = untimedSettings();
  settings.auto_detect = false;
  settings.default_names = false;
  settings.pac_url = server.url("/loop.pac");
  const Discovered d = discover(settings);
  CHECK(d.finished_count == 1);
  CHECK(d.proxies.empty());
  CHECK(d.direct);
  std::string all_notes;
  for (const auto& n : d.notes) {
    all_notes += n + "\n";
  }
  INFO("notes:\n" << all_notes);
  CHECK(std::any_of(d.notes.begin(), d.notes.end(), [&](const std::string& n) {
    return n.rfind("pac: " + settings.pac_url + " -> ", 0) == 0 &&
           n.find("no answer within") == std::string::npos;
  }));
}

TEST_CASE("ProxyDiscovery: no_proxy matching the target drops the environment's proxy") {
  ScopedEnv https("https_proxy", "http://env-proxy:3128");
  ScopedEnv no("no_proxy", ".example.com");
  ProxySettings settings = untimedSettings();
  settings.default_names = false;
  settings.pac_url = "file:///nonexistent.pac";  // keeps WPAD out of the test
  const Discovered d = discover(settings);
  CHECK(d.finished_count == 1);
  for (const auto& p : d.proxies) {
    CHECK(p.host != "env-proxy");
  }
}

TEST_CASE("ProxyDiscovery: nothing configured still finishes once") {
  ProxySettings settings = untimedSettings();
  settings.auto_detect = false;
  settings.default_names = false;
  const Discovered d = discover(settings);
  CHECK(d.finished_count == 1);
  CHECK(d.proxies.empty());
}

#ifndef _WIN32  // the helper held with SIGSTOP and looked for in /proc
TEST_CASE("ProxyDiscovery: destroyed mid-evaluation, no callback and no zombie") {
  PacHttpServer server;
  server.serve("/loop.pac", "function FindProxyForURL(u, h) { for (;;) {} }");
  asio::io_context io;
  ProxySettings settings = untimedSettings();
  settings.auto_detect = false;
  settings.default_names = false;
  settings.pac_url = server.url("/loop.pac");
  settings.pac_helper_path = PARLEY_PAC_HELPER;
  int callbacks = 0;
  auto discovery = ProxyDiscovery::create(io.get_executor(), settings);
  discovery->discover(
      "h", 443, [&](auto, auto) { ++callbacks; }, [&](auto, auto) { ++callbacks; });
  // Until the fetch has finished and the helper runs the script.
  pid_t helper = -1;
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  while (helper < 0 && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(20));
    if (const auto children = helperChildren(); !children.empty()) {
      helper = children.front();
    }
  }
  REQUIRE(helper > 0);
  // Held mid-evaluation: stopped, it cannot reach its CPU limit (or the
  // evaluation its time bound) and end on its own before the reset, however
  // long this thread is kept from running. SIGKILL still ends it.
  ::kill(helper, SIGSTOP);
  CHECK(callbacks == 0);
  discovery.reset();
  io.run();
  CHECK(callbacks == 0);
  CHECK(::waitpid(helper, nullptr, WNOHANG) == -1);  // killed and reaped: no zombie
}
#endif

TEST_CASE("Default names: a name counts only when it resolves") {
  asio::io_context io;
  auto yes = detail::makeDefaultNameSource(io.get_executor(), "localhost", 1080,
                                           {ProxyKind::Socks5, ProxyKind::Socks4});
  auto no = detail::makeDefaultNameSource(io.get_executor(), "socks-server.invalid", 1080,
                                          {ProxyKind::Socks5});
  std::optional<detail::SourceResult> got_yes;
  std::optional<detail::SourceResult> got_no;
  yes->start({"h", 443}, [&](detail::SourceResult r) { got_yes = std::move(r); });
  no->start({"h", 443}, [&](detail::SourceResult r) { got_no = std::move(r); });
  io.run();
  REQUIRE(got_yes);
  REQUIRE(got_yes->proxies.size() == 2);
  CHECK(got_yes->proxies[0].kind == ProxyKind::Socks5);
  CHECK(got_yes->proxies[1].kind == ProxyKind::Socks4);
  CHECK(got_yes->proxies[0].origin == ProxyOrigin::Default);
  REQUIRE(got_no);
  CHECK(got_no->proxies.empty());
}

TEST_CASE("Default names: destroyed before the lookup answers, no callback") {
  asio::io_context io;
  bool called = false;
  auto source =
      detail::makeDefaultNameSource(io.get_executor(), "localhost", 1080, {ProxyKind::Socks5});
  source->start({"h", 443}, [&](detail::SourceResult) { called = true; });
  source.reset();
  io.run();
  CHECK_FALSE(called);
}

namespace {

Discovered discoverWith(ProxySettings settings, detail::DiscoverySeams seams) {
  asio::io_context io;
  Discovered d;
  settings.pac_helper_path = PARLEY_PAC_HELPER;
  auto discovery = detail::createProxyDiscoveryForTest(io.get_executor(), settings, seams);
  discovery->discover(
      "conf.example.com", 443,
      [&](std::vector<ProxyServer> proxies, std::string note) {
        for (auto& p : proxies) {
          d.proxies.push_back(std::move(p));
        }
        d.found_notes.push_back(std::move(note));
      },
      [&](bool direct, std::vector<std::string> notes) {
        ++d.finished_count;
        d.direct = direct;
        d.notes = std::move(notes);
      });
  io.run();
  return d;
}

detail::DiscoverySeams hermetic(std::map<std::string, std::string> env) {
  detail::DiscoverySeams seams;
  seams.environment = [env = std::move(env)](const char* name) -> std::optional<std::string> {
    const auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  seams.system_settings = false;
  seams.wpad = false;
  seams.socks_server_name = "localhost";  // resolves
  seams.web_proxy_name = "localhost";
  return seams;
}

}  // namespace

TEST_CASE("Default names: socks-server at once, web-proxy only when no HTTP proxy was detected") {
  ProxySettings settings = untimedSettings();
  const Discovered none = discoverWith(settings, hermetic({}));
  CHECK(none.finished_count == 1);
  REQUIRE(none.proxies.size() == 3);
  CHECK(none.proxies[0].kind == ProxyKind::Socks5);
  CHECK(none.proxies[1].kind == ProxyKind::Socks4);
  CHECK(none.proxies[2].kind == ProxyKind::Http);  // web-proxy, handed out last
  CHECK(none.proxies[2].port == 8088);
  CHECK(none.proxies[2].origin == ProxyOrigin::Default);

  const Discovered with_env =
      discoverWith(settings, hermetic({{"https_proxy", "http://env-proxy:3128"}}));
  CHECK(with_env.finished_count == 1);
  for (const auto& p : with_env.proxies) {
    CHECK(p.port != 8088);
  }
  CHECK(std::count_if(with_env.proxies.begin(), with_env.proxies.end(),
                      [](const ProxyServer& p) { return p.host == "env-proxy"; }) == 1);

  settings.default_names = false;
  const Discovered off = discoverWith(settings, hermetic({}));
  CHECK(off.proxies.empty());
  CHECK(off.finished_count == 1);
}

TEST_CASE("ProxyDiscovery: the overall timeout ends a slow source with a note") {
  // The PAC server never answers, so a bound always ends that source. The
  // environment answers at once (a posted handler): the bound is long enough
  // that no stall of this process lets it fire before that handler runs.
  PacHttpServer server;
  ProxySettings settings;
  settings.default_names = false;
  settings.pac_url = server.url("/silent");
  settings.timeout = std::chrono::milliseconds(2000);
  const Discovered d = discoverWith(settings, hermetic({{"http_proxy", "p:1"}}));
  CHECK(d.finished_count == 1);
  REQUIRE(d.proxies.size() == 1);
  CHECK(d.proxies[0].host == "p");
  CHECK(std::any_of(d.notes.begin(), d.notes.end(), [](const std::string& n) {
    return n.find("within 2000 ms") != std::string::npos;  // the overall or the fetch bound
  }));
}
