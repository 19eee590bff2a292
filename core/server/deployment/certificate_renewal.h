#pragma once
// `parleyd cert renew`: a new server key and certificate for the same names,
// issued by the same private CA, replacing server.key and server.crt. Clients
// pin the CA (ca.crt), not the server certificate, so they need no change.
// The CA key is read only here, never by `parleyd run`: it can live offline
// (a USB stick, another machine) and be brought back for a renewal.
// Synchronous, main thread.

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/server/deployment/server_config.h"

namespace parley::server {

struct RenewOptions {
  // The CA's private key; empty = ca.key beside the configured CA certificate.
  std::filesystem::path ca_key;
  int rsa_bits = 3072;
  int valid_days = 825;
};

struct RenewResult {
  std::vector<std::string> hosts;  // the names of the new certificate (as the old one's)
  std::string old_fingerprint;     // SHA-256 of the server certificates, "AB:CD:..."
  std::string new_fingerprint;
};

// Issues and writes the new pair. Each file is replaced atomically and keeps
// the old file's owner, group and mode. The running server reads its
// certificate when it starts: restart it to serve the new one.
Result<RenewResult> renewServerCertificate(const ServerConfig& config, const RenewOptions& options);

}  // namespace parley::server
