// `parleyd network-requirements`: what to open in firewalls, and the
// bandwidth to plan for, from the configuration in force.

#include <iostream>

#include "app/parleyd/commands.h"
#include "core/server/deployment/network_requirements.h"
#include "core/server/deployment/server_config.h"

namespace parley::app {

int runNetworkRequirements(const NetworkRequirementsCommand& command) {
  auto config = server::loadServerConfig(command.config);
  if (!config) {
    std::cerr << "parleyd network-requirements: " << config.error().detail << "\n";
    return 1;
  }
  if (command.format == "table") {
    std::cout << server::renderRequirementsTable(*config, command.participants);
  } else if (command.format == "acl") {
    std::cout << server::renderRequirementsAcl(*config, command.participants);
  } else if (command.format == "nftables") {
    std::cout << server::renderRequirementsNftables(*config, command.participants);
  } else {
    std::cerr << "parleyd network-requirements: unknown --format '" << command.format
              << "' (table, acl or nftables)\n";
    return 2;
  }
  return std::cout.flush() ? 0 : 1;
}

}  // namespace parley::app
