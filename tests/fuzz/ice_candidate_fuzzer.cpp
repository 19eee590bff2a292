// Fuzzes the checks of what a peer sends through the server before libnice
// sees it (net/ice/ice_agent.h): ICE candidate attributes and credentials.
// Properties: no crash; an accepted candidate is bounded, printable ASCII and
// in the "candidate:" form; accepted credentials are within RFC 8445's sizes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/ice/ice_agent.h"
#include "tests/fuzz/fuzz_check.h"

using parley::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (parley::net::validateCandidateLine(text)) {
    if (text.size() > parley::net::kMaxCandidateLength || !text.starts_with("candidate:")) {
      fail("accepted a candidate out of bounds or form");
    }
    for (const char c : text) {
      if (c < 0x20 || c > 0x7e) {
        fail("accepted a candidate with a control or non-ASCII character");
      }
    }
  }
  // The same bytes as "ufrag\npwd".
  const auto newline = text.find('\n');
  parley::net::IceCredentials credentials;
  credentials.ufrag = std::string(text.substr(0, newline));
  if (newline != std::string_view::npos) {
    credentials.pwd = std::string(text.substr(newline + 1));
  }
  if (parley::net::validateCredentials(credentials)) {
    if (credentials.ufrag.size() < 4 || credentials.pwd.size() < 22 ||
        credentials.ufrag.size() > parley::net::kMaxIceCredentialLength ||
        credentials.pwd.size() > parley::net::kMaxIceCredentialLength) {
      fail("accepted credentials out of bounds");
    }
  }
  return 0;
}
