#pragma once
// ProxyDiscovery: finds every proxy the client could go out through, from
// every source at once: the user's manual list, the environment
// (https_proxy, http_proxy, all_proxy, no_proxy), the OS settings, WPAD and a
// PAC script (evaluated in a separate, resource-limited helper process), and
// the default names web-proxy:8088 / socks-server:1080.
//
// Results are progressive so that a slow source (WPAD over a dead DNS, a PAC
// file on a slow server) never delays the attempts that are already known:
// `found` is called once per source that yields something, as soon as it
// does; `finished` is called once when every source has answered or timed
// out. The race starts an attempt for each new proxy it is handed.
//
// Threads: runs on the executor it is given; callbacks come on it. Destroying
// the object cancels every lookup and kills a running PAC helper; no callback
// comes after that.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "net/proxy/proxy_server.h"

namespace parley::net {

struct ProxySettings {
  // Environment, OS settings, WPAD/PAC and (when those find nothing) the
  // default web-proxy:8088. Off = only the manual list and the PAC URL.
  bool auto_detect = true;
  // HTTP and SOCKS servers the user configured, tried as given.
  std::vector<ProxyServer> manual;
  // An explicit PAC file (http(s):// or file://); used instead of WPAD.
  std::string pac_url;
  // socks-server:1080 (SOCKS4 and SOCKS5) when that name resolves; and
  // web-proxy:8088 when auto-detection found no HTTP proxy.
  bool default_names = true;
  // The parley-pac-helper executable; empty = next to the running program.
  std::string pac_helper_path;
  // Bound on the whole discovery (WPAD walk, PAC fetch and evaluation).
  std::chrono::milliseconds timeout{8000};
};

class ProxyDiscovery {
 public:
  // `note` says in a sentence what the source found or why it failed, e.g.
  // "WPAD: http://wpad.corp.example/wpad.dat -> PROXY p1:3128; DIRECT".
  using Found = std::function<void(std::vector<ProxyServer> proxies, std::string note)>;
  // `direct_allowed` is false when a PAC script answered without DIRECT.
  using Finished = std::function<void(bool direct_allowed, std::vector<std::string> notes)>;

  virtual ~ProxyDiscovery() = default;
  // Starts every source for a connection to target_host:target_port. Call once.
  virtual void discover(const std::string& target_host, std::uint16_t target_port, Found found,
                        Finished finished) = 0;

  static std::unique_ptr<ProxyDiscovery> create(asio::any_io_executor executor,
                                                ProxySettings settings);
};

}  // namespace parley::net
