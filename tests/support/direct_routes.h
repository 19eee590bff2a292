#pragma once
// The connector the product ships (RacingConnectorFactory), given only the
// direct routes: the tests that talk to a local parleyd go through the same
// race, greeting and route memory as parley-cli and the desktop client do.
// No proxy source runs (environment, OS settings, WPAD, PAC, default names),
// so the machine's proxy setup never reaches a test: `parley-cli --no-auto`
// with no --proxy, --socks or --pac gives the same route set.

#include <memory>

#include <asio/any_io_executor.hpp>

#include "net/connect/racing_connector.h"

namespace parley::test {

inline net::RaceSettings directOnlyRaceSettings() {
  net::RaceSettings settings;
  settings.try_direct = true;
  settings.proxies.auto_detect = false;
  settings.proxies.default_names = false;
  settings.proxies.manual.clear();
  settings.proxies.pac_url.clear();
  return settings;
}

// One factory per session, as a sign-in makes one: it keeps the winning
// route for that session's reconnects.
inline std::shared_ptr<net::ConnectorFactory> directOnlyConnectors(
    asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls) {
  return std::make_shared<net::RacingConnectorFactory>(std::move(executor), std::move(tls),
                                                       directOnlyRaceSettings());
}

}  // namespace parley::test
