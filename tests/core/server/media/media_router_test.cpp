// MediaRouter over real UDP on loopback: an authenticated packet from one
// participant reaches the other re-protected with the receiver's own keys;
// every kind of bad packet (bad tag, replay, unknown or someone else's SSRC,
// truncated, oversized) is dropped and counted and reaches nobody.

#include <catch2/catch.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>

#include <future>
#include <optional>

#include "core/server/media/media_router.h"
#include "core/server/media/media_ssrc.h"
#include "core/server/observability/server_metrics.h"
#include "net/io_thread.h"
#include "net/media_transport/srtp_session.h"
#include "tests/support/socket_wait.h"

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
  // The next datagram, or nullopt when none came within `wait` (a bound for
  // a datagram that must come, far above any run's delivery time).
  std::optional<std::vector<std::byte>> next(std::chrono::milliseconds wait = 10s) {
    if (!testing::waitReadable(socket.native_handle(), static_cast<int>(wait.count()))) {
      return std::nullopt;
    }
    std::array<std::byte, 2048> buf{};
    udp::endpoint from;
    asio::error_code ec;
    const auto n = socket.receive_from(asio::buffer(buf), from, 0, ec);
    if (ec) {
      return std::nullopt;
    }
    return std::vector<std::byte>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
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
  // Bob's UDP path must count as alive for the whole test however slowly it
  // runs (the default is 5 s after his last packet).
  config.udp_alive = std::chrono::hours(1);
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

  // The router reads its one socket in order and every datagram below comes
  // from alice's or bob's single socket, so bob must receive exactly: the
  // answer to his probe, alice's genuine packet, then the last genuine packet
  // (the sentinel); anything else in between is a bad packet let through.

  // Bob's probe (an SRTCP receiver report) latches his address; the server answers.
  std::vector<std::byte> rr = {std::byte{0x80}, std::byte{201}, std::byte{0}, std::byte{1},
                               std::byte{0},    std::byte{0},   std::byte{0}, std::byte{0x12}};
  bob.sendRaw(bob.protect(rr, true), server);
  auto answer = bob.next();
  REQUIRE(answer);
  REQUIRE(bob.in->unprotectRtcp(*answer));

  // A genuine packet from alice reaches bob, under bob's keys, unchanged inside.
  const auto plain = rtp(7, alice.info.ssrcs[0]);
  const auto genuine = alice.protect(plain);
  alice.sendRaw(genuine, server);
  auto got = bob.next();
  REQUIRE(got);
  REQUIRE(bob.in->unprotectRtp(*got));
  CHECK(std::equal(plain.begin(), plain.end(), got->begin()));

  // The bad ones.
  auto tampered = alice.protect(rtp(8, alice.info.ssrcs[0]));
  tampered[20] ^= std::byte{0xff};
  alice.sendRaw(tampered, server);                                       // bad tag
  alice.sendRaw(genuine, server);                                        // replay
  alice.sendRaw(alice.protect(rtp(9, 0x7777)), server);                  // nobody's SSRC
  alice.sendRaw(alice.protect(rtp(10, bob.info.ssrcs[0])), server);      // bob's SSRC, alice's keys
  alice.sendRaw(std::vector<std::byte>(5, std::byte{0x80}), server);     // truncated
  alice.sendRaw(std::vector<std::byte>(3000, std::byte{0x80}), server);  // oversized
  // The sentinel: once it is through, every bad packet before it was handled.
  const auto last = rtp(11, alice.info.ssrcs[0]);
  alice.sendRaw(alice.protect(last), server);
  auto sentinel = bob.next();
  REQUIRE(sentinel);
  REQUIRE(bob.in->unprotectRtp(*sentinel));
  CHECK(std::equal(last.begin(), last.end(), sentinel->begin()));  // no bad packet came first

  const auto c = countersOf(*router);
  CHECK(c.forwarded_packets == 2);  // the genuine packet and the sentinel
  CHECK(c.dropped_auth == 3);       // tag, replay, foreign keys
  CHECK(c.dropped_unknown_ssrc == 1);
  CHECK(c.dropped_malformed == 1);
  router->stop();
  // Nothing more for bob. Only a negative check: a slow run makes it pass
  // more easily, never fail.
  CHECK_FALSE(bob.next(100ms));
}
