// MediaRouter over real UDP on loopback: an authenticated packet from one
// participant reaches the other re-protected with the receiver's own keys;
// every kind of bad packet (bad tag, replay, unknown or someone else's SSRC,
// forged by a stranger, truncated, oversized) is dropped and counted and
// reaches nobody. A participant's return address moves only when the client
// answers the server's check from there (the media port, docs/media.md).

#include <catch2/catch.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>

#include <future>
#include <initializer_list>
#include <map>
#include <optional>
#include <thread>

#include "core/server/media/media_router.h"
#include "core/server/media/media_ssrc.h"
#include "core/server/media/speaker_selection.h"
#include "core/server/observability/server_metrics.h"
#include "media/rtp/audio_level.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/red_payload.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"
#include "media/rtp/rtx.h"
#include "net/io_thread.h"
#include "net/media_transport/address_check.h"
#include "net/media_transport/srtp_session.h"
#include "tests/fakes/fake_clock.h"
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

// The next datagram on `socket`, or nullopt when none came within `wait` (a
// bound for a datagram that must come, far above any run's delivery time).
std::optional<std::vector<std::byte>> nextOn(udp::socket& socket,
                                             std::chrono::milliseconds wait = 10s) {
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

udp::socket socketOn(asio::io_context& io, const char* address) {
  udp::socket socket(io, udp::endpoint(asio::ip::make_address(address), 0));
  socket.non_blocking(true);
  return socket;
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
    return nextOn(socket, wait);
  }
  // The nonce of the server's address check in `datagram`, if it is one.
  std::optional<std::uint64_t> checkIn(std::vector<std::byte> datagram) {
    auto n = in->unprotectRtcp(datagram);
    if (!n) {
      return std::nullopt;
    }
    return net::findAddressCheck(std::span(datagram).first(*n), net::AddressCheckType::Check);
  }
  std::vector<std::byte> answer(std::uint64_t nonce) {
    std::vector<std::byte> plain;
    net::appendAddressCheck(net::AddressCheckType::Answer, info.ssrcs[0], nonce, plain);
    return protect(plain, true);
  }
  // What MediaTransport does: a probe padded to the check's size, the
  // server's check, the echo, and the server's answer to the echo (an SRTCP
  // receiver report, now that the address is confirmed).
  void confirmAddress(const udp::endpoint& server) {
    std::vector<std::byte> probe = {std::byte{0x80}, std::byte{201}, std::byte{0}, std::byte{1}};
    for (int i = 0; i < 4; ++i) {
      probe.push_back(static_cast<std::byte>(info.ssrcs[0] >> (24 - 8 * i)));
    }
    net::appendAddressCheck(net::AddressCheckType::Padding, info.ssrcs[0], 0, probe);
    sendRaw(protect(probe, true), server);
    auto check = next();
    REQUIRE(check);
    auto nonce = checkIn(*check);
    REQUIRE(nonce);
    sendRaw(answer(*nonce), server);
    auto rr = next();
    REQUIRE(rr);
    REQUIRE(in->unprotectRtcp(*rr));
  }
  MediaLegInfo info;
  std::optional<net::SrtpSession> out;
  std::optional<net::SrtpSession> in;
  udp::socket socket;
};

// A router on a loopback port, with a fake clock and legs that never go
// idle: the set-up most cases here share.
struct RouterOnLoopback {
  explicit RouterOnLoopback(MediaRouterConfig config = {}) {
    config.udp = udp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
    config.udp_alive = std::chrono::hours(1);
    router = std::make_shared<MediaRouter>(threads.context(), config, metrics, clock);
    auto port = router->start();
    REQUIRE(port);
    server = udp::endpoint(asio::ip::make_address("127.0.0.1"), *port);
  }
  net::IoThreads threads{1};
  ServerMetrics metrics;
  testing::FakeClock clock;
  std::shared_ptr<MediaRouter> router;
  udp::endpoint server;

  // Participants with legs on UDP, their addresses confirmed.
  void admit(std::initializer_list<Client*> clients) {
    for (Client* c : clients) {
      router->addLeg(c->info);
      router->setClientUsesUdp(c->info.participant_id, true);
    }
    for (Client* c : clients) {
      c->confirmAddress(server);
    }
  }
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

  // Both answer the server's check; the server answers bob's echo.
  alice.confirmAddress(server);
  bob.confirmAddress(server);

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
  // A stranger that never signed in, with keys of its own: bob's SSRC, an
  // unknown one, and an RTCP packet under alice's.
  Client stranger(client_io, 99, 99);
  stranger.sendRaw(stranger.protect(rtp(1, bob.info.ssrcs[0])), server);
  stranger.sendRaw(stranger.protect(rtp(2, 0x7778)), server);
  std::vector<std::byte> forged_rr = {std::byte{0x80}, std::byte{201}, std::byte{0}, std::byte{1}};
  for (int i = 0; i < 4; ++i) {
    forged_rr.push_back(static_cast<std::byte>(alice.info.ssrcs[0] >> (24 - 8 * i)));
  }
  stranger.sendRaw(stranger.protect(forged_rr, true), server);
  // The sentinel: once it is through, every bad packet before it was handled.
  const auto last = rtp(11, alice.info.ssrcs[0]);
  alice.sendRaw(alice.protect(last), server);
  auto sentinel = bob.next();
  REQUIRE(sentinel);
  REQUIRE(bob.in->unprotectRtp(*sentinel));
  CHECK(std::equal(last.begin(), last.end(), sentinel->begin()));  // no bad packet came first

