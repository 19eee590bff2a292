#include "net/proxy/proxy_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include "net/proxy/text_util.h"

namespace parley::net {
namespace {

using text::lower;

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

Result<std::string> percentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) {
      return makeError(ErrorCode::InvalidArgument,
                       "a % in the credentials is not followed by two hex digits");
    }
    const int hi = hexValue(s[i + 1]);
    const int lo = hexValue(s[i + 2]);
    if (hi < 0 || lo < 0) {
      return makeError(ErrorCode::InvalidArgument,
                       "a % in the credentials is not followed by two hex digits");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool validHostChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

}  // namespace

Result<ProxyServer> parseProxyUrl(std::string_view url, ProxyKind default_kind) {
  if (url.empty()) {
    return makeError(ErrorCode::InvalidArgument, "empty proxy address");
  }
  if (url.size() > kMaxProxyUrlLength) {
    return makeError(ErrorCode::InvalidArgument,
                     "proxy address longer than " + std::to_string(kMaxProxyUrlLength) + " bytes");
  }
  ProxyServer proxy;
  proxy.kind = default_kind;
  std::string_view rest = url;
  if (const auto pos = rest.find("://"); pos != std::string_view::npos) {
    const std::string scheme = lower(rest.substr(0, pos));
    if (scheme == "http") {
      proxy.kind = ProxyKind::Http;
    } else if (scheme == "socks4") {
      proxy.kind = ProxyKind::Socks4;
    } else if (scheme == "socks4a") {
      proxy.kind = ProxyKind::Socks4a;
    } else if (scheme == "socks5" || scheme == "socks5h" || scheme == "socks") {
      proxy.kind = ProxyKind::Socks5;
    } else if (scheme == "https") {
      return makeError(ErrorCode::InvalidArgument,
                       "https:// proxies (TLS to the proxy) are not supported; use http://");
    } else {
      return makeError(ErrorCode::InvalidArgument,
                       "unknown proxy scheme '" + scheme + "' (http, socks4, socks4a, socks5)");
    }
    rest.remove_prefix(pos + 3);
  }
  // Drop a path ("http://proxy:3128/") as curl does.
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    rest = rest.substr(0, slash);
  }
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    const auto colon = userinfo.find(':');
    auto user = percentDecode(userinfo.substr(0, colon));
    if (!user) {
      return makeError(user.error());
    }
    proxy.user = std::move(user).value();
    if (colon != std::string_view::npos) {
      auto password = percentDecode(userinfo.substr(colon + 1));
      if (!password) {
        return makeError(password.error());
      }
      proxy.password = std::move(password).value();
    }
  }
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      return makeError(ErrorCode::InvalidArgument, "unclosed [ in an IPv6 proxy address");
    }
    proxy.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return makeError(ErrorCode::InvalidArgument, "expected :port after ]");
      }
      port_text = rest.substr(1);
    }
    if (proxy.host.empty() ||
        proxy.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) {
      return makeError(ErrorCode::InvalidArgument, "not an IPv6 address: " + proxy.host);
    }
  } else {
    const auto colon = rest.rfind(':');
    proxy.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
    }
    if (proxy.host.empty()) {
      return makeError(ErrorCode::InvalidArgument, "no proxy host name");
    }
    if (proxy.host.size() > 253 ||
        !std::all_of(proxy.host.begin(), proxy.host.end(), validHostChar)) {
      return makeError(ErrorCode::InvalidArgument, "not a host name: " + proxy.host);
    }
  }
  if (port_text.empty()) {
    proxy.port = proxy.kind == ProxyKind::Http ? 8080 : 1080;
  } else {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return makeError(ErrorCode::InvalidArgument,
                       "port '" + std::string(port_text) + "' is not between 1 and 65535");
    }
    proxy.port = static_cast<std::uint16_t>(port);
  }
  return proxy;
}

}  // namespace parley::net
