#pragma once
// The command-line options that say how to get out of the network, shared by
// `join` and `probe`, and the CLI's answer to a proxy that asks for a
// password (--proxy-user and PARLEY_PROXY_PASSWORD; never a prompt, so
// scripts never hang).

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "net/connect/racing_connector.h"

namespace parley::cli {

struct NetworkOptions {
  std::vector<std::string> proxies;  // http://host:port
  std::vector<std::string> socks;    // socks5://host:port, socks4://, socks4a://
  std::string pac;
  bool no_auto = false;
  bool no_direct = false;
  std::string proxy_user;  // DOMAIN\user or user
  double race_timeout_s = 30;
};

void addNetworkOptions(CLI::App& command, NetworkOptions& options);

// Parses the URLs and reads PARLEY_PROXY_PASSWORD; InvalidArgument with the
// offending value otherwise.
Result<net::RaceSettings> makeRaceSettings(const NetworkOptions& options);

}  // namespace parley::cli
