// DHCP option 252 on Windows and macOS: not read here. Windows' own WPAD
// (DHCP and DNS) is consulted through WinHTTP's IE settings
// (proxy_config_win.cpp: fAutoDetect); macOS exposes no per-lease WPAD URL
// to applications, and its system settings (proxy_config_mac.cpp) cover
// "auto proxy discovery".

#include "net/proxy/proxy_source.h"

namespace parley::net::detail {

std::string dhcpWpadUrl(const std::vector<std::string>& /*lease_files*/,
                        std::vector<std::string>& /*notes*/) {
  return {};
}

}  // namespace parley::net::detail
