#pragma once
// Two ServerFixtures made into an interconnected pair (docs/interconnect.md),
// before either starts: each gets its own [server] name and interconnect
// ports on loopback, and lists the other as its peer with one shared secret.
// A test that cuts the link between them routes each dial through a port of
// its own (InterconnectAuth::dial_via, e.g. a TcpRelay it can refuse).

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "tests/support/process.h"
#include "tests/support/server_fixture.h"

namespace parley::test {

// A port the system has free now (it may be taken again before use; tests
// that lose that race fail to start and say so).
template <typename Protocol>
std::uint16_t freeLoopbackPort() {
  asio::io_context io;
  typename Protocol::socket socket(io);
  socket.open(Protocol::v4());
  socket.bind(typename Protocol::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return socket.local_endpoint().port();
}

inline constexpr const char* kInterconnectTestSecret = "interconnect-test-secret-0123456789abcdef";

// How each names the other's credentials: a secret (empty: none) and/or the
// certificate file it expects the other to show (empty: none).
struct InterconnectAuth {
  std::string secret_at_a = kInterconnectTestSecret;
  std::string secret_at_b = kInterconnectTestSecret;
  std::string certificate_at_a;
  std::string certificate_at_b;
  // The port a server dials to reach the other's control port (default:
  // that port itself).
  std::function<std::uint16_t(std::uint16_t control_port)> dial_via;
};

inline void interconnect(ServerFixture& a, const std::string& name_a, ServerFixture& b,
                         const std::string& name_b, const InterconnectAuth& auth = {}) {
  struct End {
    ServerFixture& server;
    std::string name;
    std::string secret;
    std::string certificate;
    std::uint16_t media = freeLoopbackPort<asio::ip::udp>();
    std::uint16_t control = freeLoopbackPort<asio::ip::tcp>();
  };
  End ends[2] = {{a, name_a, auth.secret_at_a, auth.certificate_at_a},
                 {b, name_b, auth.secret_at_b, auth.certificate_at_b}};
  for (int i = 0; i < 2; ++i) {
    const End& self = ends[i];
    const End& other = ends[1 - i];
    self.server.setConfig("server.name", "\"" + self.name + "\"");
    self.server.setConfig("interconnect.port", std::to_string(self.media));
    self.server.setConfig("interconnect.control_port", std::to_string(self.control));
    std::string peer =
        "\n[[interconnect.peers]]\nname = \"" + other.name +
        "\"\naddress = \"127.0.0.1\"\nport = " + std::to_string(other.media) + "\ncontrol_port = " +
        std::to_string(auth.dial_via ? auth.dial_via(other.control) : other.control) + "\n";
    if (!self.secret.empty()) {
      peer += "secret = \"" + self.secret + "\"\n";
    }
    if (!self.certificate.empty()) {
      peer += "certificate = \"" + self.certificate + "\"\n";
    }
    writeFile(self.server.configFile(), readFile(self.server.configFile()) + peer);
  }
}

}  // namespace parley::test
