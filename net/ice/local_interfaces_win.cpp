// Windows: the adapters' unicast addresses (GetAdaptersAddresses). Compiled
// for the Windows build; the ICE agent that uses it is not built there yet
// (docs/windows.md).
// iphlpapi.h needs Winsock's types first.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
// clang-format on

#include <array>
#include <vector>

#include "net/ice/local_interfaces.h"

namespace parley::net {

std::vector<LocalInterfaceAddress> listLocalInterfaceAddresses() {
  std::vector<LocalInterfaceAddress> out;
  ULONG size = 16 * 1024;
  std::vector<unsigned char> buffer;
  ULONG rc = ERROR_BUFFER_OVERFLOW;
  for (int attempt = 0; attempt < 3 && rc == ERROR_BUFFER_OVERFLOW; ++attempt) {
    buffer.resize(size);
    rc = GetAdaptersAddresses(AF_UNSPEC, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST, nullptr,
                              reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
  }
  if (rc != NO_ERROR) {
    return out;
  }
  for (auto* adapter = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()); adapter != nullptr;
       adapter = adapter->Next) {
    if (adapter->OperStatus != IfOperStatusUp) {
      continue;
    }
    for (auto* unicast = adapter->FirstUnicastAddress; unicast != nullptr;
         unicast = unicast->Next) {
      std::array<char, 64> text{};
      const auto* sa = unicast->Address.lpSockaddr;
      LocalInterfaceAddress item;
      item.interface_name = adapter->AdapterName;
      item.loopback = adapter->IfType == IF_TYPE_SOFTWARE_LOOPBACK;
      if (sa->sa_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(sa);
        inet_ntop(AF_INET, &v4->sin_addr, text.data(), text.size());
        item.link_local =
            v4->sin_addr.S_un.S_un_b.s_b1 == 169 && v4->sin_addr.S_un.S_un_b.s_b2 == 254;
      } else if (sa->sa_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(sa);
        inet_ntop(AF_INET6, &v6->sin6_addr, text.data(), text.size());
        item.link_local =
            v6->sin6_addr.u.Byte[0] == 0xfe && (v6->sin6_addr.u.Byte[1] & 0xc0) == 0x80;
      } else {
        continue;
      }
      item.address = text.data();
      out.push_back(std::move(item));
    }
  }
  return out;
}

}  // namespace parley::net
