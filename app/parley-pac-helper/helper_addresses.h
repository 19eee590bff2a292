#pragma once
// What parley-pac-helper asks the network stack for, where the systems
// differ: this machine's own addresses (myIpAddress, myIpAddressEx) and
// starting the socket library the resolver needs (dnsResolve). Name
// resolution itself is getaddrinfo on every system
// (net/platform/socket_api.h). helper_addresses_posix.cpp (getifaddrs),
// helper_addresses_win.cpp (GetAdaptersAddresses, Winsock).

#include <functional>

struct sockaddr;

namespace parley::pac {

// Makes getaddrinfo usable: Winsock must be started by each process (the
// helper does not link Asio, which would do it), POSIX needs nothing.
// False when the socket library cannot start; resolution then finds nothing.
bool startSocketApi();

// Calls `visit` with each unicast address (an AF_INET or AF_INET6 sockaddr,
// valid only during the call) of the interfaces that are up, loopback
// interfaces left out, in the system's order. The caller picks the family,
// drops link-local addresses and duplicates (main.cpp), so every system
// answers the same.
void forEachLocalAddress(const std::function<void(const sockaddr*)>& visit);

}  // namespace parley::pac
