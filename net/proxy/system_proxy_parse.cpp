#include "net/proxy/system_proxy_parse.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "net/proxy/proxy_url.h"
#include "net/proxy/text_util.h"

namespace parley::net {
namespace {

using text::trim;

constexpr std::size_t kMaxInput = 64 * 1024;

std::string unquote(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front()) {
    v = v.substr(1, v.size() - 2);
  }
  return std::string(v);
}

void addProxy(SystemProxyConfig& config, ProxyKind kind, std::string_view host, unsigned port) {
  if (host.empty() || port == 0 || port > 65535) {
    return;
  }
  auto proxy = parseProxyUrl(std::string(host) + ":" + std::to_string(port), kind);
  if (!proxy) {
    return;
  }
  proxy->kind = kind;
  proxy->origin = ProxyOrigin::System;
  if (std::find(config.proxies.begin(), config.proxies.end(), *proxy) == config.proxies.end()) {
    config.proxies.push_back(std::move(proxy).value());
  }
}

unsigned toPort(std::string_view s) {
  unsigned v = 0;
  s = trim(s);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

}  // namespace

SystemProxyConfig parseGsettingsProxy(std::string_view text) {
  // "org.gnome.system.proxy.https host 'p'" -> values["https.host"] = "p"
  std::map<std::string, std::string> values;
  text::forEachLine(text, kMaxInput, [&](std::string_view line) {
    constexpr std::string_view kSchema = "org.gnome.system.proxy";
    if (line.substr(0, kSchema.size()) != kSchema) {
      return;
    }
    line.remove_prefix(kSchema.size());
    std::string section;
    if (!line.empty() && line.front() == '.') {
      const auto space = line.find(' ');
      section = std::string(line.substr(1, space == std::string_view::npos ? 0 : space - 1)) + ".";
      line = space == std::string_view::npos ? std::string_view() : line.substr(space);
    }
    line = trim(line);
    const auto space = line.find(' ');
    if (space == std::string_view::npos || values.size() > 64) {
      return;
    }
    values[section + std::string(line.substr(0, space))] = std::string(trim(line.substr(space)));
  });
  SystemProxyConfig config;
  const std::string mode = unquote(values["mode"]);
  if (mode == "manual") {
    config.mode = SystemProxyConfig::Mode::Manual;
    addProxy(config, ProxyKind::Http, unquote(values["https.host"]), toPort(values["https.port"]));
    addProxy(config, ProxyKind::Http, unquote(values["http.host"]), toPort(values["http.port"]));
    addProxy(config, ProxyKind::Socks5, unquote(values["socks.host"]),
             toPort(values["socks.port"]));
  } else if (mode == "auto") {
    config.pac_url = unquote(values["autoconfig-url"]);
    config.mode = config.pac_url.empty() ? SystemProxyConfig::Mode::AutoDetect
                                         : SystemProxyConfig::Mode::AutoUrl;
  }
  // ignore-hosts ['localhost', '127.0.0.0/8'] -> "localhost,127.0.0.0/8"
  std::string_view list = values["ignore-hosts"];
  std::string bypass;
  while (!list.empty()) {
    const auto q = list.find('\'');
    if (q == std::string_view::npos) {
      break;
    }
    const auto end = list.find('\'', q + 1);
    if (end == std::string_view::npos) {
      break;
    }
    if (!bypass.empty()) {
      bypass += ',';
    }
    bypass += list.substr(q + 1, end - q - 1);
    list.remove_prefix(end + 1);
  }
  config.bypass = bypass;
  return config;
}

SystemProxyConfig parseKioslaverc(std::string_view text) {
  std::map<std::string, std::string> values;
  bool in_section = false;
  text::forEachLine(text, kMaxInput, [&](std::string_view line) {
    if (!line.empty() && line.front() == '[') {
      in_section = line == "[Proxy Settings]";
      return;
    }
    const auto eq = line.find('=');
    if (!in_section || eq == std::string_view::npos || values.size() > 64) {
      return;
    }
    values[std::string(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
  });
  SystemProxyConfig config;
  config.bypass = values["NoProxyFor"];
  // KDE writes "http://host port" (older) or "http://host:port".
  const auto add = [&](const std::string& value, ProxyKind kind) {
    std::string v = value;
    if (const auto space = v.rfind(' '); space != std::string::npos) {
      v[space] = ':';
    }
    if (v.empty()) {
      return;
    }
    if (kind == ProxyKind::Socks5 && v.rfind("socks://", 0) == 0) {
      v = "socks5://" + v.substr(8);
    }
    auto proxy = parseProxyUrl(v, kind);
    if (!proxy) {
      return;
    }
    proxy->origin = ProxyOrigin::System;
    if (std::find(config.proxies.begin(), config.proxies.end(), *proxy) == config.proxies.end()) {
      config.proxies.push_back(std::move(proxy).value());
    }
  };
  switch (toPort(values["ProxyType"])) {
    case 1:
      config.mode = SystemProxyConfig::Mode::Manual;
      add(values["httpsProxy"], ProxyKind::Http);
      add(values["httpProxy"], ProxyKind::Http);
      add(values["socksProxy"], ProxyKind::Socks5);
      break;
    case 2:
      config.pac_url = values["Proxy Config Script"];
      config.mode =
          config.pac_url.empty() ? SystemProxyConfig::Mode::None : SystemProxyConfig::Mode::AutoUrl;
      break;
    case 3:
      config.mode = SystemProxyConfig::Mode::AutoDetect;
      break;
    case 4:
      config.mode = SystemProxyConfig::Mode::Environment;
      break;
    default:
      break;
  }
  return config;
}

}  // namespace parley::net
