#pragma once
// ProxyTunnel: a TCP byte stream to target_host:target_port through one proxy
// (HTTP CONNECT, SOCKS4, SOCKS4a, SOCKS5), built by libcurl
// (CURLOPT_CONNECT_ONLY + CURLOPT_HTTPPROXYTUNNEL / CURLOPT_PROXYTYPE) and
// driven by curl's multi interface from Asio (socket and timer callbacks, no
// busy polling, no thread per attempt). Once the tunnel is up the socket is
// handed over (dup'ed, curl's handle cleaned up) for Parley's own TLS.
//
// Proxy authentication, as a person expects: when `auth_hints` knows the
// scheme this proxy asked for before, the first try uses it at once (asking
// the provider first when no credentials are configured); otherwise the
// first try goes without credentials, or with ProxyServer::user/password when
// configured (then curl picks Basic, Digest or NTLM itself). On a 407 the schemes the proxy lists
// are tried one at a time, strongest first, because curl's CURLAUTH_ANY does
// not fall back from a failed Negotiate: Negotiate with the Kerberos ticket
// cache, then the strongest of NTLM, Digest, Basic with the configured
// credentials or, when those are missing or refused, with what the
// ProxyCredentialProvider answers (at most 3 prompts; NTLM user is
// "domain\user" when a domain is given). Schemes this process's libcurl lacks
// are skipped (docs/adr/0011). SOCKS5 asks the provider (scheme "SOCKS5") when
// the server wants RFC 1929 user/password. GSS-API can block on KDC look-ups,
// so Negotiate tries run on one shared GSS thread (docs/adr/0012), never on the
// thread that serves the race's other attempts.
//
// Every stage is bounded: the whole tunnel by `timeout` (time spent waiting for
// a person's answer does not count), the proxy's reply headers by 64 KiB. A
// proxy that answers garbage, a 502, headers that never end, a 200 and then
// closes at once, a SOCKS reply that is malformed or truncated, or silence:
// each fails this tunnel with an Error (codes and texts: docs/tunnels.md).
// A close that comes after the hand-over is left to the TLS stage.
//
// Progress: TcpConnected when the socket to the proxy is writable and has a
// peer (live, from the curl driver; CURLINFO_CONNECT_TIME_T as a fallback, said
// in the detail), ProxyAuth per authentication try ("Basic realm=\"Corp\"",
// "Negotiate (Kerberos ticket)"), TunnelUp with the proxy's status line.
//
// Threads: start() and the destructor run on `executor`, whose context must be
// run by one thread (the curl driver of that context has no lock); `progress`
// and `done` are called there, never from inside start(). Destroying the
// tunnel cancels it: no socket, timer, thread hand-off or curl handle survives
// it, and no callback comes. The credential provider's answer may come on any
// thread, also after the tunnel is gone (it is then ignored), but not after
// the executor's context is destroyed.

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
#include "net/tunnel/proxy_auth_hints.h"
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
  // Nullable. The scheme this proxy asked for before is used on the first
  // CONNECT; the one that worked is remembered for the next tunnel.
  std::shared_ptr<ProxyAuthHints> auth_hints;
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
