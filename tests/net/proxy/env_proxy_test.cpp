#include "net/proxy/env_proxy.h"

#include <map>

#include <catch2/catch.hpp>

using parley::net::EnvLookup;
using parley::net::noProxyMatches;
using parley::net::proxiesFromEnvironment;
using parley::net::ProxyKind;
using parley::net::ProxyOrigin;

namespace {

EnvLookup envOf(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

}  // namespace

TEST_CASE("no_proxy matching") {
  struct Case {
    const char* no_proxy;
    const char* host;
    std::uint16_t port;
    bool matches;
  };
  const Case cases[] = {
      {"*", "anything.example", 443, true},
      {"example.com", "example.com", 443, true},
      {"example.com", "conf.example.com", 443, true},
      {"example.com", "badexample.com", 443, false},
      {".example.com", "conf.example.com", 443, true},
      {".example.com", "example.com", 443, true},
      {"*.example.com", "a.b.example.com", 443, true},
      {"EXAMPLE.com.", "Conf.Example.COM", 443, true},
      {"other.org, example.com", "conf.example.com", 443, true},
      {"other.org  example.com", "conf.example.com", 443, true},
      {"other.org", "conf.example.com", 443, false},
      {"conf.example.com:443", "conf.example.com", 443, true},
      {"conf.example.com:8443", "conf.example.com", 443, false},
      {"10.1.2.3", "10.1.2.3", 443, true},
      {"10.1.2.3", "10.1.2.4", 443, false},
      {"10.0.0.0/8", "10.200.1.1", 443, true},
      {"10.0.0.0/8", "11.0.0.1", 443, false},
      {"192.168.1.0/25", "192.168.1.127", 443, true},
      {"192.168.1.0/25", "192.168.1.128", 443, false},
      {"::1", "::1", 443, true},
      {"::1", "[::1]", 443, true},
      {"[::1]:443", "::1", 443, true},
      {"[::1]:80", "::1", 443, false},
      {"fd00::/8", "fd12::5", 443, true},
      {"fd00::/8", "fe80::1", 443, false},
      {"10.0.0.0/8", "ten.example", 443, false},
      {"1.2.3", "a.1.2.3", 443, true},  // names, not an IP: suffix rule
      {"", "example.com", 443, false},
      {",,, ,", "example.com", 443, false},
      {"localhost", "localhost", 443, true},
  };
  for (const Case& c : cases) {
    INFO(c.no_proxy << " vs " << c.host << ":" << c.port);
    CHECK(noProxyMatches(c.no_proxy, c.host, c.port) == c.matches);
  }
}

TEST_CASE("no_proxy longer than the bound matches nothing") {
  std::string huge(parley::net::kMaxNoProxyLength + 1, 'a');
  huge += ",*";
  CHECK_FALSE(noProxyMatches(huge, "example.com", 443));
}

TEST_CASE("environment: https_proxy first, then http_proxy, then all_proxy") {
  const auto env = proxiesFromEnvironment(envOf({{"https_proxy", "http://p1:3128"},
                                                 {"http_proxy", "p2:8080"},
                                                 {"all_proxy", "socks5h://s:1080"}}),
                                          "conf.example.com", 443);
  REQUIRE(env.proxies.size() == 3);
  CHECK(env.proxies[0].host == "p1");
  CHECK(env.proxies[0].port == 3128);
  CHECK(env.proxies[0].kind == ProxyKind::Http);
  CHECK(env.proxies[0].origin == ProxyOrigin::Environment);
  CHECK(env.proxies[1].host == "p2");
  CHECK(env.proxies[2].kind == ProxyKind::Socks5);
  CHECK(env.proxies[2].host == "s");
  CHECK_FALSE(env.bypassed);
}

TEST_CASE("environment: upper case names, lower case wins") {
  auto env = proxiesFromEnvironment(envOf({{"HTTPS_PROXY", "http://upper:1"}}), "h", 443);
  REQUIRE(env.proxies.size() == 1);
  CHECK(env.proxies[0].host == "upper");
  env = proxiesFromEnvironment(envOf({{"HTTPS_PROXY", "http://upper:1"},
                                      {"https_proxy", "http://lower:2"}}),
                               "h", 443);
  REQUIRE(env.proxies.size() == 1);
  CHECK(env.proxies[0].host == "lower");
  env = proxiesFromEnvironment(envOf({{"ALL_PROXY", "socks4a://s4"}}), "h", 443);
  REQUIRE(env.proxies.size() == 1);
  CHECK(env.proxies[0].kind == ProxyKind::Socks4a);
  CHECK(env.proxies[0].port == 1080);
}

TEST_CASE("environment: credentials are percent-decoded, duplicates dropped") {
  const auto env = proxiesFromEnvironment(envOf({{"https_proxy", "http://al%40ice:p%3Ass@p:3128"},
                                                 {"http_proxy", "http://p:3128"}}),
                                          "h", 443);
  REQUIRE(env.proxies.size() == 1);
  CHECK(env.proxies[0].user == "al@ice");
  CHECK(env.proxies[0].password == "p:ss");
  for (const auto& note : env.notes) {
    CHECK(note.find("p:ss") == std::string::npos);
  }
}

TEST_CASE("environment: no_proxy matching the target yields nothing") {
  const auto env = proxiesFromEnvironment(envOf({{"https_proxy", "http://p:3128"},
                                                 {"NO_PROXY", ".example.com"}}),
                                          "conf.example.com", 443);
  CHECK(env.bypassed);
  CHECK(env.proxies.empty());
  const auto other = proxiesFromEnvironment(envOf({{"https_proxy", "http://p:3128"},
                                                   {"no_proxy", ".example.com"}}),
                                            "conf.example.org", 443);
  CHECK_FALSE(other.bypassed);
  CHECK(other.proxies.size() == 1);
}

TEST_CASE("environment: a bad URL is refused with a note, the others still count") {
  const auto env = proxiesFromEnvironment(envOf({{"https_proxy", "https://tls-proxy:443"},
                                                 {"all_proxy", "ftp://x"},
                                                 {"http_proxy", "p:1"}}),
                                          "h", 443);
  REQUIRE(env.proxies.size() == 1);
  CHECK(env.proxies[0].host == "p");
  CHECK(env.notes.size() == 3);
}
