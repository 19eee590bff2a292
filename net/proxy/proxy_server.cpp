#include "net/proxy/proxy_server.h"

namespace parley::net {

const char* proxyKindName(ProxyKind kind) {
  switch (kind) {
    case ProxyKind::Http:
      return "http";
    case ProxyKind::Socks4:
      return "socks4";
    case ProxyKind::Socks4a:
      return "socks4a";
    case ProxyKind::Socks5:
      return "socks5";
  }
  return "?";
}

const char* proxyOriginName(ProxyOrigin origin) {
  switch (origin) {
    case ProxyOrigin::Manual:
      return "manual";
    case ProxyOrigin::Environment:
      return "env";
    case ProxyOrigin::Wpad:
      return "wpad";
    case ProxyOrigin::Pac:
      return "pac";
    case ProxyOrigin::System:
      return "system";
    case ProxyOrigin::Default:
      return "default";
  }
  return "?";
}

std::string proxyHostPort(const ProxyServer& proxy) {
  const bool v6 = proxy.host.find(':') != std::string::npos;
  std::string out = v6 ? "[" + proxy.host + "]" : proxy.host;
  out += ':';
  out += std::to_string(proxy.port);
  return out;
}

}  // namespace parley::net