  const auto c = countersOf(*router);
  CHECK(c.forwarded_packets == 2);     // the genuine packet and the sentinel
  CHECK(c.dropped_auth == 5);          // tag, replay, foreign keys; the stranger's two known SSRCs
  CHECK(c.dropped_unknown_ssrc == 2);  // alice's and the stranger's made-up SSRCs
  CHECK(c.dropped_malformed == 1);
  CHECK(c.dropped_unconfirmed_address == 2);  // alice's and bob's first probes, before their echo
  // The same counts reach the administrator's metrics.
  const auto text = metrics.renderPrometheus({}, "test");
  CHECK_THAT(text, Catch::Contains("parley_media_dropped_packets_total{reason=\"auth\"} 5\n"));
  CHECK_THAT(text,
             Catch::Contains("parley_media_dropped_packets_total{reason=\"unknown_ssrc\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("parley_media_dropped_packets_total{reason=\"malformed\"} 1\n"));
  router->stop();
  // Nothing more for bob, nor anything at all for the stranger. Only a
  // negative check: a slow run makes it pass more easily, never fail.
  CHECK_FALSE(bob.next(100ms));
  CHECK_FALSE(stranger.next(100ms));
}

TEST_CASE("media from a second address gets nothing but the check until it is answered",
          "[server][media]") {
  // Virtual time that never moves on its own: every packet below arrives in
  // the same instant, so the check's rate limit allows exactly one, and the
  // confirmed paths stay alive however slowly the test runs.
  testing::FakeClock clock;
  net::IoThreads threads(1);
  ServerMetrics metrics;
  MediaRouterConfig config;
  config.udp = udp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
  auto router = std::make_shared<MediaRouter>(threads.context(), config, metrics, clock);
  auto port = router->start();
  REQUIRE(port);
  const udp::endpoint server(asio::ip::make_address("127.0.0.1"), *port);

  asio::io_context client_io;
  Client alice(client_io, 1, 1);
  Client bob(client_io, 2, 2);
  router->addLeg(alice.info);
  router->addLeg(bob.info);
  router->setClientUsesUdp(alice.info.participant_id, true);
  router->setClientUsesUdp(bob.info.participant_id, true);
  alice.confirmAddress(server);
  bob.confirmAddress(server);
  const auto before = countersOf(*router);

  // Alice's keys on a second address (127.0.0.2): a NAT rebinding, or a
  // member trying to point the room's downlink at a third party there.
  auto elsewhere = socketOn(client_io, "127.0.0.2");
  const auto small =
      alice.protect(rtp(1, alice.info.ssrcs[0], 0));  // 28 bytes: smaller than a check
  REQUIRE(small.size() < net::kAddressCheckWireBytes);
  elsewhere.send_to(asio::buffer(small), server);
  constexpr int kFromElsewhere = 10;
  std::size_t smallest_big = 0;
  for (int i = 0; i < kFromElsewhere; ++i) {
    const auto packet = alice.protect(rtp(static_cast<std::uint16_t>(2 + i), alice.info.ssrcs[0]));
    smallest_big = smallest_big == 0 ? packet.size() : std::min(smallest_big, packet.size());
    elsewhere.send_to(asio::buffer(packet), server);
  }
  // The sentinel, from alice's confirmed address: it reaches bob, and it is
  // the first thing he gets, so nothing from the second address did.
  const auto last = rtp(50, alice.info.ssrcs[0]);
  alice.sendRaw(alice.protect(last), server);
  auto sentinel = bob.next();
  REQUIRE(sentinel);
  REQUIRE(bob.in->unprotectRtp(*sentinel));
  CHECK(std::equal(last.begin(), last.end(), sentinel->begin()));

  // Bob's media still goes to alice's confirmed address, not the new one.
  const auto from_bob = rtp(1, bob.info.ssrcs[0]);
  bob.sendRaw(bob.protect(from_bob), server);
  auto to_alice = alice.next();
  REQUIRE(to_alice);
  REQUIRE(alice.in->unprotectRtp(*to_alice));
  CHECK(std::equal(from_bob.begin(), from_bob.end(), to_alice->begin()));

  // The second address got exactly one datagram: the check, no larger than
  // the packet that triggered it (the small one got no reply at all), and
  // nothing else, no media.
  auto check = nextOn(elsewhere);
  REQUIRE(check);
  CHECK(check->size() <= smallest_big);
  CHECK(check->size() == net::kAddressCheckWireBytes);
  auto nonce = alice.checkIn(*check);
  REQUIRE(nonce);
  CHECK_FALSE(nextOn(elsewhere, 100ms));  // negative: a slow run only makes it easier

  auto c = countersOf(*router);
  CHECK(c.dropped_unconfirmed_address - before.dropped_unconfirmed_address == kFromElsewhere + 1);
  CHECK(c.address_checks_sent - before.address_checks_sent == 1);
  CHECK(c.forwarded_packets - before.forwarded_packets == 2);  // the sentinel, bob's packet
  CHECK_THAT(metrics.renderPrometheus({}, "test"),
             Catch::Contains("parley_media_dropped_packets_total{reason=\"unconfirmed_address\"} " +
                             std::to_string(2 + kFromElsewhere + 1) +
                             "\n"));  // 2: the first probes

  // An echo of a wrong nonce, or of the right one from a third address,
  // moves nothing.
  auto third = socketOn(client_io, "127.0.0.3");
  third.send_to(asio::buffer(alice.answer(*nonce)), server);
  elsewhere.send_to(asio::buffer(alice.answer(*nonce + 1)), server);
  bob.sendRaw(bob.protect(rtp(2, bob.info.ssrcs[0])), server);
  REQUIRE(alice.next());
  CHECK_FALSE(nextOn(third, 100ms));

  // The answer from the second address moves alice there (a NAT rebinding
  // costs one round trip): the server answers the echo, and bob's media follows.
  elsewhere.send_to(asio::buffer(alice.answer(*nonce)), server);
  auto rr = nextOn(elsewhere);
  REQUIRE(rr);
  auto rr_size = alice.in->unprotectRtcp(*rr);
  REQUIRE(rr_size);
  CHECK_FALSE(net::findAddressCheck(std::span(*rr).first(*rr_size), net::AddressCheckType::Check));
  const auto moved = rtp(3, bob.info.ssrcs[0]);
  bob.sendRaw(bob.protect(moved), server);
  auto got = nextOn(elsewhere);
  REQUIRE(got);
  REQUIRE(alice.in->unprotectRtp(*got));
  CHECK(std::equal(moved.begin(), moved.end(), got->begin()));
  c = countersOf(*router);
  CHECK(c.addresses_confirmed - before.addresses_confirmed == 1);
  router->stop();
}

namespace {

std::vector<std::byte> voice(std::uint16_t seq, std::uint32_t ssrc, std::uint8_t level) {
  media::RtpHeader header;
  header.payload_type = 111;
  header.sequence = seq;
  header.timestamp = seq * 960U;
  header.ssrc = ssrc;
  media::setAudioLevel(header, media::AudioLevel{.level = level, .voice = true});
  std::vector<std::byte> out;
  media::writeRtp(header, std::vector<std::byte>(40, std::byte{0x11}), out);
  return out;
}

std::uint16_t sequenceOf(const std::vector<std::byte>& plain) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(plain[2]) << 8U) |
                                    std::to_integer<unsigned>(plain[3]));
}

