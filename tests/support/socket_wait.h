#pragma once
// Waiting on a socket in tests: poll(2) on POSIX, WSAPoll on Windows.

#ifdef _WIN32
#include <winsock2.h>
#else
#include <poll.h>
#endif

#include "net/platform/socket_api.h"

namespace parley::testing {

inline int pollSockets(pollfd* fds, unsigned count, int timeout_ms) {
#ifdef _WIN32
  return ::WSAPoll(fds, count, timeout_ms);
#else
  return ::poll(fds, count, timeout_ms);
#endif
}

// Whether `socket` becomes readable (data, or the peer's close) within
// timeout_ms.
inline bool waitReadable(net::NativeSocket socket, int timeout_ms) {
  pollfd p{socket, POLLIN, 0};
  return pollSockets(&p, 1, timeout_ms) == 1;
}

}  // namespace parley::testing
