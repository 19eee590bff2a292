// HeadlessMediaLink on its own: a fake server end (the leg's keys, a
// loopback UDP socket, the offer's channel functions) stands in for parleyd
// and the session. The io_context runs on the test thread, so what the link
// does on its strand has happened when pump() returns.

#include "core/client/call/headless_media_link.h"

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <catch2/catch.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "media/rtp/rtcp_packet.h"
#include "net/media_transport/srtp_session.h"
#include "tests/fakes/fake_clock.h"

using namespace std::chrono_literals;
using parley::client::HeadlessMediaLink;
using parley::client::MediaOfferInfo;
using parley::client::MediaTransportConfig;
using parley::media::AudioLevel;
using parley::net::SrtpSession;

namespace {

constexpr std::uint32_t kServerSsrc = 0x5e5e5e5e;

// The server's end of one leg: its keys and what came inside the channel.
class ServerLeg {
 public:
  ServerLeg(std::uint32_t audio_ssrc, std::uint8_t key_seed) : audio_ssrc_(audio_ssrc) {
    keying_.resize(parley::net::kMediaKeyingBytes);
    for (std::size_t i = 0; i < keying_.size(); ++i) {
      keying_[i] = static_cast<std::byte>(key_seed + i * 11);
    }
    auto keys = parley::net::splitMediaKeys(keying_);
    REQUIRE(keys);
    auto in = SrtpSession::create(SrtpSession::Direction::Inbound, keys->client_write);
    auto out = SrtpSession::create(SrtpSession::Direction::Outbound, keys->server_write);
    REQUIRE(in);
    REQUIRE(out);
    from_client_.emplace(std::move(*in));
    to_client_.emplace(std::move(*out));
  }

  MediaOfferInfo offer(std::uint16_t udp_port) {
    MediaOfferInfo offer;
    offer.server_host = "127.0.0.1";
    offer.udp_port = udp_port;
    offer.audio_ssrc = audio_ssrc_;
    offer.server_ssrc = kServerSsrc;
    offer.audio_payload_type = 111;
    offer.keying = keying_;
    offer.send_packet = [this](std::string packet, bool /*urgent*/) {
      std::lock_guard lock(mu_);
      channel_.push_back(std::move(packet));
    };
    offer.send_transport = [this](bool udp) {
      std::lock_guard lock(mu_);
      transport_requests_.push_back(udp);
    };
    return offer;
  }

  std::vector<std::string> channel() {
    std::lock_guard lock(mu_);
    return channel_;
  }
  std::vector<bool> transportRequests() {
    std::lock_guard lock(mu_);
    return transport_requests_;
  }

  std::optional<std::vector<std::byte>> open(std::string packet) {
    std::span<std::byte> bytes(reinterpret_cast<std::byte*>(packet.data()), packet.size());
    const bool rtcp = parley::media::isRtcp(bytes);
    auto plain = rtcp ? from_client_->unprotectRtcp(bytes) : from_client_->unprotectRtp(bytes);
    if (!plain) {
      return std::nullopt;
    }
    return std::vector<std::byte>(bytes.begin(), bytes.begin() + static_cast<long>(*plain));
  }

  std::string protect(std::vector<std::byte> plain, bool rtcp) {
    REQUIRE((rtcp ? to_client_->protectRtcp(plain) : to_client_->protectRtp(plain)));
    return {reinterpret_cast<const char*>(plain.data()), plain.size()};
  }

  std::string voice(std::uint32_t ssrc, std::uint16_t sequence) {
    parley::media::RtpHeader header;
    header.payload_type = 111;
    header.sequence = sequence;
    header.timestamp = sequence * 960U;
    header.ssrc = ssrc;
    const std::vector<std::byte> payload(60, std::byte{0x33});
    std::vector<std::byte> packet;
    parley::media::writeRtp(header, payload, packet);
    return protect(std::move(packet), false);
  }

