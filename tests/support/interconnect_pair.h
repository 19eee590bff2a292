#pragma once
// Two ServerFixtures made into an interconnected pair (docs/interconnect.md),
// before either starts: each gets its own [server] name and interconnect
// ports on loopback, and lists the other as its peer with one shared secret.
// A test that cuts the link between them routes each dial through a port of
// its own (InterconnectAuth::dial_via, e.g. a TcpRelay it can refuse).
// interconnectMesh links three or more, each with all the others.

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

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

namespace detail {

// One [[interconnect.peers]] table, as a server lists another.
inline std::string peerTable(const std::string& name, std::uint16_t media, std::uint16_t control,
                             const std::string& secret, const std::string& certificate) {
  std::string peer = "\n[[interconnect.peers]]\nname = \"" + name +
                     "\"\naddress = \"127.0.0.1\"\nport = " + std::to_string(media) +
                     "\ncontrol_port = " + std::to_string(control) + "\n";
  if (!secret.empty()) {
    peer += "secret = \"" + secret + "\"\n";
  }
  if (!certificate.empty()) {
    peer += "certificate = \"" + certificate + "\"\n";
  }
  return peer;
}

// A server's own name and interconnect ports.
struct MeshNode {
  ServerFixture& server;
  std::string name;
  std::uint16_t media = freeLoopbackPort<asio::ip::udp>();
  std::uint16_t control = freeLoopbackPort<asio::ip::tcp>();

  void configureSelf() const {
    server.setConfig("server.name", "\"" + name + "\"");
    server.setConfig("interconnect.port", std::to_string(media));
    server.setConfig("interconnect.control_port", std::to_string(control));
  }
  void addPeer(const std::string& table) const {
    writeFile(server.configFile(), readFile(server.configFile()) + table);
  }
};

}  // namespace detail

inline void interconnect(ServerFixture& a, const std::string& name_a, ServerFixture& b,
                         const std::string& name_b, const InterconnectAuth& auth = {}) {
  const detail::MeshNode nodes[2] = {{a, name_a}, {b, name_b}};
  const std::string secrets[2] = {auth.secret_at_a, auth.secret_at_b};
  const std::string certificates[2] = {auth.certificate_at_a, auth.certificate_at_b};
  for (int i = 0; i < 2; ++i) {
    const auto& self = nodes[i];
    const auto& other = nodes[1 - i];
    self.configureSelf();
    self.addPeer(detail::peerTable(other.name, other.media,
                                   auth.dial_via ? auth.dial_via(other.control) : other.control,
                                   secrets[i], certificates[i]));
  }
}

// Every server lists every other, all with one shared secret.
inline void interconnectMesh(const std::vector<std::pair<ServerFixture*, std::string>>& servers) {
  std::vector<detail::MeshNode> nodes;
  nodes.reserve(servers.size());
  for (const auto& [server, name] : servers) {
    nodes.push_back({*server, name});
  }
  for (const auto& self : nodes) {
    self.configureSelf();
    for (const auto& other : nodes) {
      if (&other != &self) {
        self.addPeer(
            detail::peerTable(other.name, other.media, other.control, kInterconnectTestSecret, {}));
      }
    }
  }
}

}  // namespace parley::test
