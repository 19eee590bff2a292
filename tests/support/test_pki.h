#pragma once
// A deployment's PKI for tests that run real TLS on loopback without a
// parleyd directory: a CA and a server certificate for 127.0.0.1 and
// localhost, issued as `parleyd init` does, written to a temporary directory
// (the TLS contexts load files). Keys are 2048 bits, the policy's minimum:
// larger ones only make every test binary slower to start under sanitizers.
//
// One per process (testPki()), created on first use and removed at exit;
// any thread.

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>

#include "net/tls/certificate_authority.h"
#include "net/tls/tls_context.h"

namespace parley::testing {

class TestPki {
 public:
  TestPki() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("parley-test-pki-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    const auto ca = authority("Parley test CA");
    const auto server = issue(ca);
    write("ca.crt", ca.certificate_pem);
    write("server.crt", server.certificate_pem + ca.certificate_pem);
    write("server.key", server.private_key_pem);
  }
  ~TestPki() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  [[nodiscard]] std::string caFile() const { return (dir_ / "ca.crt").string(); }

  // The server's TLS context: its certificate issued by our CA, or (stranger)
  // one for the same names issued by a CA the clients do not trust.
  [[nodiscard]] std::shared_ptr<asio::ssl::context> serverContext(bool stranger = false) const {
    if (stranger) {
      std::call_once(stranger_made_, [this] {
        // A CA of its own, unknown to the clients: what an inspecting proxy
        // shows. Made only when asked for: RSA keys are slow under sanitizers.
        const auto other = authority("Stranger CA");
        const auto other_server = issue(other);
        write("stranger.crt", other_server.certificate_pem + other.certificate_pem);
        write("stranger.key", other_server.private_key_pem);
      });
    }
    const std::string name = stranger ? "stranger" : "server";
    auto ctx = net::makeServerTlsContext((dir_ / (name + ".crt")).string(),
                                         (dir_ / (name + ".key")).string());
    if (!ctx) {
      throw std::runtime_error("test PKI: " + ctx.error().toString());
    }
    return *ctx;
  }

  // The client's TLS context: trusts our CA only.
  [[nodiscard]] std::shared_ptr<asio::ssl::context> clientContext() const {
    auto ctx = net::makeClientTlsContext(caFile());
    if (!ctx) {
      throw std::runtime_error("test PKI: " + ctx.error().toString());
    }
    return *ctx;
  }

 private:
  static net::PemKeyPair authority(const std::string& name) {
    auto ca = net::createCertificateAuthority(name, net::kMinimumRsaBits, 30);
    if (!ca) {
      throw std::runtime_error("test PKI: " + ca.error().toString());
    }
    return *ca;
  }
  static net::PemKeyPair issue(const net::PemKeyPair& ca) {
    auto server =
        net::issueServerCertificate(ca, {"127.0.0.1", "localhost"}, net::kMinimumRsaBits, 30);
    if (!server) {
      throw std::runtime_error("test PKI: " + server.error().toString());
    }
    return *server;
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream out(dir_ / name, std::ios::binary);
    out << text;
  }

  std::filesystem::path dir_;
  mutable std::once_flag stranger_made_;
};

inline const TestPki& testPki() {
  static const TestPki kPki;
  return kPki;
}

}  // namespace parley::testing