 private:
  std::uint32_t audio_ssrc_;
  std::vector<std::byte> keying_;
  std::optional<SrtpSession> from_client_;
  std::optional<SrtpSession> to_client_;
  std::mutex mu_;
  std::vector<std::string> channel_;
  std::vector<bool> transport_requests_;
};

class Harness {
 public:
  explicit Harness(MediaTransportConfig config)
      : link_(std::make_unique<HeadlessMediaLink>(io_.get_executor(), config, clock_)) {}
  // stop() waits for the strand: run it elsewhere while the link goes.
  ~Harness() {
    io_.restart();
    auto work = asio::make_work_guard(io_);
    std::thread runner([this] { io_.run(); });
    link_.reset();
    work.reset();
    runner.join();
  }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  void pump() {
    io_.restart();
    io_.poll();
  }
  // Waits for events; the limit only turns a hang into a failure.
  template <typename Done>
  bool pumpUntil(Done done) {
    const auto give_up = std::chrono::steady_clock::now() + 60s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > give_up) {
        return false;
      }
      io_.restart();
      io_.run_one_for(20ms);
    }
    return true;
  }
  asio::io_context& io() { return io_; }
  HeadlessMediaLink& link() { return *link_; }
  parley::client::HeadlessMediaStats stats() {
    std::optional<parley::client::HeadlessMediaStats> out;
    link_->stats([&](parley::client::HeadlessMediaStats s) { out = std::move(s); });
    pump();
    REQUIRE(out);
    return *out;
  }

 private:
  asio::io_context io_;
  parley::testing::FakeClock clock_;
  std::unique_ptr<HeadlessMediaLink> link_;
};

MediaTransportConfig udpConfig() {
  MediaTransportConfig config;
  config.probe_interval = 5ms;
  config.keepalive_interval = 5ms;
  return config;
}

}  // namespace

