#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

#include "net/ice/local_interfaces.h"

namespace parley::net {

std::vector<LocalInterfaceAddress> listLocalInterfaceAddresses() {
  std::vector<LocalInterfaceAddress> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return out;
  }
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || (entry->ifa_flags & IFF_UP) == 0) {
      continue;
    }
    std::array<char, INET6_ADDRSTRLEN> text{};
    LocalInterfaceAddress item;
    item.interface_name = entry->ifa_name;
    item.loopback = (entry->ifa_flags & IFF_LOOPBACK) != 0;
    if (entry->ifa_addr->sa_family == AF_INET) {
      sockaddr_in v4{};
      std::memcpy(&v4, entry->ifa_addr, sizeof(v4));
      inet_ntop(AF_INET, &v4.sin_addr, text.data(), text.size());
      const auto host = ntohl(v4.sin_addr.s_addr);
      item.link_local = (host >> 16) == 0xA9FE;  // 169.254/16
    } else if (entry->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 v6{};
      std::memcpy(&v6, entry->ifa_addr, sizeof(v6));
      inet_ntop(AF_INET6, &v6.sin6_addr, text.data(), text.size());
      item.link_local = v6.sin6_addr.s6_addr[0] == 0xfe && (v6.sin6_addr.s6_addr[1] & 0xc0) == 0x80;
    } else {
      continue;
    }
    item.address = text.data();
    out.push_back(std::move(item));
  }
  freeifaddrs(list);
  return out;
}

}  // namespace parley::net
