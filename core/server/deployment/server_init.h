#pragma once
// `parleyd init`: creates a deployment directory (private CA, server
// certificate chain, keys, config, empty store). Refuses, destroying nothing,
// when any of the files already exists. Synchronous, main thread.

#include <filesystem>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/server/deployment/server_config.h"

namespace parley::server {

struct InitOptions {
  std::filesystem::path dir;
  std::vector<std::string> hosts = {"localhost"};
  std::vector<Endpoint> tcp = {{"0.0.0.0", 443}, {"0.0.0.0", 5228}};
  Endpoint udp = {"0.0.0.0", 5228};
  // Where the SQLite store goes; empty = parley.db in `dir`. The packaged
  // server keeps config and keys in /etc/parleyd and state in /var/lib/parleyd.
  std::filesystem::path store_path;
  std::string server_name = "parley";
  int rsa_bits = 3072;
  int ca_valid_days = 3650;
  int server_valid_days = 825;
};

struct InitResult {
  std::filesystem::path config_file;
  std::filesystem::path ca_certificate;
  std::filesystem::path ca_key;  // to be moved offline: `parleyd run` never reads it
  std::string ca_fingerprint;    // "AB:CD:..." SHA-256
};

// The file names init creates, in the order it creates them.
const std::vector<std::string>& initFileNames();

Result<InitResult> initServerDirectory(const InitOptions& options);

}  // namespace parley::server
