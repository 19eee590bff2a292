#pragma once
// The proxy environment variables, as curl and most Unix tools read them:
// https_proxy (first: Parley's target is TLS), http_proxy, all_proxy, each in
// lower then upper case, and no_proxy / NO_PROXY. all_proxy may name a SOCKS
// proxy (socks4://, socks4a://, socks5://, socks5h://). user:password@ in a
// URL becomes ProxyServer.user/password (percent-decoded by parseProxyUrl).
// Pure: the environment is read through a function so tests inject their own.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/proxy/proxy_server.h"

namespace parley::net {

inline constexpr std::size_t kMaxNoProxyLength = 8192;

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

struct EnvProxies {
  std::vector<ProxyServer> proxies;  // origin Environment, deduplicated
  // True when no_proxy matched the target: `proxies` is then empty.
  bool bypassed = false;
  // What was read or refused, one line each (never the credentials).
  std::vector<std::string> notes;
};

// The proxies the environment names for a connection to host:port.
EnvProxies proxiesFromEnvironment(const EnvLookup& lookup, std::string_view host,
                                  std::uint16_t port);

// no_proxy matching: a comma (or space) separated list of entries; each is
// `*` (everything), a host name (matches itself and every name below it, with
// or without a leading dot or "*."), an IP literal (exact, IPv6 bare or in
// brackets), an IP prefix "10.0.0.0/8" / "fd00::/8", optionally followed by
// ":port" to match only that port. Case-insensitive; a trailing dot is
// ignored. Inputs longer than kMaxNoProxyLength match nothing.
bool noProxyMatches(std::string_view no_proxy, std::string_view host, std::uint16_t port);

// The process environment (std::getenv).
EnvLookup processEnvironment();

}  // namespace parley::net