// A RED voice packet (RFC 2198) as the client sends one: copies of the
// `depth` packets before it, oldest first. Each block's first two bytes
// name the packet it is (the primary `seq`, a copy seq - back), so what a
// listener files under a number can be checked against what it holds.
std::vector<std::byte> redVoice(std::uint16_t seq, std::uint32_t ssrc, std::uint8_t level,
                                int depth) {
  media::RtpHeader header;
  header.payload_type = media::kRedPayloadType;
  header.sequence = seq;
  header.timestamp = seq * 960U;
  header.ssrc = ssrc;
  media::setAudioLevel(header, media::AudioLevel{.level = level, .voice = true});
  auto frame = [](std::uint16_t of) {
    std::vector<std::byte> data(30, std::byte{0x11});
    data[0] = static_cast<std::byte>(of >> 8U);
    data[1] = static_cast<std::byte>(of & 0xFFU);
    return data;
  };
  std::vector<std::vector<std::byte>> copies;
  std::vector<media::RedBlock> blocks;
  copies.reserve(static_cast<std::size_t>(depth));
  blocks.reserve(static_cast<std::size_t>(depth));
  for (int back = depth; back >= 1; --back) {
    copies.push_back(frame(static_cast<std::uint16_t>(seq - back)));
  }
  for (int i = 0; i < depth; ++i) {
    blocks.push_back({.payload_type = 111,
                      .timestamp_offset = static_cast<std::uint32_t>(960 * (depth - i)),
                      .data = copies[static_cast<std::size_t>(i)]});
  }
  const auto primary = frame(seq);
  std::vector<std::byte> payload(512);
  const auto size = media::writeRed(blocks, 111, primary, payload);
  REQUIRE(size);
  payload.resize(*size);
  std::vector<std::byte> out;
  media::writeRtp(header, payload, out);
  return out;
}

std::uint16_t frameNumberOf(std::span<const std::byte> block) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(block[0]) << 8U) |
                                    std::to_integer<unsigned>(block[1]));
}

}  // namespace

