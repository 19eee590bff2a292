#include "net/connect/racing_connector.h"

#include <asio/post.hpp>

#include "net/connect/asio_race_environment.h"

namespace parley::net {

RacingConnector::RacingConnector(asio::any_io_executor executor,
                                 std::shared_ptr<asio::ssl::context> tls, RaceSettings settings,
                                 std::shared_ptr<RouteMemory> memory)
    : executor_(std::move(executor)),
      tls_(std::move(tls)),
      settings_(std::move(settings)),
      memory_(std::move(memory)) {}

RacingConnector::~RacingConnector() { cancel(); }

void RacingConnector::cancel() {
  done_ = nullptr;
  discovery_.reset();
  racer_.reset();
}

void RacingConnector::connect(const ConnectTarget& target, Done done) {
  target_ = target;
  done_ = std::move(done);
  scheduler_ = std::make_unique<AsioScheduler>(executor_);
  resolver_ = std::make_unique<AsioHostResolver>(executor_);
  SecureAttemptSettings attempt_settings;
  attempt_settings.tls = tls_;
  attempt_settings.greeting = greeting();
  attempt_settings.credentials = settings_.credentials;
  attempt_settings.auth_hints = settings_.auth_hints;
  attempt_settings.attempt_timeout = settings_.attempt_timeout;
  attempts_ = std::make_unique<SecureAttemptFactory>(executor_, std::move(attempt_settings));
  racer_ = std::make_unique<ConnectionRacer>(*scheduler_, *resolver_, *attempts_, target.host,
                                             settings_.options);

  kept_route_ = false;
  epoch_ = memory_->epoch();
  if (auto kept = memory_->route()) {
    kept_route_ = true;
    // The session already knows its way out: take only that route.
    racer_->addRoute(*kept);
    racer_->noMoreRoutes();
  } else {
    if (settings_.try_direct) {
      racer_->addRoute(Route{std::nullopt, target.tls_port});
      if (target.alt_port != 0 && target.alt_port != target.tls_port) {
        racer_->addRoute(Route{std::nullopt, target.alt_port});
      }
    }
    // The manual list is known now; discovery repeats it (deduplicated).
    addProxyRoutes(settings_.proxies.manual);
    discovery_ = ProxyDiscovery::create(executor_, settings_.proxies);
    discovery_->discover(
        target.host, target.tls_port,
        [this](const std::vector<ProxyServer>& proxies, const std::string& /*note*/) {
          addProxyRoutes(proxies);
        },
        [this](bool /*direct_allowed*/, const std::vector<std::string>& /*notes*/) {
          // A PAC script that says "no DIRECT" cannot know every network the
          // laptop visits; direct stays in the race (it simply fails where
          // the firewall blocks it).
          if (racer_) {
            racer_->noMoreRoutes();
          }
        });
  }

  racer_->start([this](const AttemptEvent& event) { reportProgress(event); },
                [this](Result<RaceWin> result) {
                  Done finished = std::move(done_);
                  done_ = nullptr;
                  if (result) {
                    memory_->remember(result.value().route, epoch_);
                  } else if (kept_route_) {
                    // The kept route is gone (the laptop changed networks, the
                    // proxy went away): the next reconnect races everything
                    // again instead of retrying a dead path forever.
                    memory_->forget();
                  }
                  // The losers are gone already; discovery has nothing left
                  // to add. We may be inside a discovery callback (its
                  // `finished` ended the race), so it dies on a later turn;
                  // the racer is kept: we are inside its call.
                  if (discovery_) {
                    asio::post(executor_,
                               [gone = std::shared_ptr<ProxyDiscovery>(std::move(discovery_))] {});
                  }
                  if (!finished) {
                    return;
                  }
                  if (!result) {
                    finished(makeError(std::move(result).error()));
                    return;
                  }
                  finished(std::move(result).value().connected);
                });
}

void RacingConnector::addProxyRoutes(const std::vector<ProxyServer>& proxies) {
  if (!racer_) {
    return;
  }
  for (const auto& proxy : proxies) {
    const std::uint16_t socks_port = target_.alt_port != 0 ? target_.alt_port : target_.tls_port;
    const std::uint16_t port = proxy.kind == ProxyKind::Http ? target_.tls_port : socks_port;
    racer_->addRoute(Route{proxy, port});
  }
}

}  // namespace parley::net
