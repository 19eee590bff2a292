#include "net/tunnel/kept_connection.h"

#ifndef _WIN32
#include <poll.h>
#endif

namespace parley::net {

KeptConnection::~KeptConnection() {
  if (!released_) {
    closeSocket(fd_);
  }
}

bool KeptConnection::idle() const {
  if (released_) {
    return false;
  }
#ifdef _WIN32
  WSAPOLLFD entry{};
  entry.fd = fd_;
  entry.events = POLLRDNORM;
  const int ready = ::WSAPoll(&entry, 1, 0);
#else
  pollfd entry{};
  entry.fd = fd_;
  entry.events = POLLIN;
  const int ready = ::poll(&entry, 1, 0);
#endif
  // Readable (data or the proxy's close), an error or a hang-up: not clean.
  return ready == 0;
}

NativeSocket KeptConnection::release() {
  released_ = true;
  return fd_;
}

}  // namespace parley::net