TEST_CASE(
    "voices the speaker selection held back leave no gap in what a listener receives, and no "
    "RED copy under a wrong number",
    "[server][media]") {
  MediaRouterConfig config;
  config.max_forwarded_speakers = 1;
  RouterOnLoopback on_loopback(config);
  auto& router = on_loopback.router;
  auto& clock = on_loopback.clock;
  const udp::endpoint server = on_loopback.server;

  asio::io_context client_io;
  Client alice(client_io, 1, 1);  // speaks first: takes the one place
  Client carol(client_io, 3, 3);  // speaks as loud: held back meanwhile
  Client bob(client_io, 2, 2);    // listens
  on_loopback.admit({&alice, &carol, &bob});

  // alice 100..104 go on; carol's 500..509 are held back (alice holds the
  // place, carol is not louder by the margin).
  for (std::uint16_t i = 0; i < 5; ++i) {
    alice.sendRaw(alice.protect(voice(100 + i, alice.info.ssrcs[0], 20)), server);
    auto got = bob.next();
    REQUIRE(got);
    REQUIRE(bob.in->unprotectRtp(*got));
    CHECK(sequenceOf(*got) == 100 + i);
  }
  // The fake clock may only move once the router has taken every packet
  // sent before (they reach it through a socket, at their own pace).
  const auto held_back_reaches = [&router](std::uint64_t n) {
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (countersOf(*router).audio_not_selected < n && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(5ms);
    }
    return countersOf(*router).audio_not_selected == n;
  };
  for (std::uint16_t i = 0; i < 10; ++i) {
    carol.sendRaw(carol.protect(voice(500 + i, carol.info.ssrcs[0], 20)), server);
  }
  REQUIRE(held_back_reaches(10));
  // alice goes quiet long enough to count as silent; carol, louder than
  // silence by the margin, must stay so for the hold before she takes the
  // place.
  clock.advance(SpeakerSelection::kSilentAfter + 1ms);
  carol.sendRaw(carol.protect(voice(510, carol.info.ssrcs[0], 20)), server);
  REQUIRE(held_back_reaches(11));
  clock.advance(SpeakerSelection::kSwitchHold + 1ms);
  // Through lossy links carol sends RED, two copies a packet (the copies in
  // 511 and 512 are of packets bob never got).
  carol.sendRaw(carol.protect(redVoice(511, carol.info.ssrcs[0], 20, 2)), server);
  carol.sendRaw(carol.protect(redVoice(512, carol.info.ssrcs[0], 20, 2)), server);
  // A packet lost before the server (513) still shows as a gap.
  carol.sendRaw(carol.protect(redVoice(514, carol.info.ssrcs[0], 20, 2)), server);
  carol.sendRaw(carol.protect(redVoice(515, carol.info.ssrcs[0], 20, 2)), server);

  std::vector<std::uint16_t> carols;
  std::map<std::uint16_t, std::uint16_t> filed;  // bob's number -> the frame it holds
  std::vector<std::size_t> copies;
  for (int i = 0; i < 4; ++i) {
    auto got = bob.next();
    REQUIRE(got);
    REQUIRE(bob.in->unprotectRtp(*got));
    const auto number = sequenceOf(*got);
    carols.push_back(number);
    const auto rtp = media::parseRtp(*got);
    REQUIRE(rtp);
    const auto red = media::parseRed(rtp->payload);
    REQUIRE(red);
    filed[number] = frameNumberOf(red->primary);
    // The i-th of n copies is filed n - i back (red_payload.h).
    const auto blocks = red->redundant();
    copies.push_back(blocks.size());
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      const auto under = static_cast<std::uint16_t>(number - (blocks.size() - b));
      const auto holds = frameNumberOf(blocks[b].data);
      INFO("bob's " << number << ": a copy filed under " << under << " holds " << holds);
      if (const auto known = filed.find(under); known != filed.end()) {
        CHECK(known->second == holds);
      }
      filed.emplace(under, holds);
    }
  }
  // What bob gets of her counts on from where the held-back packets would
  // have been, without a jump; the real loss stays one packet.
  CHECK(carols == std::vector<std::uint16_t>{500, 501, 503, 504});
  CHECK(countersOf(*router).audio_not_selected == 11);
  // No copy of a held-back packet reaches bob; the copy of 511 in 512 does,
  // and so do the copies of 513 (lost before the server, filed under 502,
  // the gap bob sees) and of 512 in 514, and both of 515's. (Alice, who
  // listens too, got 511 and 512 trimmed as well.)
  CHECK(copies == std::vector<std::size_t>{0, 1, 2, 2});
  CHECK(filed.at(502) == 513);
  CHECK(countersOf(*router).red_copies_trimmed == 4);
  router->stop();
}

