#pragma once
// `parley-cli probe`'s ICE part: which candidates this machine could offer a
// peer (host candidates from the allowed interfaces; server-reflexive ones
// when a STUN server is named), gathered once with a bounded wait. Shows a
// network administrator what a two-person meeting would try directly.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "net/ice/ice_agent.h"
#include "net/ice/local_interfaces.h"

namespace parley::cli {

struct IceGathering {
  std::vector<std::string> candidates;
  bool complete = false;  // gathering finished within the wait
};

Result<IceGathering> gatherIceCandidates(const net::InterfacePolicy& interfaces,
                                         std::optional<net::IceStunServer> stun,
                                         std::chrono::milliseconds wait);

}  // namespace parley::cli
