// Call on its own: a fake server end stands in for the session (the offer's
// send functions, MediaLink calls, SRTP with the offer's keys) and, for UDP,
// a loopback socket. The io_context runs on the test thread, so everything
// the call does on its strand has happened when pump() returns; time that
// matters to the call is the FakeClock's.

#include "core/client/call/call.h"

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <mutex>
#include <numbers>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "media/engine/file_audio_devices.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"
#include "net/media_transport/address_check.h"
#include "net/media_transport/srtp_session.h"
#include "tests/fakes/fake_clock.h"

using namespace std::chrono_literals;
using parley::client::Call;
using parley::client::CallConfig;
using parley::client::CallStats;
using parley::client::MediaOfferInfo;
using parley::client::MediaPath;
using parley::net::SrtpSession;

namespace {

std::span<std::byte> bytesOf(std::string& s) {
  return {reinterpret_cast<std::byte*>(s.data()), s.size()};
}

// The server's end of one media leg: its keys, and what the call sent on the
// leg's channel.
class ServerLeg {
 public:
  ServerLeg(std::uint32_t audio_ssrc, std::uint8_t key_seed) : audio_ssrc_(audio_ssrc) {
    keying_.resize(parley::net::kMediaKeyingBytes);
    for (std::size_t i = 0; i < keying_.size(); ++i) {
      keying_[i] = static_cast<std::byte>(key_seed + i * 7);
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

  static constexpr std::uint32_t kServerSsrc = 0x5e5e5e5e;

  // udp_port 0: the leg has no UDP, media goes inside the channel only.
  MediaOfferInfo offer(std::uint16_t udp_port = 0) {
    MediaOfferInfo offer;
    offer.server_host = "127.0.0.1";
    offer.udp_port = udp_port;
    offer.audio_ssrc = audio_ssrc_;
    offer.video_ssrc = audio_ssrc_ + 1;
    offer.video_low_ssrc = audio_ssrc_ + 2;
    offer.screen_ssrc = audio_ssrc_ + 3;
    offer.screen_low_ssrc = audio_ssrc_ + 4;
    offer.server_ssrc = kServerSsrc;
    offer.video_codec = "VP8";
    offer.keying = keying_;
    offer.send_packet = [this](std::string packet, bool urgent) {
      std::lock_guard lock(mu_);
      channel_packets_.push_back({std::move(packet), urgent});
    };
    offer.send_transport = [this](bool udp) {
      std::lock_guard lock(mu_);
      transport_requests_.push_back(udp);
    };
    return offer;
  }

  struct Sent {
    std::string packet;
    bool urgent = false;
  };

  std::vector<Sent> channelPackets() {
    std::lock_guard lock(mu_);
    return channel_packets_;
  }
  std::vector<bool> transportRequests() {
    std::lock_guard lock(mu_);
    return transport_requests_;
  }

  // Decrypts what the call protected; nullopt when these keys do not open it.
  std::optional<std::vector<std::byte>> open(std::string packet) {
    auto bytes = bytesOf(packet);
    const bool rtcp = parley::media::isRtcp(bytes);
    auto plain = rtcp ? from_client_->unprotectRtcp(bytes) : from_client_->unprotectRtp(bytes);
    if (!plain) {
      return std::nullopt;
    }
    return std::vector<std::byte>(bytes.begin(), bytes.begin() + static_cast<long>(*plain));
  }

  // What the server sends the call inside the channel (a MediaPacket).
  std::string protect(std::vector<std::byte> plain, bool rtcp) {
    REQUIRE((rtcp ? to_client_->protectRtcp(plain) : to_client_->protectRtp(plain)));
    return {reinterpret_cast<const char*>(plain.data()), plain.size()};
  }

  std::string remb(std::uint64_t bps) {
    std::vector<std::byte> rtcp;
    parley::media::appendReceiverReport(parley::media::ReceiverReport{kServerSsrc, {}}, rtcp);
    parley::media::appendRemb(parley::media::Remb{kServerSsrc, bps, {audio_ssrc_}}, rtcp);
    return protect(std::move(rtcp), true);
  }

  std::string rtp(std::uint32_t ssrc, std::uint16_t sequence, std::uint8_t payload_type) {
    parley::media::RtpHeader header;
    header.payload_type = payload_type;
    header.sequence = sequence;
    header.timestamp = sequence * 960U;
    header.ssrc = ssrc;
    const std::vector<std::byte> payload(40, std::byte{0x55});
    std::vector<std::byte> packet;
    parley::media::writeRtp(header, payload, packet);
    return protect(std::move(packet), false);
  }

 private:
  std::uint32_t audio_ssrc_;
  std::vector<std::byte> keying_;
  std::optional<SrtpSession> from_client_;
  std::optional<SrtpSession> to_client_;
  std::mutex mu_;  // the call's strand runs on another thread while it stops
  std::vector<Sent> channel_packets_;
  std::vector<bool> transport_requests_;
};

std::vector<std::int16_t> tone() {
  std::vector<std::int16_t> samples(48000);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<std::int16_t>(
        8000 * std::sin(2 * std::numbers::pi * 440 * static_cast<double>(i) / 48000));
  }
  return samples;
}

CallConfig quietConfig() {
  CallConfig config;
  config.audio.realtime_priority = false;
  config.peer_enabled = false;
  config.transport.allow_udp = false;
  return config;
}

class CallHarness {
 public:
  explicit CallHarness(CallConfig config = quietConfig())
      : input_(tone(), /*loop=*/true),
        call_(std::make_unique<Call>(io_.get_executor(), std::move(config), input_, output_,
                                     clock_)) {
    call_->setPathObserver([this](MediaPath path) { paths_.push_back(path); });
    pump();
  }

