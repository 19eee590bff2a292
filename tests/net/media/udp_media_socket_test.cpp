// UdpMediaSocket on loopback: datagrams both ways, DSCP marks per traffic
// class (read back from the socket), oversized datagrams dropped and counted.

#include <catch2/catch.hpp>

#include <asio/io_context.hpp>

#include "net/media/dscp.h"
#include "net/media/udp_media_socket.h"

using namespace parley;
using namespace parley::net;
using asio::ip::udp;

TEST_CASE("media datagrams carry the DSCP of their class", "[net][media]") {
  asio::io_context io;
  UdpMediaSocket a(io.get_executor(), DscpMarks{});
  UdpMediaSocket b(io.get_executor(), DscpMarks{});
  auto a_ep = a.bind({asio::ip::make_address("127.0.0.1"), 0});
  auto b_ep = b.bind({asio::ip::make_address("127.0.0.1"), 0});
  REQUIRE(a_ep);
  REQUIRE(b_ep);
  std::vector<std::size_t> sizes;
  b.start([&](std::span<std::byte> d, const udp::endpoint& from) {
    sizes.push_back(d.size());
    CHECK(from.port() == a_ep->port());
  });
  std::vector<std::byte> packet(200, std::byte{0x80});
  REQUIRE(a.send(packet, *b_ep, TrafficClass::Audio));
  // The mark stays on the socket until another class is sent.
  CHECK(socketDscp(a.nativeHandleForTest(), false).value() == 46);
  REQUIRE(a.send(packet, *b_ep, TrafficClass::Video));
  CHECK(socketDscp(a.nativeHandleForTest(), false).value() == 34);
  std::vector<std::byte> huge(UdpMediaSocket::kMaxDatagram + 100, std::byte{0x80});
  REQUIRE(a.send(huge, *b_ep, TrafficClass::Video));
  // Until all three arrived; the bound is only for datagrams lost on loopback.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (b.counters().received + b.counters().oversized < 3 &&
         std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(10));
  }
  CHECK(sizes == std::vector<std::size_t>{200, 200});
  CHECK(b.counters().oversized == 1);
  CHECK(a.counters().sent == 3);
  CHECK(a.dscpProblem().empty());
}

TEST_CASE("the DSCP helpers set and read the mark", "[net][media]") {
  asio::io_context io;
  udp::socket s(io, udp::endpoint(udp::v4(), 0));
  for (const std::uint8_t mark : {46, 34, 26, 0}) {
    REQUIRE(setSocketDscp(s.native_handle(), false, mark));
    auto read = socketDscp(s.native_handle(), false);
    REQUIRE(read);
    CHECK(*read == mark);
  }
  CHECK_FALSE(setSocketDscp(s.native_handle(), false, 64));
  DscpMarks marks;
  CHECK(marks.markFor(TrafficClass::Audio) == 46);
  CHECK(marks.markFor(TrafficClass::Video) == 34);
  CHECK(marks.markFor(TrafficClass::Control) == 26);
}
