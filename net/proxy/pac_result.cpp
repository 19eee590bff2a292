#include "net/proxy/pac_result.h"

#include <algorithm>
#include <cctype>

#include "net/proxy/proxy_url.h"
#include "net/proxy/text_util.h"

namespace parley::net {
namespace {

using text::isSpace;
using text::trim;
using text::upper;

bool hasPort(std::string_view host_port) {
  if (!host_port.empty() && host_port.front() == '[') {
    return host_port.find("]:") != std::string_view::npos;
  }
  return host_port.find(':') != std::string_view::npos;
}

std::string shorten(std::string_view s) {
  constexpr std::size_t kMax = 80;
  return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "...";
}

}  // namespace

Result<PacResult> parsePacResult(std::string_view text) {
  if (text.size() > kMaxPacResultLength) {
    return makeError(ErrorCode::PacFailed, "the PAC answer is longer than " +
                                               std::to_string(kMaxPacResultLength) + " bytes");
  }
  PacResult result;
  text = trim(text);
  if (text.empty()) {
    result.direct = true;
    return result;
  }
  std::size_t entries = 0;
  while (!text.empty()) {
    const auto semi = text.find(';');
    const std::string_view entry = trim(text.substr(0, semi));
    text = semi == std::string_view::npos ? std::string_view() : text.substr(semi + 1);
    if (entry.empty()) {
      continue;
    }
    if (++entries > kMaxPacEntries) {
      result.skipped.push_back("more than " + std::to_string(kMaxPacEntries) +
                               " entries; the rest is ignored");
      break;
    }
    std::size_t split = 0;
    while (split < entry.size() && !isSpace(entry[split])) {
      ++split;
    }
    const std::string type = upper(entry.substr(0, split));
    const std::string_view where = trim(entry.substr(split));
    if (type == "DIRECT") {
      result.direct = true;
      continue;
    }
    ProxyKind kind = ProxyKind::Http;
    std::uint16_t default_port = 80;
    if (type == "PROXY" || type == "HTTP") {
      kind = ProxyKind::Http;
    } else if (type == "SOCKS" || type == "SOCKS4") {
      // "SOCKS" is SOCKS4 in Chromium's and Firefox's PAC handling.
      kind = ProxyKind::Socks4;
      default_port = 1080;
    } else if (type == "SOCKS5") {
      kind = ProxyKind::Socks5;
      default_port = 1080;
    } else if (type == "HTTPS") {
      result.skipped.push_back("skipped '" + shorten(entry) +
                               "': TLS to the proxy (TLS inside TLS) is not supported");
      continue;
    } else {
      result.skipped.push_back("skipped '" + shorten(entry) + "': unknown proxy type");
      continue;
    }
    if (where.empty() || where.find_first_of("@/ \t") != std::string_view::npos) {
      result.skipped.push_back("skipped '" + shorten(entry) + "': not host[:port]");
      continue;
    }
    auto proxy = parseProxyUrl(where, kind);
    if (!proxy) {
      result.skipped.push_back("skipped '" + shorten(entry) + "': " + proxy.error().detail);
      continue;
    }
    if (!hasPort(where)) {
      proxy->port = default_port;
    }
    proxy->origin = ProxyOrigin::Pac;
    if (std::find(result.proxies.begin(), result.proxies.end(), *proxy) == result.proxies.end()) {
      result.proxies.push_back(std::move(proxy).value());
    }
  }
  if (result.proxies.empty() && !result.direct) {
    std::string why = "the PAC answer names no usable proxy and no DIRECT";
    if (!result.skipped.empty()) {
      why += " (" + result.skipped.front() + ")";
    }
    return makeError(ErrorCode::PacFailed, why);
  }
  return result;
}

}  // namespace parley::net
