#pragma once
// Why a tunnel try failed, as a Parley error a person can act on: the
// proxy's HTTP status or SOCKS reply, or what curl saw on the way there
// (the codes and texts are listed in docs/tunnels.md). Pure functions.

#include <string>

#include "core/base/error.h"
#include "net/tunnel/curl_try.h"
#include "net/tunnel/proxy_tunnel.h"

namespace parley::net {

// "host:port" of the tunnel's target, an IPv6 address in brackets.
std::string targetHostPort(const TunnelRequest& request);

// `tcp_seen`: the connection to the proxy was up during this tunnel, so a
// timeout means the proxy went quiet rather than the network.
Error describeTryFailure(const TryOutcome& outcome, const TunnelRequest& request, bool tcp_seen);

}  // namespace parley::net