  // Call::stop() waits for its strand: run it elsewhere while the call goes.
  ~CallHarness() {
    io_.restart();
    auto work = asio::make_work_guard(io_);
    std::thread runner([this] { io_.run(); });
    call_.reset();
    work.reset();
    runner.join();
  }

  CallHarness(const CallHarness&) = delete;
  CallHarness& operator=(const CallHarness&) = delete;

  // Runs everything ready on the call's strand.
  void pump() {
    io_.restart();
    io_.poll();
  }

  // For what comes from the call's own threads (audio) or its real timers:
  // waits for events, not for an amount of time; the limit only turns a hang
  // into a failure.
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

  CallStats stats() {
    std::optional<CallStats> out;
    call_->stats([&](CallStats s) { out = std::move(s); });
    pump();
    REQUIRE(out);
    return *out;
  }

  asio::io_context& io() { return io_; }
  Call& call() { return *call_; }
  parley::testing::FakeClock& clock() { return clock_; }
  const std::vector<MediaPath>& paths() const { return paths_; }

 private:
  asio::io_context io_;
  parley::testing::FakeClock clock_;
  parley::media::WavFileInput input_;
  parley::media::NullOutput output_;
  std::vector<MediaPath> paths_;
  std::unique_ptr<Call> call_;
};

std::optional<parley::media::RtpPacketView> voiceIn(ServerLeg& leg, const ServerLeg::Sent& sent,
                                                    std::vector<std::byte>& plain) {
  auto opened = leg.open(sent.packet);
  if (!opened || parley::media::isRtcp(*opened)) {
    return std::nullopt;
  }
  plain = std::move(*opened);
  auto rtp = parley::media::parseRtp(plain);
  if (!rtp) {
    return std::nullopt;
  }
  return *rtp;
}

}  // namespace

TEST_CASE("an offer without UDP carries media inside the channel and asks the server nothing") {
  CallHarness h;
  ServerLeg leg(0x1000, 1);
  REQUIRE(h.stats().path == "off");

  h.call().onMediaOffer(leg.offer());
  h.pump();

  CHECK(h.paths() == std::vector{MediaPath::Tcp});
  CHECK(h.stats().path == "tcp");
  // The server sends inside the channel unless told UDP works.
  CHECK(leg.transportRequests().empty());
}

TEST_CASE("media stopping turns the path off, and packets that come later are not taken") {
  CallHarness h;
  ServerLeg leg(0x1000, 1);
  h.call().onMediaOffer(leg.offer());
  h.pump();
  const std::string late = leg.remb(300'000);

  h.call().onMediaStopped();
  h.pump();
  h.call().onMediaPacket(late);
  h.pump();

  CHECK(h.paths() == std::vector{MediaPath::Tcp, MediaPath::Off});
  const auto stats = h.stats();
  CHECK(stats.path == "off");
  CHECK(stats.transport.received_tcp == 0);
  CHECK(stats.transport.dropped_not_ready == 1);
}

TEST_CASE(
    "voice goes out inside the channel as urgent, as the offer's audio SSRC, and a new "
    "leg's offer moves it to that leg's SSRC and keys") {
  CallHarness h;
  REQUIRE(h.call().start());
  ServerLeg first(0x1000, 1);
  ServerLeg second(0x2000, 99);

  h.call().onMediaOffer(first.offer());
  std::vector<std::byte> plain;
  std::optional<parley::media::RtpPacketView> voice;
  std::optional<bool> urgent;
  REQUIRE(h.pumpUntil([&] {
    for (const auto& sent : first.channelPackets()) {
      if ((voice = voiceIn(first, sent, plain))) {
        urgent = sent.urgent;
        return true;
      }
    }
    return false;
  }));
  CHECK(voice->header.ssrc == 0x1000);
  CHECK(voice->header.payload_type == 111);
  CHECK(urgent == true);

  // A reconnect: the old leg ends, the rejoin brings new SSRCs and keys.
  h.call().onMediaStopped();
  h.pump();
  const auto sent_on_first = first.channelPackets().size();
  h.call().onMediaOffer(second.offer());
  REQUIRE(h.pumpUntil([&] {
    for (const auto& sent : second.channelPackets()) {
      if ((voice = voiceIn(second, sent, plain))) {
        return true;
      }
    }
    return false;
  }));
  CHECK(voice->header.ssrc == 0x2000);
  CHECK(first.channelPackets().size() == sent_on_first);
}

TEST_CASE("the server's REMB sets what the call may send, never above max_send_bps") {
  CallConfig config = quietConfig();
  config.max_send_bps = 1'500'000;
  CallHarness h(config);
  ServerLeg leg(0x1000, 1);

  h.call().onMediaOffer(leg.offer());
  h.pump();
  // Before any estimate: the call's own start, within the cap.
  CHECK(h.stats().send_budget_bps == 1'500'000);

  h.call().onMediaPacket(leg.remb(800'000));
  h.pump();
  CHECK(h.stats().send_budget_bps == 800'000);

  h.call().onMediaPacket(leg.remb(9'000'000));
  h.pump();
  CHECK(h.stats().send_budget_bps == 1'500'000);
}

TEST_CASE("receiver reports tell the server which packets it sent were lost") {
  CallHarness h;
  REQUIRE(h.call().start());
  ServerLeg leg(0x1000, 1);
  h.call().onMediaOffer(leg.offer());
  constexpr std::uint32_t kRemote = 0x7000;
  for (std::uint16_t seq : {1, 2, 4}) {  // 3 never arrives
    h.call().onMediaPacket(leg.rtp(kRemote, seq, 111));
  }

  std::optional<parley::media::ReportBlock> block;
  REQUIRE(h.pumpUntil([&] {
    for (const auto& sent : leg.channelPackets()) {
      auto opened = leg.open(sent.packet);
      if (!opened || !parley::media::isRtcp(*opened)) {
        continue;
      }
      auto rtcp = parley::media::parseRtcp(*opened);
      if (!rtcp) {
        continue;
      }
      for (const auto& rr : rtcp->receiver_reports) {
        for (const auto& b : rr.report_blocks) {
          if (b.ssrc == kRemote) {
            block = b;
            CHECK(rr.ssrc == 0x1000);
            return true;
          }
        }
      }
    }
    return false;
  }));
  CHECK(block->cumulative_lost == 1);
  CHECK(block->extended_highest_seq == 4);
}

TEST_CASE("stats rates are over the time between two stats calls") {
  CallHarness h;
  ServerLeg leg(0x1000, 1);
  h.call().onMediaOffer(leg.offer());
  h.pump();
  (void)h.stats();  // the first one starts the period

  const std::string packet = leg.rtp(0x7000, 1, 111);
  h.call().onMediaPacket(packet);
  h.call().onMediaPacket("not SRTP at all");
  h.pump();
  h.clock().advance(2s);

  const auto stats = h.stats();
  CHECK(stats.transport.received_tcp == 1);
  CHECK(stats.transport.dropped_auth == 1);
  CHECK(stats.received_kbps == Approx(static_cast<double>(packet.size()) * 8 / 1000 / 2));
}

TEST_CASE("with peer paths off, the call answers a peer-path start with 'via server' at once") {
  CallHarness h;  // peer_enabled = false
  ServerLeg leg(0x1000, 1);
  h.call().onMediaOffer(leg.offer());
  std::vector<std::tuple<std::uint64_t, std::string, std::uint32_t>> states;
  int signals = 0;
  parley::client::PeerPathStartInfo start;
  start.attempt = 7;
  start.peer_participant_id = 2;
  start.controlling = true;

  h.call().onPeerPathStart(
      start, [&](const parley::client::PeerSignalInfo&) { ++signals; },
      [&](std::uint64_t attempt, std::string path, std::uint32_t rtt_ms) {
        states.emplace_back(attempt, std::move(path), rtt_ms);
      });
  h.pump();

  REQUIRE(states.size() == 1);
  CHECK(states[0] == std::tuple<std::uint64_t, std::string, std::uint32_t>{7, "via server", 0});
  CHECK(signals == 0);
  CHECK(h.stats().peer_path == "via server");
}

TEST_CASE(
    "over UDP: the server's answer to a probe moves media to UDP and says so, and silence "
    "moves it back inside the channel") {
  CallConfig config = quietConfig();
  config.transport.allow_udp = true;
  // Only how often the call looks; what it decides is on the fake clock.
  config.transport.probe_interval = 5ms;
  config.transport.keepalive_interval = 5ms;
  CallHarness h(config);
  ServerLeg leg(0x1000, 1);
  asio::ip::udp::socket server(h.io(),
                               asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));

  h.call().onMediaOffer(leg.offer(server.local_endpoint().port()));
  std::vector<std::byte> datagram(2048);
  asio::ip::udp::endpoint client;
  std::optional<std::vector<std::byte>> probe;
  server.async_receive_from(asio::buffer(datagram), client,
                            [&](const asio::error_code& ec, std::size_t size) {
                              if (!ec) {
                                std::string packet(reinterpret_cast<const char*>(datagram.data()),
                                                   size);
                                probe = leg.open(packet);
                              }
                            });
  REQUIRE(h.pumpUntil([&] { return probe.has_value(); }));
  CHECK(h.paths() == std::vector{MediaPath::Probing});
  auto rtcp = parley::media::parseRtcp(*probe);
  REQUIRE(rtcp);
  REQUIRE(rtcp->receiver_reports.size() == 1);
  CHECK(rtcp->receiver_reports[0].ssrc == 0x1000);

  std::vector<std::byte> answer;
  parley::media::appendReceiverReport(parley::media::ReceiverReport{ServerLeg::kServerSsrc, {}},
                                      answer);
  const std::string protected_answer = leg.protect(std::move(answer), true);
  server.send_to(asio::buffer(protected_answer), client);
  REQUIRE(h.pumpUntil([&] { return h.paths().back() == MediaPath::Udp; }));
  CHECK(leg.transportRequests() == std::vector{true});
  const auto stats = h.stats();
  CHECK(stats.path == "udp");
  CHECK(stats.rtt_ms == 0.0);  // the fake clock stood still between probe and answer
  CHECK(stats.transport.received_udp == 1);

  h.clock().advance(3s);  // udp_silence_timeout
  REQUIRE(h.pumpUntil([&] { return h.paths().back() == MediaPath::Tcp; }));
  CHECK(leg.transportRequests() == std::vector{true, false});
  server.close();
}

TEST_CASE(
    "over UDP: the call echoes the server's address check from the same socket, again with each "
    "probe until a probe is answered, and the check alone does not move media to UDP") {
  CallConfig config = quietConfig();
  config.transport.allow_udp = true;
  config.transport.probe_interval = 5ms;
  config.transport.keepalive_interval = 5ms;
  CallHarness h(config);
  ServerLeg leg(0x1000, 1);
  asio::ip::udp::socket server(h.io(),
                               asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  h.call().onMediaOffer(leg.offer(server.local_endpoint().port()));

  // Every datagram the call sends, opened with its keys, and where from.
  std::vector<std::byte> datagram(2048);
  asio::ip::udp::endpoint from;
  std::vector<std::pair<std::size_t, std::vector<std::byte>>> got;  // wire size, plain
  std::vector<asio::ip::udp::endpoint> sources;
  std::function<void()> receive = [&] {
    server.async_receive_from(asio::buffer(datagram), from,
                              [&](const asio::error_code& ec, std::size_t size) {
                                if (ec) {
                                  return;
                                }
                                std::string packet(reinterpret_cast<const char*>(datagram.data()),
                                                   size);
                                if (auto plain = leg.open(packet)) {
                                  got.emplace_back(size, std::move(*plain));
                                  sources.push_back(from);
                                }
                                receive();
                              });
  };
  receive();
  REQUIRE(h.pumpUntil([&] { return !got.empty(); }));
  // The probe is large enough to draw a check (the server never answers a
  // smaller packet with a larger one).
  CHECK(got[0].first >= parley::net::kAddressCheckWireBytes);
  const auto client = sources[0];

  constexpr std::uint64_t kNonce = 0x0123456789abcdefULL;
  std::vector<std::byte> check;
  parley::net::appendAddressCheck(parley::net::AddressCheckType::Check, ServerLeg::kServerSsrc,
                                  kNonce, check);
  const std::string protected_check = leg.protect(std::move(check), true);
  server.send_to(asio::buffer(protected_check), client);
  const auto answers = [&] {
    int n = 0;
    for (const auto& [size, plain] : got) {
      n += parley::net::findAddressCheck(plain, parley::net::AddressCheckType::Answer) == kNonce
               ? 1
               : 0;
    }
    return n;
  };
  REQUIRE(h.pumpUntil([&] { return answers() >= 1; }));
  CHECK(sources.back() == client);  // from the socket the check reached
  // An answer lost on a lossy uplink need not wait for the server to check
  // again: it goes with each probe, ahead of it.
  REQUIRE(h.pumpUntil([&] { return answers() >= 3; }));
  const auto is = [&](std::size_t i, parley::net::AddressCheckType type) {
    return parley::net::findAddressCheck(got[i].second, type).has_value();
  };
  std::size_t first_answer = 0;
  while (!is(first_answer, parley::net::AddressCheckType::Answer)) {
    ++first_answer;
  }
  for (std::size_t i = first_answer + 1; i < got.size(); ++i) {
    if (is(i, parley::net::AddressCheckType::Padding)) {
      CHECK(is(i - 1, parley::net::AddressCheckType::Answer));  // each probe after its answer
    }
  }
  CHECK(h.stats().transport.address_checks_answered == 1);
  // Only the server's answer to a probe (sent once the address is confirmed)
  // moves media to UDP; the check is not delivered to the call either.
  CHECK(h.paths() == std::vector{MediaPath::Probing});
  CHECK(leg.transportRequests().empty());
  CHECK(h.stats().transport.received_udp == 0);

  // The server confirmed the address and answers a probe: UDP, and the
  // answer is not repeated any more.
  std::vector<std::byte> rr;
  parley::media::appendReceiverReport(parley::media::ReceiverReport{ServerLeg::kServerSsrc, {}},
                                      rr);
  server.send_to(asio::buffer(leg.protect(std::move(rr), true)), client);
  REQUIRE(h.pumpUntil([&] { return h.paths().back() == MediaPath::Udp; }));
  // Datagrams arrive in order: once five more came, whatever was sent before
  // UDP was confirmed has been read.
  auto seen = got.size();
  REQUIRE(h.pumpUntil([&] { return got.size() >= seen + 5; }));  // keep-alive probes
  const int confirmed_at = answers();
  seen = got.size();
  REQUIRE(h.pumpUntil([&] { return got.size() >= seen + 5; }));
  CHECK(answers() == confirmed_at);
  server.close();
}

namespace {

// The server's receiver report on the call's own voice, covering `packets`
// more of them than the previous one.
struct VoiceReports {
  ServerLeg& leg;
  std::uint32_t highest = 1000;

  std::string next(std::uint8_t fraction, std::uint32_t packets = 25, std::uint32_t ssrc = 0x1000) {
    highest += packets;
    parley::media::ReceiverReport rr;
    rr.ssrc = ServerLeg::kServerSsrc;
    parley::media::ReportBlock block;
    block.ssrc = ssrc;
    block.fraction_lost = fraction;
    block.extended_highest_seq = highest;
    rr.report_blocks.push_back(block);
    std::vector<std::byte> rtcp;
    parley::media::appendReceiverReport(rr, rtcp);
    return leg.protect(std::move(rtcp), true);
  }
};

// The payload types of the voice the call sent so far (each packet opened
// once: SRTP's replay window refuses a second look).
struct VoiceLog {
  ServerLeg& leg;
  std::size_t opened = 0;
  std::vector<std::uint8_t> types;

  const std::vector<std::uint8_t>& update() {
    const auto sent = leg.channelPackets();
    for (; opened < sent.size(); ++opened) {
      std::vector<std::byte> plain;
      if (auto rtp = voiceIn(leg, sent[opened], plain); rtp && rtp->header.ssrc == 0x1000) {
        types.push_back(rtp->header.payload_type);
      }
    }
    return types;
  }
};

}  // namespace

TEST_CASE("the loss reported for our voice sets the encoder's expected loss and RED, smoothed") {
  CallHarness h;
  REQUIRE(h.call().start());
  ServerLeg leg(0x1000, 1);
  VoiceReports reports{leg};
  h.call().onMediaOffer(leg.offer());
  h.pump();
  CHECK(h.stats().audio_redundancy == 0);
  const auto report = [&](std::uint8_t fraction, std::uint32_t packets = 25,
                          std::uint32_t ssrc = 0x1000) {
    h.call().onMediaPacket(reports.next(fraction, packets, ssrc));
    h.pump();
    return h.stats();
  };

  // 25 % lost: one report moves the estimate by 0.3 of the way (7.5 %, no
  // copies yet), the second past 8 % (one copy), and from 20 % two copies.
  auto stats = report(64);
  CHECK(stats.audio_reported_loss_pct == Approx(7.5));
  CHECK(stats.audio_redundancy == 0);
  stats = report(64);
  CHECK(stats.audio_reported_loss_pct == Approx(12.75));
  CHECK(stats.audio_redundancy == 1);
  int count = 2;
  while (stats.audio_redundancy < 2 && count < 20) {
    stats = report(64);
    ++count;
  }
  CHECK(count == 5);
  CHECK(stats.audio_reported_loss_pct == Approx(25 * (1 - std::pow(0.7, 5))));
  // The encoder gets it on its next frame; the engine publishes once a second.
  REQUIRE(h.pumpUntil([&] { return h.stats().audio_encoder_loss_pct == 21; }));
  VoiceLog voice{leg, 0, {}};
  const auto red_from = voice.update().size();
  REQUIRE(h.pumpUntil([&] {
    const auto& types = voice.update();
    return types.size() > red_from + 2 && types.back() == parley::media::kRedPayloadType;
  }));

  // A report about someone else's stream changes nothing.
  const double before = h.stats().audio_reported_loss_pct;
  CHECK(report(0, 25, 0x7000).audio_reported_loss_pct == Approx(before));

  // Loss gone: it falls slowly, through one copy (below 14 %), to none
  // (below 4 %).
  count = 0;
  while (stats.audio_redundancy == 2 && count < 100) {
    stats = report(0);
    ++count;
  }
  CHECK(count == 4);
  CHECK(stats.audio_redundancy == 1);
  while (stats.audio_redundancy == 1 && count < 100) {
    stats = report(0);
    ++count;
  }
  CHECK(count == 16);
  CHECK(stats.audio_redundancy == 0);
  CHECK(stats.audio_reported_loss_pct < 4.0);
  // Everything lost of two packets (a few keep-alives in a pause) weighs
  // little: no copies for that.
  stats = report(255, 2);
  CHECK(stats.audio_reported_loss_pct < 7.0);
  CHECK(stats.audio_redundancy == 0);
  REQUIRE(h.pumpUntil([&] { return h.stats().audio_encoder_loss_pct <= 7; }));
  const auto plain_from = voice.update().size();
  REQUIRE(h.pumpUntil([&] {
    const auto& types = voice.update();
    return types.size() > plain_from + 2 && types.back() == 111;
  }));
}

TEST_CASE("with RED off the expected loss still follows the reports, and no copies go out") {
  CallConfig config = quietConfig();
  config.audio_red = false;
  CallHarness h(config);
  REQUIRE(h.call().start());
  ServerLeg leg(0x1000, 1);
  VoiceReports reports{leg};
  h.call().onMediaOffer(leg.offer());
  for (int i = 0; i < 10; ++i) {
    h.call().onMediaPacket(reports.next(64));
  }
  h.pump();
  CHECK(h.stats().audio_reported_loss_pct > 20.0);
  CHECK(h.stats().audio_redundancy == 0);
  REQUIRE(h.pumpUntil([&] { return h.stats().audio_encoder_loss_pct == 24; }));
  VoiceLog voice{leg, 0, {}};
  REQUIRE(h.pumpUntil([&] { return voice.update().size() > 10; }));
  for (const auto type : voice.types) {
    CHECK(type == 111);
  }
}
