#pragma once
// Parses a proxy as people write it: "http://user:pass@web-proxy:8088",
// "socks5h://socks-server:1080", "web-proxy:8088", "[2001:db8::1]:3128".
// Schemes: http, socks4, socks4a, socks5, socks5h (both socks5 forms mean
// SOCKS5 with remote name resolution: Parley never leaks the server's name to
// the local DNS when the protocol allows otherwise). https:// proxies are
// refused (TLS to the proxy is not supported). Without a scheme,
// `default_kind` applies; without a port, 1080 for SOCKS and 8080 for HTTP
// (curl's choice too). user:password are percent-decoded. Pure and bounded
// (input up to 2048 bytes); untrusted input (environment, PAC, settings).

#include <string_view>

#include "core/base/result.h"
#include "net/proxy/proxy_server.h"

namespace parley::net {

inline constexpr std::size_t kMaxProxyUrlLength = 2048;

Result<ProxyServer> parseProxyUrl(std::string_view url, ProxyKind default_kind);

}  // namespace parley::net
