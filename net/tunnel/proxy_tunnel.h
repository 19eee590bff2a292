#pragma once
// ProxyTunnel: a TCP byte stream to target_host:target_port through one proxy
// (HTTP CONNECT, SOCKS4, SOCKS4a, SOCKS5), built by libcurl
// (CURLOPT_CONNECT_ONLY + CURLOPT_HTTPPROXYTUNNEL / CURLOPT_PROXYTYPE) and
// driven by curl's multi interface from Asio (socket and timer callbacks, no
// busy polling, no thread per attempt). Once the tunnel is up the socket is
// handed over (dup'ed, curl's handle cleaned up) for Parley's own TLS.
//
// Proxy authentication: Basic, Digest, NTLM, Negotiate. NTLM and Negotiate
// first try the logged-in credentials (Kerberos ticket cache); when the proxy
// still answers 407 the ProxyCredentialProvider is asked and the tunnel is
// retried. Schemes the 407 lists are offered one at a time, strongest first,
// because curl's CURLAUTH_ANY does not fall back from a failed Negotiate.
// GSS-API can block on KDC look-ups, so Negotiate runs on a thread of its own,
// never on the thread that serves the race's other attempts.
//
// Every stage is bounded: the whole tunnel by `timeout`, the proxy's reply
// headers by size; a proxy that answers garbage, a 502, headers that never
// end, a 200 and then closes, a SOCKS reply that is malformed or truncated,
// or silence: each fails this tunnel with a clear Error.
//
// Threads: start() and the destructor run on `executor`; `progress` and
// `done` are called there. Destroying the tunnel cancels it: no socket,
// timer, thread hand-off or curl handle survives it, and no callback comes.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>

#include "core/base/result.h"
#include "net/connect/connector.h"
#include "net/proxy/proxy_server.h"
#include "net/tunnel/proxy_credentials.h"

namespace parley::net {

struct TunnelRequest {
  ProxyServer proxy;
  // When set, connect to this address of the proxy (an IP literal the race
  // chose for Happy Eyeballs) while keeping proxy.host as its name (Kerberos
  // needs the name for the service principal).
  std::string proxy_address;
  std::string target_host;  // sent to the proxy as a name (4a, 5, CONNECT);
                            // SOCKS4 resolves it locally first
  std::uint16_t target_port = 0;
  ProxyCredentialProvider* credentials = nullptr;  // nullable: then a 407 fails the tunnel
  std::chrono::milliseconds timeout{10000};
};

class ProxyTunnel {
 public:
  // stage is one of TcpConnected, ProxyAuth, TunnelUp; detail is for people
  // (ProxyAuth: "Basic realm=\"Corp\"").
  using Progress = std::function<void(AttemptEvent::Stage stage, std::string detail)>;
  using Done = std::function<void(Result<asio::ip::tcp::socket>)>;

  virtual ~ProxyTunnel() = default;

  // Starts the tunnel; `done` is called exactly once unless the tunnel is
  // destroyed first. The socket belongs to `executor`.
  static std::unique_ptr<ProxyTunnel> start(asio::any_io_executor executor, TunnelRequest request,
                                            Progress progress, Done done);
};

}  // namespace parley::net
