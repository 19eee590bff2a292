#pragma once
// DSCP marks (RFC 2474) for Parley's traffic classes, so networks with QoS
// can put voice first: audio EF (46), video AF41 (34), control AF31 (26), as
// the Prysm deployment guide recommends for business data. Configurable, and
// off where the operating system refuses (some forbid setting it without
// privileges); a refusal is reported once and never fails a call.

#include <cstdint>
#include <string>

#include "core/base/result.h"
#include "net/platform/socket_api.h"

namespace parley::net {

enum class TrafficClass : std::uint8_t { Audio, Video, Control };

struct DscpMarks {
  bool enabled = true;
  std::uint8_t audio = 46;    // EF
  std::uint8_t video = 34;    // AF41
  std::uint8_t control = 26;  // AF31

  [[nodiscard]] std::uint8_t markFor(TrafficClass c) const {
    switch (c) {
      case TrafficClass::Audio:
        return audio;
      case TrafficClass::Video:
        return video;
      case TrafficClass::Control:
        return control;
    }
    return 0;
  }
};

// Sets the DSCP of every packet later sent on `socket` (IP_TOS or
// IPV6_TCLASS, the two ECN bits left 0). `ipv6`: the socket's family.
// dscp_posix.cpp does it; dscp_win.cpp refuses with Unsupported: Windows
// ignores IP_TOS and marks only through qWAVE flows (per destination, and
// the DSCP of a flow only with administrator rights or a Group Policy).
Result<void> setSocketDscp(NativeSocket socket, bool ipv6, std::uint8_t dscp);

// Reads it back (for tests and diagnostics).
Result<std::uint8_t> socketDscp(NativeSocket socket, bool ipv6);

}  // namespace parley::net
