// MediaRouter over real UDP on loopback: an authenticated packet from one
// participant reaches the other re-protected with the receiver's own keys;
// every kind of bad packet (bad tag, replay, unknown or someone else's SSRC,
// truncated, oversized) is dropped and counted and reaches nobody.

#include <catch2/catch.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <future>

#include "core/server/media_router.h"
#include "core/server/media_ssrc.h"
#include "core/server/server_metrics.h"
#include "net/event/io_thread.h"
#include "net/srtp/srtp_session.h"

using namespace parley;
using namespace parley::server;
using asio::ip::udp;
using namespace std::chrono_literals;

namespace {

std::vector<std::byte> keying(std::uint8_t seed) {
  std::vector<std::byte> bytes(net::kMediaKeyingBytes);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::byte>((seed * 31 + i) & 0xff);
  }
  return bytes;
}

std::vector<std::byte> rtp(std::uint16_t seq, std::uint32_t ssrc, std::size_t payload = 60) {
  std::vector<std::byte> p(12 + payload, std::byte{0x5a});
  p[0] = std::byte{0x80};
  p[1] = std::byte{111};
  p[2] = static_cast<std::byte>(seq >> 8);
  p[3] = static_cast<std::byte>(seq & 0xff);
  for (int i = 0; i < 4; ++i) {
    p[8 + static_cast<std::size_t>(i)] = static_cast<std::byte>(ssrc >> (24 - 8 * i));
  }
  return p;
}

// One participant's end: its keys and a UDP socket of its own.
struct Client {
  Client(asio::io_context& io, std::uint64_t id, std::uint8_t seed) : socket(io, {udp::v4(), 0}) {
    info.participant_id = id;
    info.room = "room";
    info.ssrcs = mediaSsrcs(id);
    info.keying = keying(seed);
    auto keys = net::splitMediaKeys(info.keying);
    REQUIRE(keys);
    out.emplace(std::move(net::SrtpSession::create(net::SrtpSession::Direction::Outbound,
                                                   keys->client_write))
                    .value());
    in.emplace(std::move(net::SrtpSession::create(net::SrtpSession::Direction::Inbound,
                                                  keys->server_write))
                   .value());
    socket.non_blocking(true);
  }
  void sendRaw(const std::vector<std::byte>& bytes, const udp::endpoint& to) {
    socket.send_to(asio::buffer(bytes), to);
  }
  std::vector<std::byte> protect(std::vector<std::byte> plain, bool rtcp = false) {
    REQUIRE((rtcp ? out->protectRtcp(plain) : out->protectRtp(plain)));
    return plain;
  }
  // Datagrams that arrived within `wait`.
  std::vector<std::vector<std::byte>> receive(std::chrono::milliseconds wait) {
    std::vector<std::vector<std::byte>> got;
    const auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until) {
      std::array<std::byte, 2048> buf{};
      udp::endpoint from;
      asio::error_code ec;
      const auto n = socket.receive_from(asio::buffer(buf), from, 0, ec);
      if (!ec) {
        got.emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      } else {
        std::this_thread::sleep_for(2ms);
      }
    }
    return got;
  }
  MediaLegInfo info;
  std::optional<net::SrtpSession> out;
  std::optional<net::SrtpSession> in;
  udp::socket socket;
};

MediaRouter::Counters countersOf(MediaRouter& router) {
  std::promise<MediaRouter::Counters> p;
  router.inspect([&p](const MediaRouter::Counters& c) { p.set_value(c); });
  return p.get_future().get();
}

}  // namespace

TEST_CASE("the router forwards authenticated media and drops every bad packet", "[server][media]") {
  net::IoThreads threads(1);
  ServerMetrics metrics;
  MediaRouterConfig config;
  config.udp = udp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
  auto router =
      std::make_shared<MediaRouter>(threads.context(), config, metrics, SystemClock::instance());
  auto port = router->start();
  REQUIRE(port);
  const udp::endpoint server(asio::ip::make_address("127.0.0.1"), *port);

  asio::io_context client_io;
  Client alice(client_io, 1, 1);
  Client bob(client_io, 2, 2);
  router->addLeg(alice.info);
  router->addLeg(bob.info);
  router->setClientUsesUdp(bob.info.participant_id, true);

  // Bob's probe (an SRTCP receiver report) latches his address; the server answers.
  std::vector<std::byte> rr = {std::byte{0x80}, std::byte{201}, std::byte{0}, std::byte{1},
                               std::byte{0},    std::byte{0},   std::byte{0}, std::byte{0x12}};
  bob.sendRaw(bob.protect(rr, true), server);
  auto answers = bob.receive(300ms);
  REQUIRE(answers.size() == 1);
  REQUIRE(bob.in->unprotectRtcp(answers[0]));

  // A genuine packet from alice reaches bob, under bob's keys, unchanged inside.
  const auto plain = rtp(7, alice.info.ssrcs[0]);
  const auto genuine = alice.protect(plain);
  alice.sendRaw(genuine, server);
  auto got = bob.receive(300ms);
  REQUIRE(got.size() == 1);
  auto n = bob.in->unprotectRtp(got[0]);
  REQUIRE(n);
  CHECK(std::equal(plain.begin(), plain.end(), got[0].begin()));

  // The bad ones.
  auto tampered = alice.protect(rtp(8, alice.info.ssrcs[0]));
  tampered[20] ^= std::byte{0xff};
  alice.sendRaw(tampered, server);                                       // bad tag
  alice.sendRaw(genuine, server);                                        // replay
  alice.sendRaw(alice.protect(rtp(9, 0x7777)), server);                  // nobody's SSRC
  alice.sendRaw(alice.protect(rtp(10, bob.info.ssrcs[0])), server);      // bob's SSRC, alice's keys
  alice.sendRaw(std::vector<std::byte>(5, std::byte{0x80}), server);     // truncated
  alice.sendRaw(std::vector<std::byte>(3000, std::byte{0x80}), server);  // oversized
  CHECK(bob.receive(300ms).empty());

  const auto c = countersOf(*router);
  CHECK(c.forwarded_packets >= 1);
  CHECK(c.dropped_auth == 3);  // tag, replay, foreign keys
  CHECK(c.dropped_unknown_ssrc == 1);
  CHECK(c.dropped_malformed == 1);
  router->stop();
}
