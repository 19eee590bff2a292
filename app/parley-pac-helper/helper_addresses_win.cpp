// Windows: GetAdaptersAddresses, the adapters' unicast addresses, as
// net/ice/local_interfaces_win.cpp reads them. An adapter's operational
// status "up" stands for IFF_UP and the software loopback adapter for
// IFF_LOOPBACK, so the POSIX and Windows helpers offer the same addresses.
// iphlpapi.h needs Winsock's types first.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
// clang-format on

#include <vector>

#include "app/parley-pac-helper/helper_addresses.h"

namespace parley::pac {

bool startSocketApi() {
  // Never cleaned up: the process ends right after its one answer.
  WSADATA data{};
  return ::WSAStartup(MAKEWORD(2, 2), &data) == 0;
}

void forEachLocalAddress(const std::function<void(const sockaddr*)>& visit) {
  // The list's size is known only by asking; an adapter may appear between
  // two calls, hence the retries.
  ULONG size = 16 * 1024;
  std::vector<unsigned char> buffer;
  ULONG rc = ERROR_BUFFER_OVERFLOW;
  for (int attempt = 0; attempt < 3 && rc == ERROR_BUFFER_OVERFLOW; ++attempt) {
    buffer.resize(size);
    rc = ::GetAdaptersAddresses(AF_UNSPEC,
                                GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST |
                                    GAA_FLAG_SKIP_DNS_SERVER | GAA_FLAG_SKIP_FRIENDLY_NAME,
                                nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()),
                                &size);
  }
  if (rc != NO_ERROR) {
    return;
  }
  for (const auto* adapter = reinterpret_cast<const IP_ADAPTER_ADDRESSES*>(buffer.data());
       adapter != nullptr; adapter = adapter->Next) {
    if (adapter->OperStatus != IfOperStatusUp || adapter->IfType == IF_TYPE_SOFTWARE_LOOPBACK) {
      continue;
    }
    for (const auto* unicast = adapter->FirstUnicastAddress; unicast != nullptr;
         unicast = unicast->Next) {
      const sockaddr* sa = unicast->Address.lpSockaddr;
      if (sa != nullptr && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)) {
        visit(sa);
      }
    }
  }
}

}  // namespace parley::pac
