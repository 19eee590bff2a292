// DHCP option 252 (WPAD URL) on Linux: dhclient's lease files (they carry
// `option wpad ...` when dhclient.conf requests code 252) and
// NetworkManager's internal DHCP client leases. Small local files, read
// directly; nothing there is normal and simply yields no URL.

#include <dirent.h>

#include <algorithm>
#include <fstream>

#include "net/proxy/proxy_source.h"
#include "net/proxy/wpad.h"

namespace parley::net::detail {
namespace {

std::vector<std::string> filesIn(const std::string& dir, const std::string& must_contain) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return out;
  }
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.find(must_contain) != std::string::npos && out.size() < 32) {
      std::string path = dir;
      path += '/';
      path += name;
      out.push_back(std::move(path));
    }
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string dhcpWpadUrl(const std::vector<std::string>& lease_files,
                        std::vector<std::string>& notes) {
  std::vector<std::string> files = lease_files;
  if (files.empty()) {
    for (const char* dir : {"/var/lib/dhcp", "/var/lib/dhclient"}) {
      for (auto& f : filesIn(dir, ".lease")) {
        files.push_back(std::move(f));
      }
    }
    for (auto& f : filesIn("/var/lib/NetworkManager", ".lease")) {
      files.push_back(std::move(f));
    }
    for (auto& f : filesIn("/run/NetworkManager/devices", "")) {
      files.push_back(std::move(f));
    }
  }
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      continue;
    }
    std::string text(64 * 1024, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    std::string url = wpadUrlFromLease(text);
    if (!url.empty()) {
      notes.push_back("DHCP lease " + path + " carries option 252");
      return url;
    }
  }
  return {};
}

}  // namespace parley::net::detail
