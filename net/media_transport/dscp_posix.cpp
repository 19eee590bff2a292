#include "net/media_transport/dscp.h"

#include <netinet/ip.h>

#include <cerrno>
#include <cstring>

namespace parley::net {

Result<void> setSocketDscp(NativeSocket fd, bool ipv6, std::uint8_t dscp) {
  if (dscp > 63) {
    return makeError(ErrorCode::InvalidArgument, "DSCP must be 0..63");
  }
  const int tos = dscp << 2;
  const int rc = ipv6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos))
                      : setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
  if (rc != 0) {
    return makeError(ErrorCode::Io, std::string("cannot set DSCP: ") + std::strerror(errno));
  }
  return {};
}

Result<std::uint8_t> socketDscp(NativeSocket fd, bool ipv6) {
  int tos = 0;
  socklen_t len = sizeof(tos);
  const int rc = ipv6 ? getsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, &len)
                      : getsockopt(fd, IPPROTO_IP, IP_TOS, &tos, &len);
  if (rc != 0) {
    return makeError(ErrorCode::Io, std::string("cannot read DSCP: ") + std::strerror(errno));
  }
  return static_cast<std::uint8_t>((tos >> 2) & 0x3f);
}

}  // namespace parley::net
