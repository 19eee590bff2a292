// `parleyd cert renew`: see core/server/deployment/certificate_renewal.h.

#include <iostream>

#include "app/parleyd/commands.h"
#include "core/server/deployment/certificate_renewal.h"
#include "core/server/deployment/server_config.h"

namespace parley::app {

int runCertRenew(const CertRenewCommand& command) {
  auto config = server::loadServerConfig(command.config);
  if (!config) {
    std::cerr << "parleyd cert renew: " << config.error().detail << "\n";
    return 1;
  }
  server::RenewOptions options;
  options.ca_key = command.ca_key;
  options.rsa_bits = command.rsa_bits;
  options.valid_days = command.valid_days;
  auto renewed = server::renewServerCertificate(*config, options);
  if (!renewed) {
    std::cerr << "parleyd cert renew: " << renewed.error().detail << "\n";
    return 1;
  }
  std::cout << "Renewed the server certificate " << config->certificate.string() << " for";
  for (const auto& host : renewed->hosts) {
    std::cout << " " << host;
  }
  std::cout << "\n  old SHA-256: " << renewed->old_fingerprint
            << "\n  new SHA-256: " << renewed->new_fingerprint
            << "\nSame CA: clients need no change. Restart the server to serve it (systemctl "
               "restart parleyd), and put the CA key back offline.\n";
  return 0;
}

}  // namespace parley::app