namespace {

// A VP8 packet of one frame: the first carries the payload descriptor's S
// bit and, for a key frame, a payload header with P clear.
std::vector<std::byte> vp8(std::uint16_t seq, std::uint32_t ssrc, bool first, bool key) {
  media::RtpHeader header;
  header.payload_type = media::kVp8PayloadType;
  header.sequence = seq;
  header.timestamp = 9000;
  header.ssrc = ssrc;
  std::vector<std::byte> payload(200, std::byte{0x33});
  payload[0] = first ? std::byte{0x10} : std::byte{0x00};
  payload[1] = key ? std::byte{0x00} : std::byte{0x01};
  payload[2] = static_cast<std::byte>(seq & 0xFF);  // each packet's own bytes
  std::vector<std::byte> out;
  media::writeRtp(header, payload, out);
  return out;
}

// The next plain RTP packet for `c` (RTCP, such as the answers to its own
// RTCP, is skipped), or nullopt when none comes within the bound.
std::optional<std::vector<std::byte>> nextRtp(Client& c) {
  for (int i = 0; i < 8; ++i) {
    auto got = c.next();
    if (!got) {
      return std::nullopt;
    }
    if (media::isRtcp(*got)) {
      continue;
    }
    auto n = c.in->unprotectRtp(*got);
    REQUIRE(n);
    got->resize(*n);
    return got;
  }
  return std::nullopt;
}

// The next NACK the server sends `c`, or nullopt.
std::optional<media::Nack> nextNack(Client& c) {
  for (int i = 0; i < 8; ++i) {
    auto got = c.next();
    if (!got) {
      return std::nullopt;
    }
    if (!media::isRtcp(*got)) {
      continue;
    }
    auto n = c.in->unprotectRtcp(*got);
    REQUIRE(n);
    auto compound = media::parseRtcp(std::span(*got).first(*n));
    REQUIRE(compound);
    if (!compound->nacks.empty()) {
      return compound->nacks.front();
    }
  }
  return std::nullopt;
}

std::vector<std::byte> nackFrom(const Client& c, std::uint32_t media_ssrc,
                                std::vector<std::uint16_t> sequences) {
  std::vector<std::byte> rtcp;
  media::ReceiverReport rr;
  rr.ssrc = c.info.ssrcs[0];
  media::appendReceiverReport(rr, rtcp);
  media::appendNack(media::Nack{c.info.ssrcs[0], media_ssrc, std::move(sequences)}, rtcp);
  return rtcp;
}

}  // namespace

TEST_CASE("the server answers NACKs from its history and asks the sender only for what it lacks",
          "[server][media]") {
  RouterOnLoopback on_loopback;  // its clock stays still: nothing in the history ages
  auto& router = on_loopback.router;
  const udp::endpoint server = on_loopback.server;

  asio::io_context client_io;
  Client alice(client_io, 1, 1);  // shares her camera
  Client bob(client_io, 2, 2);    // watches
  on_loopback.admit({&alice, &bob});
  const auto camera = alice.info.ssrcs[1];

  // A key frame of 1000..1002 reaches bob; 1003 is lost before the server.
  std::map<std::uint16_t, std::vector<std::byte>> sent;
  for (std::uint16_t seq : {1000, 1001, 1002, 1004}) {
    sent[seq] = vp8(seq, camera, seq == 1000, true);
    alice.sendRaw(alice.protect(sent[seq]), server);
    auto got = nextRtp(bob);
    REQUIRE(got);
    CHECK(*got == sent[seq]);
  }
  // The server saw the gap and asked alice for 1003, once for everyone.
  auto asked = nextNack(alice);
  REQUIRE(asked);
  CHECK(asked->media_ssrc == camera);
  CHECK(asked->lost_sequences == std::vector<std::uint16_t>{1003});

  // Bob lost 1001 on his side: the server sends it again itself, on RTX.
  bob.sendRaw(bob.protect(nackFrom(bob, camera, {1001}), true), server);
  auto again = nextRtp(bob);
  REQUIRE(again);
  std::vector<std::byte> original;
  auto unwrapped = media::unwrapRtx(*again, original);
  REQUIRE(unwrapped);
  CHECK(unwrapped->media_ssrc == camera);
  CHECK(original == sent[1001]);

  // Alice answers the server's NACK: 1003 goes on to bob at once, on RTX.
  sent[1003] = vp8(1003, camera, false, true);
  std::vector<std::byte> rtx;
  REQUIRE(media::wrapRtx(sent[1003], media::rtxSsrcFor(camera), 0, rtx));
  alice.sendRaw(alice.protect(rtx), server);
  auto recovered = nextRtp(bob);
  REQUIRE(recovered);
  REQUIRE(media::unwrapRtx(*recovered, original));
  CHECK(original == sent[1003]);

  // Before the run forwarded to bob (999) and far ahead (2000): never his.
  // A list that repeats itself is answered once per packet. A retransmission
  // alice sends unasked (1500) goes nowhere. The sentinel packet after them
  // comes alone, right after the one answer.
  bob.sendRaw(bob.protect(nackFrom(bob, camera, {999, 2000}), true), server);
  bob.sendRaw(bob.protect(nackFrom(bob, camera, {1002, 1002, 1002, 1002}), true), server);
  auto once = nextRtp(bob);
  REQUIRE(once);
  REQUIRE(media::unwrapRtx(*once, original));
  CHECK(original == sent[1002]);
  REQUIRE(media::wrapRtx(vp8(1500, camera, false, true), media::rtxSsrcFor(camera), 1, rtx));
  alice.sendRaw(alice.protect(rtx), server);
  sent[1005] = vp8(1005, camera, false, true);
  alice.sendRaw(alice.protect(sent[1005]), server);
  auto sentinel = nextRtp(bob);
  REQUIRE(sentinel);
  CHECK(*sentinel == sent[1005]);

  const auto c = countersOf(*router);
  CHECK(c.nacks_to_senders == 1);
  CHECK(c.recovered_from_senders == 1);
  CHECK(c.retransmitted == 3);
  CHECK(c.nacks_received == 3);
  CHECK(c.nack_not_forwarded == 2);
  CHECK(c.nack_not_in_history == 0);
  CHECK(c.rtx_unasked == 1);
  router->stop();
}

