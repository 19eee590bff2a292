// UdpMediaSocket on loopback: datagrams both ways, DSCP marks per traffic
// class (read back from the socket), oversized datagrams dropped and counted.

#include <catch2/catch.hpp>

#include <asio/io_context.hpp>

#include "net/media_transport/dscp.h"
#include "net/media_transport/udp_media_socket.h"

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
#ifndef _WIN32
  // The mark stays on the socket until another class is sent.
  CHECK(socketDscp(a.nativeHandleForTest(), false).value() == 46);
#endif
  REQUIRE(a.send(packet, *b_ep, TrafficClass::Video));
#ifndef _WIN32
  CHECK(socketDscp(a.nativeHandleForTest(), false).value() == 34);
#endif
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
#ifdef _WIN32
  // Sent unmarked, and said once (net/media_transport/dscp_win.cpp).
  CHECK_THAT(a.dscpProblem(), Catch::Contains("not set on Windows"));
#else
  CHECK(a.dscpProblem().empty());
#endif
}

#ifdef _WIN32
TEST_CASE("on Windows DSCP marks are refused with the reason", "[net][media]") {
  asio::io_context io;
  udp::socket s(io, udp::endpoint(udp::v4(), 0));
  const auto set = setSocketDscp(s.native_handle(), false, 46);
  REQUIRE_FALSE(set);
  CHECK_THAT(set.error().detail, Catch::Contains("qWAVE"));
  CHECK_FALSE(setSocketDscp(s.native_handle(), false, 64));
}
#else
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
}
#endif

TEST_CASE("each traffic class has its mark", "[net][media]") {
  DscpMarks marks;
  CHECK(marks.markFor(TrafficClass::Audio) == 46);
  CHECK(marks.markFor(TrafficClass::Video) == 34);
  CHECK(marks.markFor(TrafficClass::Control) == 26);
}
