#include "net/proxy/pac_result.h"

#include <catch2/catch.hpp>

using parley::ErrorCode;
using parley::net::parsePacResult;
using parley::net::ProxyKind;
using parley::net::ProxyOrigin;

TEST_CASE("PAC answer with every entry type, in order") {
  const auto r = parsePacResult("PROXY a:1; HTTPS b:2; SOCKS c:3; SOCKS4 d; SOCKS5 e:1080; DIRECT");
  REQUIRE(r);
  REQUIRE(r->proxies.size() == 4);
  CHECK(r->proxies[0].kind == ProxyKind::Http);
  CHECK(r->proxies[0].host == "a");
  CHECK(r->proxies[0].port == 1);
  CHECK(r->proxies[0].origin == ProxyOrigin::Pac);
  CHECK(r->proxies[1].kind == ProxyKind::Socks4);
  CHECK(r->proxies[1].host == "c");
  CHECK(r->proxies[1].port == 3);
  CHECK(r->proxies[2].kind == ProxyKind::Socks4);
  CHECK(r->proxies[2].host == "d");
  CHECK(r->proxies[2].port == 1080);
  CHECK(r->proxies[3].kind == ProxyKind::Socks5);
  CHECK(r->proxies[3].host == "e");
  CHECK(r->direct);
  REQUIRE(r->skipped.size() == 1);
  CHECK(r->skipped[0].find("HTTPS") != std::string::npos);
}

TEST_CASE("PAC answer: spacing, case, empty entries, default ports") {
  const auto r = parsePacResult("  proxy   p1.corp:3128 ;;; Proxy p2 ;\tsocks5 [fd00::1]:1081;  ");
  REQUIRE(r);
  REQUIRE(r->proxies.size() == 3);
  CHECK(r->proxies[0].host == "p1.corp");
  CHECK(r->proxies[1].host == "p2");
  CHECK(r->proxies[1].port == 80);
  CHECK(r->proxies[2].host == "fd00::1");
  CHECK(r->proxies[2].port == 1081);
  CHECK_FALSE(r->direct);
}

TEST_CASE("PAC answer: empty means DIRECT, DIRECT alone") {
  auto r = parsePacResult("");
  REQUIRE(r);
  CHECK(r->direct);
  CHECK(r->proxies.empty());
  r = parsePacResult(" direct ");
  REQUIRE(r);
  CHECK(r->direct);
}

TEST_CASE("PAC answer: nothing usable is an error") {
  for (const char* text : {"HTTPS b:2", "QUIC q:443", "PROXY", "PROXY a:99999", "PROXY u:p@a:1",
                           "PROXY http://a:1", "garbage"}) {
    INFO(text);
    const auto r = parsePacResult(text);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::PacFailed);
  }
}

TEST_CASE("PAC answer: bounded") {
  std::string many;
  for (int i = 0; i < 100; ++i) {
    many += "PROXY p" + std::to_string(i) + ":1; ";
  }
  const auto r = parsePacResult(many);
  REQUIRE(r);
  CHECK(r->proxies.size() == parley::net::kMaxPacEntries);
  const auto huge = parsePacResult(std::string(parley::net::kMaxPacResultLength + 1, ' '));
  CHECK_FALSE(huge);
  const auto dup = parsePacResult("PROXY a:1; PROXY a:1; DIRECT");
  REQUIRE(dup);
  CHECK(dup->proxies.size() == 1);
}
