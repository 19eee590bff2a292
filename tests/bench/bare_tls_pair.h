#pragma once
// The limit for Parley's channel on this machine: a bare OpenSSL TLS 1.3
// TLS_AES_256_GCM_SHA384 client/server pair on loopback, blocking sockets,
// one thread each, moving the same bytes as the channel benchmark.

#include <cstddef>
#include <string>

namespace parley::bench {

struct ThroughputResult {
  double seconds = 0;
  std::size_t bytes = 0;
  [[nodiscard]] double mibPerSecond() const {
    return static_cast<double>(bytes) / (1024.0 * 1024.0) / seconds;
  }
};

// Sends `messages` writes of `message_bytes` each from client to server.
ThroughputResult runBareTlsPair(const std::string& cert_chain_file, const std::string& key_file,
                                std::size_t messages, std::size_t message_bytes);

}  // namespace parley::bench
