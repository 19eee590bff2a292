#include <ifaddrs.h>
#include <net/if.h>
#include <sys/socket.h>

#include "app/parley-pac-helper/helper_addresses.h"

namespace parley::pac {

bool startSocketApi() { return true; }

void forEachLocalAddress(const std::function<void(const sockaddr*)>& visit) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return;
  }
  for (const ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || (it->ifa_flags & IFF_UP) == 0 ||
        (it->ifa_flags & IFF_LOOPBACK) != 0) {
      continue;
    }
    const int family = it->ifa_addr->sa_family;
    if (family == AF_INET || family == AF_INET6) {
      visit(it->ifa_addr);
    }
  }
  freeifaddrs(list);
}

}  // namespace parley::pac
