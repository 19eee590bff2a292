// Which addresses host candidates come from: allow and deny lists by name
// and prefix; loopback and link-local only when named exactly.

#include <catch2/catch.hpp>

#include "net/ice/local_interfaces.h"

using namespace parley::net;

namespace {

std::vector<LocalInterfaceAddress> sample() {
  return {{"lo", "127.0.0.1", true, false},    {"eth0", "192.168.1.20", false, false},
          {"eth0", "fe80::1", false, true},    {"eth0", "2001:db8::20", false, false},
          {"wlan0", "10.0.0.5", false, false}, {"docker0", "172.17.0.1", false, false},
          {"tun0", "10.8.0.2", false, false},  {"eth0", "169.254.10.10", false, true}};
}

}  // namespace

TEST_CASE("by default every interface but loopback, link-local and container bridges") {
  const auto picked = selectHostAddresses(sample(), InterfacePolicy{});
  CHECK(picked == std::vector<std::string>{"192.168.1.20", "2001:db8::20", "10.0.0.5", "10.8.0.2"});
}

TEST_CASE("an allow list keeps only the interfaces it names") {
  InterfacePolicy policy;
  policy.allow = {"eth*"};
  CHECK(selectHostAddresses(sample(), policy) ==
        std::vector<std::string>{"192.168.1.20", "2001:db8::20"});
}

TEST_CASE("a deny list leaves out a VPN the user names") {
  InterfacePolicy policy;
  policy.deny.push_back("tun*");
  policy.ipv6 = false;
  CHECK(selectHostAddresses(sample(), policy) ==
        std::vector<std::string>{"192.168.1.20", "10.0.0.5"});
}

TEST_CASE("loopback only when named exactly, never by a prefix") {
  InterfacePolicy policy;
  policy.allow = {"l*"};
  CHECK(selectHostAddresses(sample(), policy).empty());
  policy.allow = {"lo"};
  CHECK(selectHostAddresses(sample(), policy) == std::vector<std::string>{"127.0.0.1"});
}

TEST_CASE("name patterns") {
  CHECK(interfaceMatches("eth0", "eth0"));
  CHECK_FALSE(interfaceMatches("eth0", "eth"));
  CHECK(interfaceMatches("eth0", "eth*"));
  CHECK(interfaceMatches("anything", "*"));
  CHECK_FALSE(interfaceMatches("", "eth*"));
}

TEST_CASE("the system's list names its interfaces and addresses") {
  const auto list = listLocalInterfaceAddresses();
  for (const auto& entry : list) {
    CHECK_FALSE(entry.interface_name.empty());
    CHECK_FALSE(entry.address.empty());
  }
}
