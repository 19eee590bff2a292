#pragma once
// Two ServerFixtures made into an interconnected pair (docs/interconnect.md),
// before either starts: each gets its own [server] name and interconnect
// ports on loopback, and lists the other as its peer with one shared secret.

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
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

inline void interconnect(ServerFixture& a, const std::string& name_a, ServerFixture& b,
                         const std::string& name_b,
                         const std::string& secret_of_b_at_a = kInterconnectTestSecret) {
  struct End {
    ServerFixture& server;
    std::string name;
    std::uint16_t media = freeLoopbackPort<asio::ip::udp>();
    std::uint16_t control = freeLoopbackPort<asio::ip::tcp>();
  };
  End ends[2] = {{a, name_a}, {b, name_b}};
  for (int i = 0; i < 2; ++i) {
    const End& self = ends[i];
    const End& other = ends[1 - i];
    self.server.setConfig("server.name", "\"" + self.name + "\"");
    self.server.setConfig("interconnect.port", std::to_string(self.media));
    self.server.setConfig("interconnect.control_port", std::to_string(self.control));
    const std::string secret = i == 0 ? secret_of_b_at_a : kInterconnectTestSecret;
    writeFile(self.server.configFile(),
              readFile(self.server.configFile()) + "\n[[interconnect.peers]]\nname = \"" +
                  other.name +
                  "\"\naddress = \"127.0.0.1\"\nport = " + std::to_string(other.media) +
                  "\ncontrol_port = " + std::to_string(other.control) + "\nsecret = \"" + secret +
                  "\"\n");
  }
}

}  // namespace parley::test
