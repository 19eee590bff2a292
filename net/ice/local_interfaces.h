#pragma once
// Which local addresses a peer path may gather host candidates from. The
// choice is the user's (config: an allow list and a deny list, by interface
// name or name prefix "eth*"); loopback and link-local addresses are never
// offered unless their interface is named exactly in the allow list (tests
// on one machine). By default the usual container and VM bridges are left
// out: their addresses mean nothing to the other participant.
//
// Threads: pure functions; listLocalInterfaceAddresses() asks the system.

#include <string>
#include <vector>

namespace parley::net {

struct LocalInterfaceAddress {
  std::string interface_name;
  std::string address;  // a literal IPv4 or IPv6 address, no scope
  bool loopback = false;
  bool link_local = false;
};

struct InterfacePolicy {
  std::vector<std::string> allow;  // empty: every interface
  std::vector<std::string> deny = {"docker*", "br-*", "virbr*", "lxcbr*", "cni*", "podman*"};
  bool ipv6 = true;
};

// Names match exactly, or by prefix when the pattern ends in '*'.
bool interfaceMatches(const std::string& name, const std::string& pattern);

std::vector<std::string> selectHostAddresses(const std::vector<LocalInterfaceAddress>& addresses,
                                             const InterfacePolicy& policy);

// The system's up interfaces and their unicast addresses (getifaddrs,
// GetAdaptersAddresses).
std::vector<LocalInterfaceAddress> listLocalInterfaceAddresses();

}  // namespace parley::net
