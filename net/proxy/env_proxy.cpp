#include "net/proxy/env_proxy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "net/platform/socket_api.h"
#include "net/proxy/proxy_url.h"
#include "net/proxy/text_util.h"

namespace parley::net {
namespace {

using text::lower;
using text::trim;

std::string_view stripBrackets(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

// An IP address as 16 bytes (IPv4 in the first 4) and its family; nullopt
// when `text` is not an IP literal.
struct IpBytes {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
};

std::optional<IpBytes> parseIp(std::string_view text) {
  if (text.empty() || text.size() > 45) {
    return std::nullopt;
  }
  const std::string s(text);
  IpBytes ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET6;
    return ip;
  }
  return std::nullopt;
}

bool prefixMatches(const IpBytes& net, unsigned bits, const IpBytes& addr) {
  if (net.family != addr.family) {
    return false;
  }
  const unsigned max_bits = net.family == AF_INET ? 32 : 128;
  bits = std::min(bits, max_bits);
  const unsigned whole = bits / 8;
  if (std::memcmp(net.bytes.data(), addr.bytes.data(), whole) != 0) {
    return false;
  }
  const unsigned rest = bits % 8;
  if (rest == 0) {
    return true;
  }
  const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
  return (net.bytes[whole] & mask) == (addr.bytes[whole] & mask);
}

bool entryMatches(std::string_view entry, std::string_view host, std::uint16_t port,
                  const std::optional<IpBytes>& host_ip) {
  if (entry == "*") {
    return true;
  }
  // Split off ":port": "[v6]:port", "name:port", "1.2.3.4:port"; a bare IPv6
  // literal has several colons and no port.
  std::string_view name = entry;
  if (!entry.empty() && entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) {
      return false;
    }
    name = entry.substr(1, close - 1);
    std::string_view after = entry.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return false;
      }
      after.remove_prefix(1);
      unsigned p = 0;
      const auto [end, ec] = std::from_chars(after.data(), after.data() + after.size(), p);
      if (ec != std::errc() || end != after.data() + after.size() || p != port) {
        return false;
      }
    }
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    const auto colon = entry.find(':');
    name = entry.substr(0, colon);
    const std::string_view port_text = entry.substr(colon + 1);
    unsigned p = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || p != port) {
      return false;
    }
  }
  if (name.empty()) {
    return false;
  }
  // IP prefix.
  if (const auto slash = name.find('/'); slash != std::string_view::npos) {
    const auto net = parseIp(name.substr(0, slash));
    const std::string_view bits_text = name.substr(slash + 1);
    unsigned bits = 0;
    const auto [end, ec] =
        std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
    if (!net || !host_ip || ec != std::errc() || end != bits_text.data() + bits_text.size()) {
      return false;
    }
    return prefixMatches(*net, bits, *host_ip);
  }
  if (const auto ip = parseIp(name)) {
    return host_ip && prefixMatches(*ip, 128, *host_ip);
  }
  if (name.substr(0, 2) == "*.") {
    name.remove_prefix(2);
  } else if (name.front() == '.') {
    name.remove_prefix(1);
  }
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  if (name.empty() || host_ip) {
    return false;
  }
  if (host == name) {
    return true;
  }
  return host.size() > name.size() && host.substr(host.size() - name.size()) == name &&
         host[host.size() - name.size() - 1] == '.';
}

}  // namespace

bool noProxyMatches(std::string_view no_proxy, std::string_view host, std::uint16_t port) {
  if (no_proxy.size() > kMaxNoProxyLength || host.size() > 255) {
    return false;
  }
  std::string target = lower(stripBrackets(host));
  if (!target.empty() && target.back() == '.') {
    target.pop_back();
  }
  const auto host_ip = parseIp(target);
  const std::string list = lower(no_proxy);
  std::string_view rest = list;
  while (!rest.empty()) {
    const auto sep = rest.find_first_of(", \t");
    const std::string_view entry = trim(rest.substr(0, sep));
    rest = sep == std::string_view::npos ? std::string_view() : rest.substr(sep + 1);
    if (!entry.empty() && entryMatches(entry, target, port, host_ip)) {
      return true;
    }
  }
  return false;
}

EnvProxies proxiesFromEnvironment(const EnvLookup& lookup, std::string_view host,
                                  std::uint16_t port) {
  EnvProxies out;
  auto read = [&](const char* lower_name, const char* upper_name) -> std::optional<std::string> {
    if (auto v = lookup(lower_name); v && !trim(*v).empty()) {
      return std::string(trim(*v));
    }
    if (auto v = lookup(upper_name); v && !trim(*v).empty()) {
      return std::string(trim(*v));
    }
    return std::nullopt;
  };
  if (const auto no_proxy = read("no_proxy", "NO_PROXY")) {
    if (noProxyMatches(*no_proxy, host, port)) {
      out.bypassed = true;
      out.notes.push_back("no_proxy matches " + std::string(host) +
                          ": no proxy from the environment");
      return out;
    }
  }
  struct Var {
    const char* lower_name;
    const char* upper_name;
  };
  constexpr std::array<Var, 3> kVars{
      {{"https_proxy", "HTTPS_PROXY"}, {"http_proxy", "HTTP_PROXY"}, {"all_proxy", "ALL_PROXY"}}};
  for (const Var& var : kVars) {
    const auto value = read(var.lower_name, var.upper_name);
    if (!value) {
      continue;
    }
    auto proxy = parseProxyUrl(*value, ProxyKind::Http);
    if (!proxy) {
      out.notes.push_back(std::string(var.lower_name) + " refused: " + proxy.error().detail);
      continue;
    }
    proxy->origin = ProxyOrigin::Environment;
    if (std::find(out.proxies.begin(), out.proxies.end(), *proxy) != out.proxies.end()) {
      continue;
    }
    out.notes.push_back(std::string(var.lower_name) + " -> " + proxyKindName(proxy->kind) + " " +
                        proxyHostPort(*proxy));
    out.proxies.push_back(std::move(proxy).value());
  }
  return out;
}

EnvLookup processEnvironment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read-only use
    if (v == nullptr) {
      return std::nullopt;
    }
    return std::string(v).substr(0, kMaxProxyUrlLength + 1 > kMaxNoProxyLength
                                        ? kMaxProxyUrlLength + 1
                                        : kMaxNoProxyLength + 1);
  };
}

}  // namespace parley::net
