// Candidates and credentials from the wire are checked before libnice sees
// them: every field, bounds, and characters.

#include <catch2/catch.hpp>

#include "net/ice/ice_agent.h"

using namespace parley;
using namespace parley::net;

TEST_CASE("well-formed candidates of every type pass") {
  CHECK(validateCandidateLine("candidate:1 1 UDP 2013266431 10.0.0.1 40000 typ host"));
  CHECK(validateCandidateLine(
      "candidate:2 1 UDP 1677721855 203.0.113.9 5000 typ srflx raddr 10.0.0.1 rport 40000"));
  CHECK(validateCandidateLine("candidate:3 1 udp 16777215 2001:db8::9 6000 typ relay"));
  CHECK(validateCandidateLine("candidate:4 1 TCP 1015022079 10.0.0.1 9 typ host tcptype active"));
}

TEST_CASE("malformed candidates are refused with ice_candidate_invalid") {
  const std::vector<std::string> bad = {
      "",
      "a=candidate:1 1 UDP 1 10.0.0.1 1 typ host",          // the SDP prefix is ours to add
      "candidate:1 1 UDP 1 10.0.0.1 1 typ",                 // no type
      "candidate:1 2 UDP 1 10.0.0.1 1 typ host",            // component 2: RTCP is muxed
      "candidate:1 1 SCTP 1 10.0.0.1 1 typ host",           // transport
      "candidate:1 1 UDP -5 10.0.0.1 1 typ host",           // priority
      "candidate:1 1 UDP 99999999999 10.0.0.1 1 typ host",  // priority overflow
      "candidate:1 1 UDP 1 evil.example 1 typ host",        // a name, not an address
      "candidate:1 1 UDP 1 0.0.0.0 1 typ host",             // unspecified
      "candidate:1 1 UDP 1 224.0.0.1 1 typ host",           // multicast
      "candidate:1 1 UDP 1 10.0.0.1 0 typ host",            // port 0
      "candidate:1 1 UDP 1 10.0.0.1 70000 typ host",        // port range
      "candidate:1 1 UDP 1 10.0.0.1 1 typ gateway",         // type
      "candidate:1 1 UDP 1 10.0.0.1 1 typ host\r\na=x",     // control characters
      "candidate:1 1 UDP 1 10.0.0.1 1 kind host",
  };
  for (const auto& line : bad) {
    INFO(line);
    const auto result = validateCandidateLine(line);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ErrorCode::IceCandidateInvalid);
  }
  CHECK_FALSE(
      validateCandidateLine("candidate:1 1 UDP 1 10.0.0.1 1 typ host " + std::string(300, 'x')));
}

TEST_CASE("ICE credentials: lengths and characters") {
  CHECK(validateCredentials({"abcd", "0123456789abcdefghijkl"}));
  CHECK_FALSE(validateCredentials({"abc", "0123456789abcdefghijkl"}));
  CHECK_FALSE(validateCredentials({"abcd", "short"}));
  CHECK_FALSE(validateCredentials({"ab d", "0123456789abcdefghijkl"}));
  CHECK_FALSE(validateCredentials({"abcd", std::string(300, 'a')}));
}
