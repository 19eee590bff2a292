#pragma once
// RacingConnector: the session's Connector. The first connect() of a session
// races every route (direct to the TLS and alt ports, every proxy that
// ProxyDiscovery finds or the user configured) and remembers the winning
// route in the RouteMemory it shares with its factory; every later connect()
// of the same session (reconnects, a redirect to another server) takes only
// that route. A new sign-in makes a new factory, which races again. When the
// kept route itself fails, it is forgotten, so the reconnect after that races
// everything again (a laptop that changed networks must not stay stuck), and
// so is a route kept across a network change the system reported
// (networkChanged()).
//
// Routes: direct to tls_port and alt_port; HTTP proxies to tls_port; SOCKS
// servers to alt_port, or tls_port when there is none (docs/connecting.md,
// "Routes").
//
// Threads: one executor; see Connector for the contract.

#include <memory>
#include <mutex>
#include <optional>

#include <asio/any_io_executor.hpp>

#include "net/connect/connection_racer.h"
#include "net/connect/connector.h"
#include "net/connect/secure_attempt.h"
#include "net/proxy/proxy_discovery.h"

namespace parley::net {

struct RaceSettings {
  ProxySettings proxies;
  RaceOptions options;
  std::chrono::milliseconds attempt_timeout{15000};
  std::shared_ptr<ProxyCredentialProvider> credentials;  // nullable
  // Nullable: the authentication scheme each HTTP proxy asked for before, so
  // the first CONNECT through it already carries it (ProxyAuthHints).
  std::shared_ptr<ProxyAuthHints> auth_hints;
  bool try_direct = true;
};

// The route that won, shared by every connector of one session. Thread-safe.
// forget() starts a new epoch: a race that began before it (on the network
// the machine has left) cannot bring its winner back.
class RouteMemory {
 public:
  [[nodiscard]] std::uint64_t epoch() const {
    std::lock_guard lock(mu_);
    return epoch_;
  }
  // Keeps `route` unless forget() ran since `started_in` was read.
  void remember(const Route& route, std::uint64_t started_in) {
    std::lock_guard lock(mu_);
    if (started_in == epoch_) {
      route_ = route;
    }
  }
  [[nodiscard]] std::optional<Route> route() const {
    std::lock_guard lock(mu_);
    return route_;
  }
  void forget() {
    std::lock_guard lock(mu_);
    route_.reset();
    ++epoch_;
  }

 private:
  mutable std::mutex mu_;
  std::optional<Route> route_;  // guarded by mu_
  std::uint64_t epoch_ = 0;     // guarded by mu_
};

class RacingConnector final : public Connector {
 public:
  RacingConnector(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls,
                  RaceSettings settings, std::shared_ptr<RouteMemory> memory);
  ~RacingConnector() override;

  void connect(const ConnectTarget& target, Done done) override;
  void cancel() override;

 private:
  void addProxyRoutes(const std::vector<ProxyServer>& proxies);

  asio::any_io_executor executor_;
  std::shared_ptr<asio::ssl::context> tls_;
  RaceSettings settings_;
  std::shared_ptr<RouteMemory> memory_;
  ConnectTarget target_;
  Done done_;
  bool kept_route_ = false;  // this connect took only the session's kept route
  std::uint64_t epoch_ = 0;  // the RouteMemory epoch this connect started in
  // Declared in dependency order: the racer uses the three below it, so it
  // is destroyed first (members die in reverse order).
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<HostResolver> resolver_;
  std::unique_ptr<AttemptFactory> attempts_;
  std::unique_ptr<ConnectionRacer> racer_;
  std::unique_ptr<ProxyDiscovery> discovery_;
};

class RacingConnectorFactory final : public ConnectorFactory {
 public:
  RacingConnectorFactory(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls,
                         RaceSettings settings)
      : executor_(std::move(executor)), tls_(std::move(tls)), settings_(std::move(settings)) {}
  [[nodiscard]] std::unique_ptr<Connector> create() const override {
    return std::make_unique<RacingConnector>(executor_, tls_, settings_, memory_);
  }
  [[nodiscard]] std::optional<Route> winningRoute() const { return memory_->route(); }
  // The next connect races every route again: an office's proxy is no way
  // out from home.
  void networkChanged() override { memory_->forget(); }

 private:
  asio::any_io_executor executor_;
  std::shared_ptr<asio::ssl::context> tls_;
  RaceSettings settings_;
  std::shared_ptr<RouteMemory> memory_ = std::make_shared<RouteMemory>();
};

}  // namespace parley::net
