#include "net/media_transport/dscp.h"

namespace parley::net {
namespace {

constexpr const char* kWhy =
    "DSCP marks are not set on Windows: it ignores IP_TOS, and qWAVE sets a flow's DSCP only "
    "for administrators or by Group Policy; packets go unmarked";

}  // namespace

Result<void> setSocketDscp(NativeSocket /*socket*/, bool /*ipv6*/, std::uint8_t dscp) {
  if (dscp > 63) {
    return makeError(ErrorCode::InvalidArgument, "DSCP must be 0..63");
  }
  return makeError(ErrorCode::Io, kWhy);
}

Result<std::uint8_t> socketDscp(NativeSocket /*socket*/, bool /*ipv6*/) {
  return makeError(ErrorCode::Io, kWhy);
}

}  // namespace parley::net
