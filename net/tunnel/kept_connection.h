#pragma once
// KeptConnection: the TCP connection to an HTTP proxy that answered a CONNECT
// with a 407 and said it stays open (keep-alive, body read to its end). The
// next try of the same tunnel sends its CONNECT with credentials on it
// instead of paying a new TCP handshake, as the proxy expects (NTLM even
// needs it). Owns the socket: closes it unless a try took it over.
// Internal to net/tunnel.

#include <memory>

#include "net/platform/socket_api.h"

namespace parley::net {

class KeptConnection {
 public:
  KeptConnection(NativeSocket fd, int family) : fd_(fd), family_(family) {}
  ~KeptConnection();
  KeptConnection(const KeptConnection&) = delete;
  KeptConnection& operator=(const KeptConnection&) = delete;

  [[nodiscard]] int family() const { return family_; }
  // True when nothing is waiting to be read on it and the proxy has not
  // closed it: the next request starts on a clean stream. A proxy may close
  // an idle connection while a person types a password.
  [[nodiscard]] bool idle() const;
  // Hands the socket over (to curl); this no longer closes it.
  NativeSocket release();

 private:
  NativeSocket fd_;
  int family_;
  bool released_ = false;
};

}  // namespace parley::net