namespace {

// The receiver report block on `ssrc` in the next datagram `c` gets.
std::optional<media::ReportBlock> voiceReportTo(Client& c, std::uint32_t ssrc) {
  auto got = c.next();
  if (!got) {
    return std::nullopt;
  }
  auto n = c.in->unprotectRtcp(*got);
  if (!n) {
    return std::nullopt;
  }
  auto compound = media::parseRtcp(std::span<const std::byte>(*got).first(*n));
  if (!compound) {
    return std::nullopt;
  }
  for (const auto& rr : compound->receiver_reports) {
    for (const auto& block : rr.report_blocks) {
      if (block.ssrc == ssrc && rr.ssrc == kServerSsrc) {
        return block;
      }
    }
  }
  return std::nullopt;
}

// A listener's receiver report on a voice: `fraction` (of 256) lost, up to
// the extended sequence number `highest`.
std::vector<std::byte> voiceReportFrom(const Client& c, std::uint32_t voice_ssrc,
                                       std::uint8_t fraction, std::uint32_t highest) {
  media::ReceiverReport rr;
  rr.ssrc = c.info.ssrcs[0];
  rr.report_blocks.push_back(media::ReportBlock{.ssrc = voice_ssrc,
                                                .fraction_lost = fraction,
                                                .extended_highest_seq = highest});
  std::vector<std::byte> plain;
  media::appendReceiverReport(rr, plain);
  return plain;
}

// Waits until the router has taken `n` RTP and `rtcp` RTCP packets in all
// (they reach it through a socket, at their own pace): the fake clock may
// only move after.
bool routerTook(MediaRouter& router, std::uint64_t rtp, std::uint64_t rtcp) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until) {
    const auto c = countersOf(router);
    if (c.rtp_in >= rtp && c.rtcp_in >= rtcp) {
      return c.rtp_in == rtp && c.rtcp_in == rtcp;
    }
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a talker hears how much of its voice is lost: on the way in and at its worst listener",
          "[server][media]") {
  RouterOnLoopback on_loopback;
  auto& router = on_loopback.router;
  auto& clock = on_loopback.clock;
  const udp::endpoint server = on_loopback.server;

  asio::io_context client_io;
  Client alice(client_io, 1, 1);  // talks
  Client bob(client_io, 2, 2);    // listens
  on_loopback.admit({&alice, &bob});
  std::uint64_t rtp_sent = 0;
  std::uint64_t rtcp_sent = countersOf(*router).rtcp_in;
  const std::uint32_t voice_ssrc = alice.info.ssrcs[0];
  const auto talk = [&](std::uint16_t seq) {
    alice.sendRaw(alice.protect(voice(seq, voice_ssrc, 20)), server);
    ++rtp_sent;
  };

  // 0..29 with 3 and 7 lost before the server; the report comes with the
  // first packet half a second on (30), and not before.
  for (std::uint16_t seq = 0; seq < 30; ++seq) {
    if (seq != 3 && seq != 7) {
      talk(seq);
    }
  }
  REQUIRE(routerTook(*router, rtp_sent, rtcp_sent));
  CHECK(countersOf(*router).voice_loss_reports == 0);
  clock.advance(600ms);
  talk(30);
  auto block = voiceReportTo(alice, voice_ssrc);
  REQUIRE(block);
  CHECK(block->fraction_lost == 2 * 256 / 31);  // 2 of 31 since the start
  CHECK(block->cumulative_lost == 2);
  CHECK(block->extended_highest_seq == 30);

  // bob reports 30 % lost of alice's voice (his downlink), and 90 % of a
  // stream that is not her voice: her next report says 30 %, though
  // nothing more was lost on her uplink. His first report only sets where
  // he stands (a report counts when it covers 20 packets or more); one that
  // covers 3 packets counts for nothing however much it lost.
  const auto bob_reports = [&](std::uint8_t fraction, std::uint32_t highest) {
    bob.sendRaw(bob.protect(voiceReportFrom(bob, voice_ssrc, fraction, highest), true), server);
    ++rtcp_sent;
  };
  bob_reports(0, 5);
  bob_reports(200, 8);
  {
    media::ReceiverReport rr;
    rr.ssrc = bob.info.ssrcs[0];
    rr.report_blocks.push_back(
        media::ReportBlock{.ssrc = voice_ssrc, .fraction_lost = 77, .extended_highest_seq = 30});
    rr.report_blocks.push_back(
        media::ReportBlock{.ssrc = alice.info.ssrcs[1], .fraction_lost = 230});
    std::vector<std::byte> plain;
    media::appendReceiverReport(rr, plain);
    bob.sendRaw(bob.protect(plain, true), server);
    ++rtcp_sent;
  }
  for (std::uint16_t seq = 31; seq < 50; ++seq) {
    talk(seq);
  }
  REQUIRE(routerTook(*router, rtp_sent, rtcp_sent));
  clock.advance(600ms);
  talk(50);
  block = voiceReportTo(alice, voice_ssrc);
  REQUIRE(block);
  CHECK(block->fraction_lost == 77);
  CHECK(block->cumulative_lost == 2);

  // A few packets half a second on (a pause, DTX keep-alives) are not
  // enough for a report.
  for (std::uint16_t seq = 51; seq < 55; ++seq) {
    talk(seq);
  }
  REQUIRE(routerTook(*router, rtp_sent, rtcp_sent));
  clock.advance(600ms);
  talk(55);
  REQUIRE(routerTook(*router, rtp_sent, rtcp_sent));
  CHECK(countersOf(*router).voice_loss_reports == 2);

  // bob's report grows old and nobody else reports: the uplink's own
  // figure again (nothing lost), once the report covers 20 packets.
  clock.advance(600ms);
  for (std::uint16_t seq = 56; seq < 70; ++seq) {
    talk(seq);
  }
  REQUIRE(routerTook(*router, rtp_sent, rtcp_sent));
  CHECK(countersOf(*router).voice_loss_reports == 2);
  talk(70);
  block = voiceReportTo(alice, voice_ssrc);
  REQUIRE(block);
  CHECK(block->fraction_lost == 0);
  CHECK(countersOf(*router).voice_loss_reports == 3);
  router->stop();
}

