#pragma once
// SecureAttemptFactory: the product's attempts. One attempt takes one route
// through one address of its first hop all the way: TCP to the server (direct)
// or a tunnel through the proxy (ProxyTunnel, libcurl), then TLS 1.3 with the
// server certificate checked against the pinned CA and the server's name,
// then the application's greeting (the server hello). Only then does it
// report success: a middlebox that accepts TCP, or a proxy that answers
// CONNECT, has not proved anything yet.
//
// Threads: everything on the executor given; the observer is called there.
// Destroying an attempt closes its socket, drops its tunnel and timer; no
// observer call comes after that.

#include <chrono>
#include <memory>

#include <asio/any_io_executor.hpp>
#include <asio/ssl/context.hpp>

#include "net/connect/connector.h"
#include "net/connect/race_environment.h"
#include "net/tunnel/proxy_auth_hints.h"
#include "net/tunnel/proxy_credentials.h"

namespace parley::net {

struct SecureAttemptSettings {
  std::shared_ptr<asio::ssl::context> tls;
  Greeting greeting;  // empty(): success at TLS
  // Nullable; asked when a proxy wants credentials it was not given.
  std::shared_ptr<ProxyCredentialProvider> credentials;
  // Nullable; which scheme each proxy asked for before (ProxyAuthHints).
  std::shared_ptr<ProxyAuthHints> auth_hints;
  // Bound on one attempt from its start to the greeting's answer.
  std::chrono::milliseconds attempt_timeout{15000};
};

class SecureAttemptFactory final : public AttemptFactory {
 public:
  SecureAttemptFactory(asio::any_io_executor executor, SecureAttemptSettings settings)
      : executor_(std::move(executor)), settings_(std::move(settings)) {}
  [[nodiscard]] std::unique_ptr<RaceAttempt> start(const AttemptPlan& plan,
                                                   AttemptObserver& observer) override;

 private:
  asio::any_io_executor executor_;
  SecureAttemptSettings settings_;
};

}  // namespace parley::net
