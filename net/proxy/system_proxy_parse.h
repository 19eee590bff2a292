#pragma once
// Parsers for the Linux desktops' proxy settings, kept pure so they are
// tested and fuzzed without a desktop: GNOME (`gsettings list-recursively
// org.gnome.system.proxy`) and KDE (~/.config/kioslaverc, the file
// `kreadconfig5 --file kioslaverc --group 'Proxy Settings'` reads). Part of
// parley_proxy_parsers. Inputs are bounded (64 KiB) and untrusted.

#include <string>
#include <string_view>
#include <vector>

#include "net/proxy/proxy_server.h"

namespace parley::net {

struct SystemProxyConfig {
  enum class Mode { None, Manual, AutoUrl, AutoDetect, Environment };
  Mode mode = Mode::None;
  std::vector<ProxyServer> proxies;  // Manual; origin System, HTTPS first
  std::string pac_url;               // AutoUrl
  std::string bypass;                // hosts not to proxy, as a no_proxy list
};

SystemProxyConfig parseGsettingsProxy(std::string_view text);
SystemProxyConfig parseKioslaverc(std::string_view text);

}  // namespace parley::net