TEST_CASE(
    "over UDP the headless link answers like a call, decrypts the server's voice and counts "
    "each stream's packets, gaps and reordering") {
  Harness h(udpConfig());
  ServerLeg leg(0x1000, 3);
  std::vector<std::uint16_t> observed;
  h.link().setPacketObserver(
      [&](const parley::media::RtpPacketView& rtp) { observed.push_back(rtp.header.sequence); });
  asio::ip::udp::socket server(h.io(),
                               asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  h.link().onMediaOffer(leg.offer(server.local_endpoint().port()));

  std::vector<std::byte> datagram(2048);
  asio::ip::udp::endpoint client;
  std::optional<std::vector<std::byte>> probe;
  server.async_receive_from(
      asio::buffer(datagram), client, [&](const asio::error_code& ec, std::size_t size) {
        if (!ec) {
          probe = leg.open(std::string(reinterpret_cast<const char*>(datagram.data()), size));
        }
      });
  REQUIRE(h.pumpUntil([&] { return probe.has_value(); }));
  REQUIRE(parley::media::isRtcp(*probe));
  CHECK(h.stats().path == "probing");

  std::vector<std::byte> answer;
  parley::media::appendReceiverReport(parley::media::ReceiverReport{kServerSsrc, {}}, answer);
  server.send_to(asio::buffer(leg.protect(std::move(answer), true)), client);
  REQUIRE(h.pumpUntil([&] { return h.stats().path == "udp"; }));
  CHECK(leg.transportRequests() == std::vector{true});

  // Two speakers: A in order with one lost (3), B with 12 arriving after 13.
  for (auto [ssrc, seq] : std::vector<std::pair<std::uint32_t, std::uint16_t>>{
           {0xA, 1}, {0xA, 2}, {0xA, 4}, {0xB, 11}, {0xB, 13}, {0xB, 12}, {0xB, 14}}) {
    server.send_to(asio::buffer(leg.voice(ssrc, seq)), client);
  }
  REQUIRE(h.pumpUntil([&] { return observed.size() == 7; }));
  const auto stats = h.stats();
  REQUIRE(stats.streams.size() == 2);
  const auto& a = stats.streams.at(0xA);
  CHECK(a.packets == 3);
  CHECK(a.missing == 1);
  CHECK(a.out_of_order == 0);
  const auto& b = stats.streams.at(0xB);
  CHECK(b.packets == 4);
  CHECK(b.missing == 1);  // 12 was skipped when 13 came; its late arrival does not undo that
  CHECK(b.out_of_order == 1);
  CHECK(stats.transport.received_udp >= 8);  // the probe's answer and the voice
  CHECK(observed == std::vector<std::uint16_t>{1, 2, 4, 11, 13, 12, 14});

  // A packet under other keys is refused, not counted.
  ServerLeg stranger(0x2000, 77);
  server.send_to(asio::buffer(stranger.voice(0xC, 1)), client);
  REQUIRE(h.pumpUntil([&] { return h.stats().transport.dropped_auth == 1; }));
  CHECK(h.stats().streams.count(0xC) == 0);
  server.close();
}

TEST_CASE(
    "over a direct connection the client probes the address it connected to, without a lookup, "
    "through a proxy it resolves the server's name") {
  // Two server sockets on one port: 127.0.0.2 stands for the address the
  // connection went to, 127.0.0.1 for what the name resolves to. (A name
  // that cannot resolve would prove the same but send a query to the
  // machine's DNS.)
  Harness h(udpConfig());
  ServerLeg leg(0x1000, 3);
  asio::ip::udp::socket connected(h.io(),
                                  asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.2"), 0));
  const auto port = connected.local_endpoint().port();
  asio::ip::udp::socket named(h.io(),
                              asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  auto probeAt = [&](asio::ip::udp::socket& socket, ServerLeg& server_leg) {
    std::vector<std::byte> datagram(2048);
    asio::ip::udp::endpoint client;
    std::optional<std::vector<std::byte>> probe;
    socket.async_receive_from(
        asio::buffer(datagram), client, [&](const asio::error_code& ec, std::size_t size) {
          if (!ec) {
            probe =
                server_leg.open(std::string(reinterpret_cast<const char*>(datagram.data()), size));
          }
        });
    const bool came = h.pumpUntil([&] { return probe.has_value(); });
    socket.cancel();
    h.pump();
    return came && parley::media::isRtcp(*probe);
  };

  // The name resolves to 127.0.0.1; the connection's first hop is 127.0.0.2.
  auto offerVia = [&](ServerLeg& server_leg, const char* method) {
    auto offer = server_leg.offer(port);
    offer.server_host = "127.0.0.1";
    offer.first_hop_address = "127.0.0.2";
    offer.connection_method = method;
    h.link().onMediaOffer(offer);
  };
  offerVia(leg, "direct");
  CHECK(probeAt(connected, leg));
  CHECK(h.stats().path == "probing");

  // Through a proxy the first hop is the proxy, not the server. (A new leg:
  // the same keys again would make the probe a replay.)
  ServerLeg proxied(0x2000, 9);
  offerVia(proxied, "http");
  CHECK(probeAt(named, proxied));
  CHECK(h.stats().path == "probing");
}

TEST_CASE(
    "sendAudio sends prepared Opus as the leg's voice: its SSRC and payload type, one sequence "
    "number and 960 ticks per frame, the marker at each talkspurt, the RFC 6464 level") {
  MediaTransportConfig config;
  config.allow_udp = false;  // inside the channel, where the test can read it
  Harness h(config);
  ServerLeg leg(0x4242, 3);

  // Before any leg there is nowhere to send to.
  h.link().sendAudio(std::vector<std::byte>(40, std::byte{1}), AudioLevel{30, true});
  h.pump();
  CHECK(h.stats().audio_sent == 0);

  h.link().onMediaOffer(leg.offer(0));
  h.pump();
  CHECK(h.stats().path == "tcp");
  const std::vector<AudioLevel> levels{{30, true}, {31, true}, {90, false}, {25, true}};
  for (std::size_t i = 0; i < levels.size(); ++i) {
    h.link().sendAudio(std::vector<std::byte>(50 + i, static_cast<std::byte>(i)), levels[i]);
  }
  h.pump();
  CHECK(h.stats().audio_sent == levels.size());

  const auto channel = leg.channel();
  REQUIRE(channel.size() == levels.size());
  std::vector<std::uint16_t> sequences;
  std::vector<std::uint32_t> timestamps;
  std::vector<bool> markers;
  for (std::size_t i = 0; i < channel.size(); ++i) {
    auto plain = leg.open(channel[i]);
    REQUIRE(plain);
    auto rtp = parley::media::parseRtp(*plain);
    REQUIRE(rtp);
    CHECK(rtp->header.ssrc == 0x4242);
    CHECK(rtp->header.payload_type == 111);
    CHECK(parley::media::findAudioLevel(rtp->header) == levels[i]);
    CHECK(rtp->payload.size() == 50 + i);
    CHECK(rtp->payload[0] == static_cast<std::byte>(i));
    sequences.push_back(rtp->header.sequence);
    timestamps.push_back(rtp->header.timestamp);
    markers.push_back(rtp->header.marker);
  }
  for (std::size_t i = 1; i < sequences.size(); ++i) {
    CHECK(static_cast<std::uint16_t>(sequences[i] - sequences[i - 1]) == 1);
    CHECK(timestamps[i] - timestamps[i - 1] == 960U);
  }
  // The first packet starts a talkspurt; the one after the unvoiced frame starts another.
  CHECK(markers == std::vector<bool>{true, false, false, true});

  // The leg ends: nothing more goes out.
  h.link().onMediaStopped();
  h.link().sendAudio(std::vector<std::byte>(40, std::byte{1}), AudioLevel{30, true});
  h.pump();
  CHECK(leg.channel().size() == levels.size());
  CHECK(h.stats().path == "off");
}
