#pragma once
// ProxyServer: one way out of the client's network that discovery found or the
// user configured. A plain value; the race turns each one into an attempt.

#include <cstdint>
#include <string>
#include <vector>

namespace parley::net {

enum class ProxyKind {
  Http,     // HTTP CONNECT (RFC 9110 section 9.3.6)
  Socks4,   // SOCKS4: the client resolves the server's name itself
  Socks4a,  // SOCKS4a: the proxy resolves the name
  Socks5,   // SOCKS5 (RFC 1928) with remote name resolution, RFC 1929 auth
};

// Where a proxy came from, shown to the user ("found through WPAD").
enum class ProxyOrigin { Manual, Environment, Wpad, Pac, System, Default };

struct ProxyServer {
  ProxyKind kind = ProxyKind::Http;
  std::string host;
  std::uint16_t port = 0;
  ProxyOrigin origin = ProxyOrigin::Manual;
  // Credentials written into the configuration (a URL's user:password, or
  // --proxy-user). Never logged: describe() leaves them out.
  std::string user;
  std::string password;

  friend bool operator==(const ProxyServer& a, const ProxyServer& b) {
    return a.kind == b.kind && a.host == b.host && a.port == b.port;
  }
};

// "http", "socks4", "socks4a", "socks5"
const char* proxyKindName(ProxyKind kind);
// "manual", "env", "wpad", "pac", "system", "default"
const char* proxyOriginName(ProxyOrigin origin);
// "web-proxy:8088" (IPv6 literals in brackets); never the credentials.
std::string proxyHostPort(const ProxyServer& proxy);

// What discovery found, in the order the attempts should be listed. `direct`
// is false only when a PAC script said so for the target (no DIRECT in its
// answer); the race still tries direct then, because a PAC file cannot know
// every network, but lists it last.
struct ProxyList {
  std::vector<ProxyServer> proxies;
  bool direct = true;
  // One line per source that was consulted and what it gave or why it failed,
  // for the settings dialog's "detected" text and `parley-cli probe`.
  std::vector<std::string> notes;
};

}  // namespace parley::net
