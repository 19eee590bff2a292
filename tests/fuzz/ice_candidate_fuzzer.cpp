// Fuzzes the checks of what a peer sends through the server before libnice
// sees it (net/ice/ice_agent.h): ICE candidate attributes and credentials;
// and parleyd's STUN Binding responder (net/ice/stun_binding.h) with the same
// bytes as a datagram. Properties: no crash; an accepted candidate is
// bounded, printable ASCII and in the "candidate:" form; accepted credentials
// are within RFC 8445's sizes; a STUN answer is a Binding success response
// with the request's transaction ID, never more than 52 bytes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "net/ice/ice_agent.h"
#include "net/ice/stun_binding.h"
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
  parley::net::StunPeerAddress from;
  from.ipv6 = size % 2 == 0;
  from.port = static_cast<std::uint16_t>(size);
  const auto datagram = std::as_bytes(std::span<const char>(text.data(), text.size()));
  if (const auto answer = parley::net::answerStunBinding(datagram, from)) {
    if (answer->size() > 52 || std::to_integer<unsigned>((*answer)[1]) != 0x01 ||
        !std::equal(answer->begin() + 8, answer->begin() + 20, datagram.begin() + 8)) {
      fail("a STUN answer out of shape");
    }
  }
  return 0;
}