TEST_CASE("each listener gets the RED copies its own loss needs, all until it reports",
          "[server][media]") {
  RouterOnLoopback on_loopback;
  auto& router = on_loopback.router;
  const udp::endpoint server = on_loopback.server;

  asio::io_context client_io;
  Client carol(client_io, 3, 3);  // talks with two copies a packet
  Client bob(client_io, 2, 2);    // listens on a clean link
  Client dave(client_io, 4, 4);   // listens through 25 % loss
  on_loopback.admit({&carol, &bob, &dave});
  const std::uint32_t voice_ssrc = carol.info.ssrcs[0];
  std::uint64_t rtp_sent = 0;
  std::uint64_t rtcp_sent = countersOf(*router).rtcp_in;
  // The copies in the next voice packet each listener gets.
  const auto copies_of_next = [&](std::uint16_t seq) {
    carol.sendRaw(carol.protect(redVoice(seq, voice_ssrc, 20, 2)), server);
    ++rtp_sent;
    std::vector<std::size_t> copies;
    for (Client* c : {&bob, &dave}) {
      // Past whatever RTCP the server sent meanwhile (bounded).
      std::optional<std::vector<std::byte>> got;
      for (int i = 0; i < 5 && !got; ++i) {
        got = nextRtp(*c);
      }
      REQUIRE(got);
      const auto rtp = media::parseRtp(*got);
      REQUIRE(rtp);
      const auto red = media::parseRed(rtp->payload);
      REQUIRE(red);
      CHECK(frameNumberOf(red->primary) == seq);
      copies.push_back(red->redundant_count);
    }
    return copies;
  };
  const auto reports = [&](Client& c, std::uint8_t fraction, std::uint32_t highest) {
    c.sendRaw(c.protect(voiceReportFrom(c, voice_ssrc, fraction, highest), true), server);
    ++rtcp_sent;
  };

  // Before any report: everything carol sends, to both.
  CHECK(copies_of_next(100) == std::vector<std::size_t>{2, 2});
  // A first report only says where a listener stands; the next, over 30
  // packets, counts: bob lost nothing, dave a quarter.
  reports(bob, 0, 100);
  reports(dave, 64, 100);
  reports(bob, 0, 130);
  reports(dave, 64, 130);
  REQUIRE(routerTook(*router, rtp_sent, rtcp_sent));
  CHECK(copies_of_next(131) == std::vector<std::size_t>{0, 2});
  // dave's link gets better: at 10 % loss, one copy is enough once the
  // smoothed figure, falling slowly, is under 14 % (13 reports from 25 %);
  // he keeps that one while he loses 4 % or more.
  std::uint32_t highest = 130;
  for (int i = 0; i < 14; ++i) {
    highest += 30;
    reports(dave, 26, highest);
  }
  REQUIRE(routerTook(*router, rtp_sent, rtcp_sent));
  CHECK(copies_of_next(132) == std::vector<std::size_t>{0, 1});
  // bob starts losing 6 %: under the 8 % at which a talker turns RED on, but
  // a copy carol sends helps him, so he gets it from his next report on.
  reports(bob, 15, highest);
  reports(bob, 15, highest + 30);
  REQUIRE(routerTook(*router, rtp_sent, rtcp_sent));
  CHECK(copies_of_next(133) == std::vector<std::size_t>{1, 1});
  CHECK(countersOf(*router).red_copies_trimmed == 5);
  router->stop();
}

