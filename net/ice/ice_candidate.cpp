#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "net/ice/ice_agent.h"
#include "net/platform/socket_api.h"
#include "net/proxy/text_util.h"

// What every build has of net/ice/ice_agent.h, libnice or not: names, and the
// checks of what a peer sends. No Asio, no libnice: built into the parsers'
// library so the fuzz-only build fuzzes it (tests/fuzz/ice_candidate_fuzzer).

namespace parley::net {

const char* iceStateName(IceState state) {
  switch (state) {
    case IceState::New:
      return "new";
    case IceState::Gathering:
      return "gathering";
    case IceState::Checking:
      return "checking";
    case IceState::Connected:
      return "connected";
    case IceState::Failed:
      return "failed";
    case IceState::Closed:
      return "closed";
  }
  return "new";
}

const char* iceCandidateTypeName(IceCandidateType type) {
  switch (type) {
    case IceCandidateType::Host:
      return "host";
    case IceCandidateType::ServerReflexive:
      return "srflx";
    case IceCandidateType::PeerReflexive:
      return "prflx";
    case IceCandidateType::Relayed:
      return "relay";
  }
  return "host";
}

namespace {

std::vector<std::string_view> splitSpaces(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find(' ', pos);
    const auto stop = end == std::string_view::npos ? text.size() : end;
    if (stop > pos) {
      tokens.push_back(text.substr(pos, stop - pos));
    }
    pos = stop + 1;
  }
  return tokens;
}

bool allDigits(std::string_view text) {
  if (text.empty() || text.size() > 10) {
    return false;
  }
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// A literal IPv4 or IPv6 address that is neither unspecified nor multicast.
bool isUnicastAddress(const std::string& text) {
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
    const bool unspecified = bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0;
    const bool multicast = bytes[0] >= 224 && bytes[0] <= 239;
    return !unspecified && !multicast;
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    const bool unspecified = std::all_of(bytes.begin(), bytes.end(), [](auto b) { return b == 0; });
    return !unspecified && bytes[0] != 0xff;
  }
  return false;
}

Unexpected badCandidate(std::string detail) {
  return makeError(ErrorCode::IceCandidateInvalid, std::move(detail));
}

}  // namespace

Result<void> validateCandidateLine(std::string_view line) {
  if (line.size() > kMaxCandidateLength) {
    return badCandidate("candidate longer than " + std::to_string(kMaxCandidateLength));
  }
  for (const char c : line) {
    if (c < 0x20 || c > 0x7e) {
      return badCandidate("candidate has a control or non-ASCII character");
    }
  }
  constexpr std::string_view kPrefix = "candidate:";
  if (line.substr(0, kPrefix.size()) != kPrefix) {
    return badCandidate("not a candidate attribute");
  }
  const auto tokens = splitSpaces(line.substr(kPrefix.size()));
  // foundation component transport priority address port "typ" type
  if (tokens.size() < 8 || tokens.size() > 16) {
    return badCandidate("candidate has " + std::to_string(tokens.size()) + " fields");
  }
  if (tokens[0].size() > 32 || tokens[1] != "1") {
    return badCandidate("candidate foundation or component invalid");
  }
  const auto transport = text::lower(tokens[2]);
  if (transport != "udp" && transport != "tcp") {
    return badCandidate("candidate transport is neither UDP nor TCP");
  }
  if (!allDigits(tokens[3])) {
    return badCandidate("candidate priority is not a number");
  }
  if (!isUnicastAddress(std::string(tokens[4]))) {
    return badCandidate("candidate address is not a unicast IP address");
  }
  unsigned port = 0;
  const auto* port_end = tokens[5].data() + tokens[5].size();
  if (!allDigits(tokens[5]) ||
      std::from_chars(tokens[5].data(), port_end, port).ec != std::errc{} || port == 0 ||
      port > 65535) {
    return badCandidate("candidate port out of range");
  }
  if (tokens[6] != "typ" || (tokens[7] != "host" && tokens[7] != "srflx" && tokens[7] != "prflx" &&
                             tokens[7] != "relay")) {
    return badCandidate("candidate type unknown");
  }
  return {};
}

Result<void> validateCredentials(const IceCredentials& credentials) {
  const auto ice_chars = [](const std::string& text) {
    for (const char c : text) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '+' || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  };
  if (credentials.ufrag.size() < 4 || credentials.ufrag.size() > kMaxIceCredentialLength ||
      credentials.pwd.size() < 22 || credentials.pwd.size() > kMaxIceCredentialLength ||
      !ice_chars(credentials.ufrag) || !ice_chars(credentials.pwd)) {
    return makeError(ErrorCode::IceCandidateInvalid, "ICE credentials malformed");
  }
  return {};
}

}  // namespace parley::net
