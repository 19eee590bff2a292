#include "net/proxy/wpad.h"

#include <catch2/catch.hpp>

#include "net/proxy/system_proxy_parse.h"

using namespace parley::net;  // NOLINT(google-build-using-namespace)

TEST_CASE("WPAD domain: resolv.conf search first, then the FQDN") {
  CHECK(wpadDomain("nameserver 10.0.0.1\nsearch Corp.Example.com other.org\n", "host") ==
        "corp.example.com");
  CHECK(wpadDomain("# comment\ndomain lab.test.\n", "") == "lab.test");
  CHECK(wpadDomain("nameserver 1.1.1.1\n", "pc1.branch.example.org") == "branch.example.org");
  CHECK(wpadDomain("", "plainhost").empty());
  CHECK(wpadDomain("search\n", "").empty());
  CHECK(wpadDomain("searchx foo.bar\n", "").empty());
  CHECK(wpadDomain("search bad..domain\n", "h.ok.example") == "ok.example");
}

TEST_CASE("WPAD candidates: devolution stops at two labels and before public suffixes") {
  using V = std::vector<std::string>;
  CHECK(wpadCandidates("a.corp.example.com") ==
        V{"wpad.a.corp.example.com", "wpad.corp.example.com", "wpad.example.com"});
  CHECK(wpadCandidates("example.com") == V{"wpad.example.com"});
  CHECK(wpadCandidates("corp.example.co.uk") == V{"wpad.corp.example.co.uk", "wpad.example.co.uk"});
  CHECK(wpadCandidates("co.uk").empty());
  CHECK(wpadCandidates("lan").empty());
  CHECK(wpadCandidates("").empty());
  CHECK(wpadCandidates("lab.test.") == V{"wpad.lab.test"});
  CHECK(wpadCandidates("bad..name").empty());
  CHECK(wpadCandidates("a b.example").empty());
  CHECK(wpadCandidates("a.b.c.d.e.f.g.h.i.j.k.example").size() == 8);
  CHECK(isMultiLabelPublicSuffix("CO.UK"));
  CHECK_FALSE(isMultiLabelPublicSuffix("example.com"));
}

TEST_CASE("WPAD URL from DHCP leases") {
  CHECK(wpadUrlFromLease("lease {\n  option wpad \"http://wpad.corp/wpad.dat\\000\";\n}\n") ==
        "http://wpad.corp/wpad.dat");
  CHECK(wpadUrlFromLease("  option wpad-url \"http://a/1.pac\";\n  option wpad-url "
                         "\"http://b/2.pac\";\n") == "http://b/2.pac");
  CHECK(wpadUrlFromLease("WPAD=http://nm/wpad.dat\n") == "http://nm/wpad.dat");
  CHECK(wpadUrlFromLease("option domain-name \"corp\";\n").empty());
  CHECK(wpadUrlFromLease("option wpad \"file:///etc/passwd\";\n").empty());
  CHECK(wpadUrlFromLease("option wpad \"http://a b/\";\n").empty());
  CHECK(wpadUrlFromLease("").empty());
}

TEST_CASE("GNOME proxy settings") {
  const auto manual = parseGsettingsProxy(
      "org.gnome.system.proxy autoconfig-url ''\n"
      "org.gnome.system.proxy ignore-hosts ['localhost', '127.0.0.0/8', '.internal']\n"
      "org.gnome.system.proxy mode 'manual'\n"
      "org.gnome.system.proxy.http host 'web-proxy'\n"
      "org.gnome.system.proxy.http port 8088\n"
      "org.gnome.system.proxy.https host 'secure-proxy'\n"
      "org.gnome.system.proxy.https port 3128\n"
      "org.gnome.system.proxy.socks host 'socks-server'\n"
      "org.gnome.system.proxy.socks port 1080\n");
  CHECK(manual.mode == SystemProxyConfig::Mode::Manual);
  REQUIRE(manual.proxies.size() == 3);
  CHECK(manual.proxies[0].host == "secure-proxy");
  CHECK(manual.proxies[0].port == 3128);
  CHECK(manual.proxies[0].origin == ProxyOrigin::System);
  CHECK(manual.proxies[1].host == "web-proxy");
  CHECK(manual.proxies[2].kind == ProxyKind::Socks5);
  CHECK(manual.bypass == "localhost,127.0.0.0/8,.internal");

  const auto pac = parseGsettingsProxy(
      "org.gnome.system.proxy mode 'auto'\n"
      "org.gnome.system.proxy autoconfig-url 'http://wpad.corp/proxy.pac'\n");
  CHECK(pac.mode == SystemProxyConfig::Mode::AutoUrl);
  CHECK(pac.pac_url == "http://wpad.corp/proxy.pac");
  CHECK(parseGsettingsProxy("org.gnome.system.proxy mode 'auto'\n").mode ==
        SystemProxyConfig::Mode::AutoDetect);
  CHECK(parseGsettingsProxy("org.gnome.system.proxy mode 'none'\n").mode ==
        SystemProxyConfig::Mode::None);
  CHECK(parseGsettingsProxy("garbage").mode == SystemProxyConfig::Mode::None);
}

TEST_CASE("KDE proxy settings") {
  const auto manual = parseKioslaverc(
      "[General]\nProxyType=9\n"
      "[Proxy Settings]\nProxyType=1\nhttpProxy=http://web-proxy 8088\n"
      "httpsProxy=http://secure-proxy:3128\nsocksProxy=socks://socks-server 1080\n"
      "NoProxyFor=localhost,.internal\n");
  CHECK(manual.mode == SystemProxyConfig::Mode::Manual);
  REQUIRE(manual.proxies.size() == 3);
  CHECK(manual.proxies[0].host == "secure-proxy");
  CHECK(manual.proxies[1].host == "web-proxy");
  CHECK(manual.proxies[1].port == 8088);
  CHECK(manual.proxies[2].kind == ProxyKind::Socks5);
  CHECK(manual.bypass == "localhost,.internal");
  const auto pac =
      parseKioslaverc("[Proxy Settings]\nProxyType=2\nProxy Config Script=http://x/p.pac\n");
  CHECK(pac.mode == SystemProxyConfig::Mode::AutoUrl);
  CHECK(pac.pac_url == "http://x/p.pac");
  CHECK(parseKioslaverc("[Proxy Settings]\nProxyType=3\n").mode ==
        SystemProxyConfig::Mode::AutoDetect);
  CHECK(parseKioslaverc("[Proxy Settings]\nProxyType=0\n").mode == SystemProxyConfig::Mode::None);
}
