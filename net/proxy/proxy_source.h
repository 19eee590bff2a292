#pragma once
// ProxySource: one place ProxyDiscovery asks for proxies (manual list,
// environment, OS settings, WPAD, a PAC URL, the default names). Internal to
// net/proxy; ProxyDiscoveryImpl (proxy_discovery.cpp) owns one of each that
// applies, starts them together and merges their answers.
//
// Contract: start() is called once and never calls `done` synchronously;
// `done` comes once, on the executor the source was made with, as the
// source's last action (the owner may destroy the source inside it).
// Destroying a source cancels it (kills a PAC helper, closes sockets) and no
// callback comes afterwards.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/ip/address.hpp>

#include "net/proxy/env_proxy.h"
#include "net/proxy/pac_evaluator.h"
#include "net/proxy/proxy_discovery.h"
#include "net/proxy/proxy_server.h"

namespace parley::net::detail {

struct DiscoveryTarget {
  std::string host;
  std::uint16_t port = 443;
  // What FindProxyForURL is given: "https://host:port/".
  std::string url() const;
};

struct SourceResult {
  std::vector<ProxyServer> proxies;
  std::vector<std::string> notes;
  // A PAC script answered: `pac_direct` says whether DIRECT was among it.
  bool pac_answered = false;
  bool pac_direct = true;
  // The source names a PAC file (OS setting "automatic, URL ..."): the
  // owner fetches and evaluates it as a further source.
  std::string follow_pac_url;
};

class ProxySource {
 public:
  using Done = std::function<void(SourceResult result)>;
  virtual ~ProxySource() = default;
  // "manual", "env", "system", "wpad", "pac", "default"
  virtual const char* name() const = 0;
  virtual void start(const DiscoveryTarget& target, Done done) = 0;
};

// --- the sources (one .cpp each) -------------------------------------------------

std::unique_ptr<ProxySource> makeManualSource(asio::any_io_executor executor,
                                              std::vector<ProxyServer> proxies);
std::unique_ptr<ProxySource> makeEnvironmentSource(asio::any_io_executor executor,
                                                   EnvLookup lookup);

struct PacSourceOptions {
  std::string url;
  ProxyOrigin origin = ProxyOrigin::Pac;  // Wpad when WPAD found the URL
  PacEvaluatorOptions evaluator;
  std::chrono::milliseconds fetch_timeout{5000};
  // When set, an http:// URL's host was just looked up: connect to these.
  std::vector<asio::ip::address> addresses;
};
std::unique_ptr<ProxySource> makePacSource(asio::any_io_executor executor,
                                           PacSourceOptions options);

struct WpadOptions {
  // Where the machine's domain comes from (the lab points these at its own).
  std::string resolv_conf = "/etc/resolv.conf";
  std::string hostname;  // empty: gethostname()
  // DHCP lease files that may carry option 252 (empty: the platform's).
  std::vector<std::string> lease_files;
  bool use_dhcp = true;
  bool use_dns = true;
  PacEvaluatorOptions evaluator;
  std::chrono::milliseconds fetch_timeout{5000};
};
std::unique_ptr<ProxySource> makeWpadSource(asio::any_io_executor executor, WpadOptions options);

// The OS proxy settings (proxy_config_linux.cpp / _win.cpp / _mac.cpp).
std::unique_ptr<ProxySource> makeSystemSource(asio::any_io_executor executor,
                                              std::chrono::milliseconds timeout);

// `name` when it resolves, as each of `kinds` on `port` (origin Default).
std::unique_ptr<ProxySource> makeDefaultNameSource(asio::any_io_executor executor, std::string name,
                                                   std::uint16_t port,
                                                   std::vector<ProxyKind> kinds);

// DHCP option 252 where this platform leaves it (wpad_dhcp_linux.cpp); empty
// when there is none. Reads small local files only.
std::string dhcpWpadUrl(const std::vector<std::string>& lease_files,
                        std::vector<std::string>& notes);

// What ProxyDiscovery::create fixes and tests may change.
struct DiscoverySeams {
  EnvLookup environment;  // empty: the process environment
  bool system_settings = true;
  bool wpad = true;
  std::string socks_server_name = "socks-server";
  std::string web_proxy_name = "web-proxy";
};
std::unique_ptr<ProxyDiscovery> createProxyDiscoveryForTest(asio::any_io_executor executor,
                                                            ProxySettings settings,
                                                            DiscoverySeams seams);

// "kind host:port, ..." summary of proxies (for notes).
std::string describeProxies(const std::vector<ProxyServer>& proxies);

}  // namespace parley::net::detail