namespace {

// The other server's end of an interconnect media link: a Client whose keys
// are the link's (it writes the dialer's half, as a client does), on an
// address the router is told is that peer's media port.
MediaRouter::RelayPeer peerOf(const char* name, const Client& peer) {
  return {name,
          udp::endpoint(asio::ip::make_address("127.0.0.1"), peer.socket.local_endpoint().port()),
          peer.info.keying, false};
}

// A router with its media port and its interconnect media port on loopback,
// on a clock that stands still (nothing in the history ages).
struct InterconnectedRouter {
  InterconnectedRouter() {
    MediaRouterConfig config;
    config.udp = udp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
    config.udp_alive = std::chrono::hours(1);
    router = std::make_shared<MediaRouter>(threads.context(), config, metrics, clock);
    auto port = router->start();
    REQUIRE(port);
    auto relay_port = router->startRelay(udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    REQUIRE(relay_port);
    server = udp::endpoint(asio::ip::make_address("127.0.0.1"), *port);
    relay = udp::endpoint(asio::ip::make_address("127.0.0.1"), *relay_port);
  }
  ~InterconnectedRouter() { router->stop(); }
  InterconnectedRouter(const InterconnectedRouter&) = delete;
  InterconnectedRouter& operator=(const InterconnectedRouter&) = delete;

  net::IoThreads threads{1};
  ServerMetrics metrics;
  testing::FakeClock clock;
  std::shared_ptr<MediaRouter> router;
  udp::endpoint server;
  udp::endpoint relay;
};

}  // namespace

TEST_CASE("a video packet lost between interconnected servers is asked for across the link",
          "[server][media][interconnect]") {
  // This router is the receiving server; the test plays the sending one.
  InterconnectedRouter r;
  auto& router = r.router;
  const auto& server = r.server;
  const auto& relay = r.relay;

  asio::io_context io;
  Client peer(io, 7, 77);  // the sending server
  Client bob(io, 2, 2);    // watches here
  router->setRelayPeer(peerOf("a", peer));
  constexpr std::uint64_t kAliceThere = 1;
  constexpr std::uint64_t kAliceHere = 1000;
  router->addRemoteLeg(kAliceHere, "room", "a", kAliceThere);
  router->addLeg(bob.info);
  router->setClientUsesUdp(bob.info.participant_id, true);
  bob.confirmAddress(server);
  const auto camera_there = mediaSsrc(kAliceThere, StreamKind::Video);
  const auto camera_here = mediaSsrc(kAliceHere, StreamKind::Video);

  // 1003 is lost on the link.
  for (std::uint16_t seq : {1000, 1001, 1002, 1004}) {
    peer.sendRaw(peer.protect(vp8(seq, camera_there, seq == 1000, true)), relay);
    auto got = nextRtp(bob);
    REQUIRE(got);
    CHECK(sequenceOf(*got) == seq);
    CHECK(*got == vp8(seq, camera_here, seq == 1000, true));
  }
  // Asked for across the link, under the SSRC the sending server gave it.
  auto asked = nextNack(peer);
  REQUIRE(asked);
  CHECK(asked->media_ssrc == camera_there);
  CHECK(asked->lost_sequences == std::vector<std::uint16_t>{1003});

  // The sending server answers on RTX: bob gets it at once, on his RTX.
  std::vector<std::byte> rtx;
  REQUIRE(media::wrapRtx(vp8(1003, camera_there, false, true), media::rtxSsrcFor(camera_there), 0,
                         rtx));
  peer.sendRaw(peer.protect(rtx), relay);
  auto recovered = nextRtp(bob);
  REQUIRE(recovered);
  std::vector<std::byte> original;
  auto unwrapped = media::unwrapRtx(*recovered, original);
  REQUIRE(unwrapped);
  CHECK(unwrapped->media_ssrc == camera_here);
  CHECK(original == vp8(1003, camera_here, false, true));
  const auto c = countersOf(*router);
  CHECK(c.nacks_to_senders == 1);
  CHECK(c.recovered_from_senders == 1);
}

TEST_CASE("a peer server's NACK is answered from the history, as a receiver's is",
          "[server][media][interconnect]") {
  // This router is the sending server; the test plays the receiving one.
  InterconnectedRouter r;
  auto& router = r.router;
  const auto& server = r.server;
  const auto& relay = r.relay;

  asio::io_context io;
  Client alice(io, 1, 1);  // shares her camera here
  Client peer(io, 7, 77);  // the receiving server
  router->addLeg(alice.info);
  router->setClientUsesUdp(alice.info.participant_id, true);
  alice.confirmAddress(server);
  router->setRelayPeer(peerOf("b", peer));
  router->addRelayRoom("b", "room");
  const auto camera = alice.info.ssrcs[1];

  std::map<std::uint16_t, std::vector<std::byte>> sent;
  for (std::uint16_t seq : {1000, 1001, 1002}) {
    sent[seq] = vp8(seq, camera, seq == 1000, true);
    alice.sendRaw(alice.protect(sent[seq]), server);
    auto got = nextRtp(peer);
    REQUIRE(got);
    CHECK(*got == sent[seq]);
  }
  // 1001 was lost on the link: the peer asks, and gets it on RTX.
  peer.sendRaw(peer.protect(nackFrom(peer, camera, {1001}), true), relay);
  auto again = nextRtp(peer);
  REQUIRE(again);
  std::vector<std::byte> original;
  auto unwrapped = media::unwrapRtx(*again, original);
  REQUIRE(unwrapped);
  CHECK(unwrapped->media_ssrc == camera);
  CHECK(original == sent[1001]);
  // Never forwarded to it (999): not answered.
  peer.sendRaw(peer.protect(nackFrom(peer, camera, {999}), true), relay);
  sent[1003] = vp8(1003, camera, false, true);
  alice.sendRaw(alice.protect(sent[1003]), server);
  auto sentinel = nextRtp(peer);
  REQUIRE(sentinel);
  CHECK(*sentinel == sent[1003]);
  const auto c = countersOf(*router);
  CHECK(c.retransmitted == 1);
  CHECK(c.nacks_received == 2);
  CHECK(c.nack_not_forwarded == 1);
}
