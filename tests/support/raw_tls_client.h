#pragma once
// RawTlsClient: a blocking TLS 1.3 client that trusts the test server's CA and
// writes whatever bytes a test wants (garbage, oversize headers, wrong
// versions), then reads frames back. For bad-input tests only.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/parley.pb.h"

namespace parley::test {

class RawTlsClient {
 public:
  // `local_address` (e.g. "127.0.0.2"; loopback answers on all of 127/8)
  // makes the server see another source address. Throws when the TLS
  // handshake fails.
  RawTlsClient(std::uint16_t port, const std::string& ca_file,
               const std::string& local_address = "");
  ~RawTlsClient();

  void writeBytes(const std::string& bytes);
  void send(const proto::Envelope& envelope);
  // The next frame, or nullopt when the server closed or nothing came in time.
  std::optional<proto::Envelope> read(std::chrono::milliseconds timeout);
  // Reads until the server closes the connection (true) or the timeout (false).
  bool readUntilClosed(std::chrono::milliseconds timeout,
                       std::vector<proto::Envelope>* seen = nullptr);

  // Hello + sign-in (+ join when room is set); returns false if refused.
  bool signIn(const std::string& user, const std::string& password, const std::string& room = "");
  // The same with a resume token instead of the password.
  bool signInWithToken(const std::string& user, const std::string& token,
                       const std::string& room = "");
  // The resume token of the last successful sign-in (empty: none issued).
  [[nodiscard]] std::string resumeToken() const;

  // The ClientHello.client_instance signIn() sends: random and non-zero per
  // client, as real clients choose it; a test may present another's.
  [[nodiscard]] std::uint64_t clientInstance() const;
  void setClientInstance(std::uint64_t instance);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::test
