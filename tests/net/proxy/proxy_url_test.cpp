#include "net/proxy/proxy_url.h"

#include <catch2/catch.hpp>

using parley::ErrorCode;
using parley::net::parseProxyUrl;
using parley::net::ProxyKind;

TEST_CASE("proxy URLs as people write them") {
  struct Case {
    const char* url;
    ProxyKind default_kind;
    ProxyKind kind;
    const char* host;
    std::uint16_t port;
    const char* user;
    const char* password;
  };
  const Case cases[] = {
      {"http://web-proxy:8088", ProxyKind::Http, ProxyKind::Http, "web-proxy", 8088, "", ""},
      {"web-proxy:8088", ProxyKind::Http, ProxyKind::Http, "web-proxy", 8088, "", ""},
      {"HTTP://Web-Proxy:3128/", ProxyKind::Socks5, ProxyKind::Http, "Web-Proxy", 3128, "", ""},
      {"http://proxy", ProxyKind::Http, ProxyKind::Http, "proxy", 8080, "", ""},
      {"socks-server", ProxyKind::Socks5, ProxyKind::Socks5, "socks-server", 1080, "", ""},
      {"socks4://s:1081", ProxyKind::Http, ProxyKind::Socks4, "s", 1081, "", ""},
      {"socks4a://s", ProxyKind::Http, ProxyKind::Socks4a, "s", 1080, "", ""},
      {"socks5h://s:9050", ProxyKind::Http, ProxyKind::Socks5, "s", 9050, "", ""},
      {"socks5://u:p@s:1080", ProxyKind::Http, ProxyKind::Socks5, "s", 1080, "u", "p"},
      {"http://CORP%5Calice:p%40ss%3Aword@p:3128", ProxyKind::Http, ProxyKind::Http, "p", 3128,
       "CORP\\alice", "p@ss:word"},
      {"http://[2001:db8::1]:3128", ProxyKind::Http, ProxyKind::Http, "2001:db8::1", 3128, "", ""},
      {"[::1]", ProxyKind::Socks5, ProxyKind::Socks5, "::1", 1080, "", ""},
      {"http://10.0.0.9:8080", ProxyKind::Http, ProxyKind::Http, "10.0.0.9", 8080, "", ""},
  };
  for (const auto& c : cases) {
    INFO(c.url);
    auto proxy = parseProxyUrl(c.url, c.default_kind);
    REQUIRE(proxy);
    CHECK(proxy.value().kind == c.kind);
    CHECK(proxy.value().host == c.host);
    CHECK(proxy.value().port == c.port);
    CHECK(proxy.value().user == c.user);
    CHECK(proxy.value().password == c.password);
  }
}

TEST_CASE("bad proxy URLs are refused with a reason") {
  const char* bad[] = {"",
                       "https://p:443",
                       "ftp://p:21",
                       "http://:8080",
                       "http://p:0",
                       "http://p:65536",
                       "http://p:80x",
                       "http://[::1",
                       "http://[::1]x",
                       "http://[zz]:1",
                       "http://p q:1",
                       "http://%zz@p:1",
                       "http://u:%4@p:1"};
  for (const char* url : bad) {
    INFO(url);
    auto proxy = parseProxyUrl(url, ProxyKind::Http);
    REQUIRE_FALSE(proxy);
    CHECK(proxy.error().code == ErrorCode::InvalidArgument);
    CHECK_FALSE(proxy.error().detail.empty());
  }
  CHECK_FALSE(parseProxyUrl(std::string(5000, 'a'), ProxyKind::Http));
}

TEST_CASE("describing a proxy never shows its credentials") {
  auto proxy = parseProxyUrl("http://alice:secret@p:3128", ProxyKind::Http);
  REQUIRE(proxy);
  CHECK(parley::net::proxyHostPort(proxy.value()) == "p:3128");
  auto v6 = parseProxyUrl("http://[2001:db8::1]:3128", ProxyKind::Http);
  REQUIRE(v6);
  CHECK(parley::net::proxyHostPort(v6.value()) == "[2001:db8::1]:3128");
}
