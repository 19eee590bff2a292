#pragma once
// Route: one way to the server that the race tries, and that the session
// keeps once it has won: direct to a port, or through one proxy. Attempts are
// the concrete tries of a route, one per address of its first hop (Happy
// Eyeballs), each running the whole secure handshake.

#include <cstdint>
#include <optional>
#include <string>

#include <asio/ip/address.hpp>

#include "net/proxy/proxy_server.h"

namespace parley::net {

struct Route {
  std::optional<ProxyServer> proxy;  // none: direct TCP to the server
  std::uint16_t server_port = 0;     // the server's port the route reaches

  // "direct", "http", "socks4", "socks4a", "socks5"
  [[nodiscard]] std::string method() const {
    return proxy ? proxyKindName(proxy->kind) : std::string("direct");
  }
  // The proxy's host:port; empty for direct.
  [[nodiscard]] std::string via() const { return proxy ? proxyHostPort(*proxy) : std::string(); }
  // The name whose addresses Happy Eyeballs races: the server or the proxy.
  [[nodiscard]] const std::string& firstHop(const std::string& server_host) const {
    return proxy ? proxy->host : server_host;
  }
  // "direct:443", "http web-proxy:8088", for messages.
  [[nodiscard]] std::string describe() const {
    return proxy ? method() + " " + via() : "direct:" + std::to_string(server_port);
  }

  friend bool operator==(const Route& a, const Route& b) {
    return a.proxy == b.proxy && a.server_port == b.server_port;
  }
};

// One attempt: a route through one address of its first hop.
struct AttemptPlan {
  int id = 0;
  Route route;
  asio::ip::address address;  // of the server (direct) or of the proxy
  std::string server_host;
};

}  // namespace parley::net
