// Media speed, measured side by side in one run (targets: docs/benchmarks.md). Prints
// Markdown sections; scripts/bench appends them to docs/benchmarks.md. Not a
// test: nothing here fails on a number.
//
//   (e) Server forwarding: RTP packets through parley::server::MediaRouter
//       with SRTP (the sender's leg decrypted, every receiver's re-encrypted
//       with its own keys), 100 B and 1200 B packets, 1 sender and 1, 4, 16
//       receivers; per core (the router is one strand, so one thread's CPU
//       time). Next to it, in the same rounds, a bare libsrtp protect and
//       unprotect loop: the cost of the cryptography alone, so the ratio
//       shows what the router itself adds.
//   (f) Mouth-to-ear latency through a local parleyd, sound devices left
//       out: two client::Calls (alice speaks, bob listens) on timestamped
//       AudioInput/AudioOutput; alice's input is a 10 ms tone burst every
//       second on silence; latency is from the burst leaving
//       AudioInput::read to bob's AudioOutput::write of the frame it is in.
//       The bursts are spread over a few meetings: each starts new audio
//       threads, so the tick phase between the two ends is sampled too.
//       A UDP tap between bob and the server timestamps arrivals and feeds a
//       shadow JitterBuffer (the engine's configuration) with them, so the
//       table can say where the time goes and what target delay the jitter
//       buffer computes for such a path.
//
//   media_bench [--latency-only] [--compare] [clicks]     (default 20 clicks)
//   --latency-only runs (f) alone, for iterating on the voice path;
//   --compare runs (f) also with the jitter buffer as it was before
//   2026-12-06 and with each change since, and tabulates what each bought.

#include <openssl/rand.h>
#include <srtp2/srtp.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <future>
#include <memory>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include "core/client/call/call.h"
#include "core/client/client_session.h"
#include "core/server/media/media_router.h"
#include "core/server/media/media_ssrc.h"
#include "core/server/observability/server_metrics.h"
#include "media/audio/jitter_buffer.h"
#include "media/engine/file_audio_devices.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/rtp_packet.h"
#include "net/io_thread.h"
#include "net/media_transport/srtp_session.h"
#include "net/tls/tls_context.h"
#include "tests/fakes/fake_clock.h"
#include "tests/support/direct_routes.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_recorder.h"

using namespace parley;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }
double ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}
double median(std::vector<double> v) { return percentile(std::move(v), 0.5); }

std::vector<std::byte> randomBytes(std::size_t n) {
  std::vector<std::byte> out(n);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

// ---------------------------------------------------------------------------
// (e) forwarding

constexpr std::size_t kChunk = 2048;     // datagrams protected (untimed) per batch
constexpr double kMinCpuSeconds = 0.25;  // per measurement and round
constexpr int kRounds = 3;
constexpr std::size_t kAudioBytes = 100;   // RTP packet before SRTP (12 B header)
constexpr std::size_t kVideoBytes = 1200;  // likewise; SRTP adds a 16 B tag
constexpr int kVideoPacketsPerFrame = 5;   // 30 frames/s: 150 packets/s, 1.4 Mbit/s

// An RTP packet of `bytes` in total. Video carries a VP8 payload descriptor;
// the first packet of each frame is marked as a key-frame start, so every
// receiver's layer switch completes at once (it costs the router nothing).
void writePacket(std::vector<std::byte>& out, std::size_t bytes, bool video, std::uint32_t ssrc,
                 std::uint16_t seq, std::uint32_t ts) {
  media::RtpHeader header;
  header.payload_type = video ? media::kVp8PayloadType : media::kOpusPayloadType;
  header.sequence = seq;
  header.timestamp = ts;
  header.ssrc = ssrc;
  std::vector<std::byte> payload(bytes - 12, std::byte{0x5a});
  if (video) {
    const bool frame_start = seq % kVideoPacketsPerFrame == 0;
    payload[0] = frame_start ? std::byte{0x10} : std::byte{0x00};  // S bit, PID 0
    payload[1] = std::byte{0x00};                                  // VP8 P=0: key frame
    header.marker = seq % kVideoPacketsPerFrame == kVideoPacketsPerFrame - 1;
  }
  media::writeRtp(header, payload, out);
}

struct ForwardResult {
  double in_pps = 0;       // per core (thread CPU time)
  double out_pps = 0;      // protected packets handed to receivers, per core
  double in_pps_wall = 0;  // per second of wall time (a shared machine shows here)
  double us_per_in = 0;    // CPU per received packet, all its copies included
  std::uint64_t dropped = 0;
};

ForwardResult forward(std::size_t bytes, bool video, int receivers) {
  asio::io_context io;
  server::ServerMetrics metrics;
  parley::testing::FakeClock clock;
  server::MediaRouterConfig config;
  config.udp_enabled = false;
  auto router = std::make_shared<server::MediaRouter>(io, config, metrics, clock);

  // Legs as Room::offerMedia builds them; no channel (it expired), no UDP
  // address: sendTo protects and then has nowhere to send, which is exactly
  // the cost we want without sockets.
  std::vector<std::byte> sender_keying;
  for (int i = 0; i <= receivers; ++i) {
    const auto id = static_cast<std::uint64_t>(i + 1);
    server::MediaLegInfo leg;
    leg.participant_id = id;
    leg.room = "bench";
    leg.ssrcs = {server::mediaSsrc(id, server::StreamKind::Audio),
                 server::mediaSsrc(id, server::StreamKind::Video),
                 server::mediaSsrc(id, server::StreamKind::Screen),
                 server::mediaSsrc(id, server::StreamKind::VideoLow),
                 server::mediaSsrc(id, server::StreamKind::ScreenLow)};
    leg.keying = randomBytes(net::kMediaKeyingBytes);
    if (i == 0) {
      sender_keying = leg.keying;
    }
    router->addLeg(std::move(leg));
  }
  io.run();
  io.restart();
  // The sender's address counts as confirmed (no socket here to answer the
  // server's check from).
  const asio::ip::udp::endpoint from(asio::ip::make_address("127.0.0.1"), 40000);
  router->confirmAddressForTest(1, from);

  auto keys = net::splitMediaKeys(sender_keying);
  auto sender = net::SrtpSession::create(net::SrtpSession::Direction::Outbound, keys->client_write);
  if (!sender) {
    throw std::runtime_error(sender.error().toString());
  }
  const std::uint32_t ssrc =
      server::mediaSsrc(1, video ? server::StreamKind::Video : server::StreamKind::Audio);
  // The router's clock advances as a real stream's would (20 ms per audio
  // packet; 30 frames/s of video): its rate meters and video budget see a
  // normal call, while the CPU it takes is measured on the real clock.
  const Clock::Duration step = video ? Clock::Duration(33'333'333 / kVideoPacketsPerFrame)
                                     : Clock::Duration(std::chrono::milliseconds(20));
  const std::uint32_t ts_step = video ? 3000 : 960;
  std::uint16_t seq = 0;
  std::uint32_t ts = 0;
  std::vector<std::vector<std::byte>> batch(kChunk);
  auto fill = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      writePacket(batch[i], bytes, video, ssrc, seq, ts);
      if (!video || seq % kVideoPacketsPerFrame == kVideoPacketsPerFrame - 1) {
        ts += ts_step;
      }
      ++seq;
      if (!sender->protectRtp(batch[i])) {
        throw std::runtime_error("protect failed");
      }
    }
  };
  auto inject = [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      clock.advance(step);
      router->injectDatagramForTest(batch[i], from);
    }
  };
  server::MediaRouter::Counters before;
  auto snapshot = [&](server::MediaRouter::Counters& out) {
    router->inspect([&out](const server::MediaRouter::Counters& c) { out = c; });
    io.run();
    io.restart();
  };
  // Warm-up, untimed: 3 s of the stream, so the first plan has put every
  // receiver on the full layer.
  fill(video ? 450 : 150);
  inject(video ? 450 : 150);
  snapshot(before);

  double cpu = 0;
  double wall = 0;
  std::uint64_t injected = 0;
  while (cpu < kMinCpuSeconds) {
    fill(kChunk);
    const double c0 = threadCpuSeconds();
    const auto w0 = Steady::now();
    inject(kChunk);
    wall += seconds(Steady::now() - w0);
    cpu += threadCpuSeconds() - c0;
    injected += kChunk;
  }
  server::MediaRouter::Counters after;
  snapshot(after);
  router->stop();
  io.run();

  ForwardResult r;
  const auto in = static_cast<double>(after.rtp_in - before.rtp_in);
  const auto out = static_cast<double>(after.forwarded_packets - before.forwarded_packets);
  r.in_pps = in / cpu;
  r.out_pps = out / cpu;
  r.in_pps_wall = in / wall;
  r.us_per_in = cpu * 1e6 / in;
  r.dropped = (after.dropped_auth - before.dropped_auth) +
              (after.dropped_video_budget - before.dropped_video_budget) +
              (after.dropped_malformed - before.dropped_malformed) +
              (injected - (after.rtp_in - before.rtp_in));
  return r;
}

// Bare libsrtp, the same cipher suite and session shape as net::SrtpSession
// (AES-256-GCM, 16 B tag, ssrc_any, replay window 1024): CPU per protect and
// per unprotect of one packet.
struct SrtpCost {
  double protect_us = 0;
  double unprotect_us = 0;
};

SrtpCost bareSrtp(std::size_t bytes) {
  // net::SrtpSession runs srtp_init() once for the process.
  (void)net::SrtpSession::create(net::SrtpSession::Direction::Outbound, net::SrtpKey{});
  auto key = randomBytes(net::kSrtpKeyBytes + net::kSrtpSaltBytes);
  auto makeCtx = [&](bool outbound) {
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof(policy));
    srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
    policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    policy.key = reinterpret_cast<unsigned char*>(key.data());
    policy.window_size = 1024;
    srtp_t ctx = nullptr;
    if (srtp_create(&ctx, &policy) != srtp_err_status_ok) {
      throw std::runtime_error("srtp_create failed");
    }
    return ctx;
  };
  srtp_t out = makeCtx(true);
  srtp_t in = makeCtx(false);
  std::vector<std::vector<std::byte>> batch(kChunk);
  std::vector<int> lengths(kChunk);
  std::uint16_t seq = 0;
  double protect_cpu = 0;
  double unprotect_cpu = 0;
  std::uint64_t packets = 0;
  while (protect_cpu + unprotect_cpu < kMinCpuSeconds) {
    for (auto& p : batch) {
      writePacket(p, bytes, false, 0x1234, seq, static_cast<std::uint32_t>(seq) * 960u);
      ++seq;
      p.resize(bytes + SRTP_MAX_TRAILER_LEN);
    }
    double c0 = threadCpuSeconds();
    for (std::size_t i = 0; i < kChunk; ++i) {
      lengths[i] = static_cast<int>(bytes);
      if (srtp_protect(out, batch[i].data(), &lengths[i]) != srtp_err_status_ok) {
        throw std::runtime_error("srtp_protect failed");
      }
    }
    double c1 = threadCpuSeconds();
    for (std::size_t i = 0; i < kChunk; ++i) {
      if (srtp_unprotect(in, batch[i].data(), &lengths[i]) != srtp_err_status_ok) {
        throw std::runtime_error("srtp_unprotect failed");
      }
    }
    double c2 = threadCpuSeconds();
    protect_cpu += c1 - c0;
    unprotect_cpu += c2 - c1;
    packets += kChunk;
  }
  srtp_dealloc(out);
  srtp_dealloc(in);
  return {protect_cpu * 1e6 / static_cast<double>(packets),
          unprotect_cpu * 1e6 / static_cast<double>(packets)};
}

void forwardingSection() {
  struct Config {
    std::size_t bytes;
    bool video;
    int receivers;
  };
  std::vector<Config> configs;
  for (const bool video : {false, true}) {
    for (const int n : {1, 4, 16}) {
      configs.push_back({video ? kVideoBytes : kAudioBytes, video, n});
    }
  }
  std::vector<std::vector<ForwardResult>> results(configs.size());
  std::array<std::vector<SrtpCost>, 2> bare;
  // Rounds interleave the reference and the router, so a noisy neighbour
  // hits both alike; medians over the rounds.
  for (int round = 0; round < kRounds; ++round) {
    bare[0].push_back(bareSrtp(kAudioBytes));
    bare[1].push_back(bareSrtp(kVideoBytes));
    for (std::size_t i = 0; i < configs.size(); ++i) {
      results[i].push_back(forward(configs[i].bytes, configs[i].video, configs[i].receivers));
    }
    std::fprintf(stderr, "media_bench: forwarding round %d of %d done\n", round + 1, kRounds);
  }
  auto med = [](const std::vector<ForwardResult>& v, double ForwardResult::*field) {
    std::vector<double> x;
    for (const auto& r : v) {
      x.push_back(r.*field);
    }
    return median(x);
  };
  auto medBare = [](const std::vector<SrtpCost>& v, double SrtpCost::*field) {
    std::vector<double> x;
    for (const auto& r : v) {
      x.push_back(r.*field);
    }
    return median(x);
  };

  std::printf("### (e) Server forwarding: RTP through MediaRouter with SRTP, one core\n\n");
  std::printf(
      "One sender, N receivers in one room; each packet is authenticated and decrypted on the "
      "sender's leg and re-encrypted (AES-256-GCM) for each receiver with its own keys "
      "(`injectDatagramForTest`, no sockets: receivers have no UDP path, so `sendTo` protects "
      "and drops). CPU time of the router's thread, median of %d rounds of >= %.2f s each. "
      "Packet sizes are RTP before SRTP (+16 B tag). \"ideal\" = 1 / (unprotect + N x protect) "
      "from the bare libsrtp loop measured in the same rounds. \"forwarded out\" counts every "
      "packet the router protected, its REMB feedback to the video sender included.\n\n",
      kRounds, kMinCpuSeconds);
  std::printf(
      "| packet | receivers | packets in/s per core | forwarded out/s per core | us CPU per packet "
      "in "
      "| ideal in/s (bare libsrtp) | router / ideal | in/s wall | dropped |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (std::size_t i = 0; i < configs.size(); ++i) {
    const auto& b = bare[configs[i].video ? 1 : 0];
    const double ideal_us = medBare(b, &SrtpCost::unprotect_us) +
                            configs[i].receivers * medBare(b, &SrtpCost::protect_us);
    const double in_pps = med(results[i], &ForwardResult::in_pps);
    std::uint64_t dropped = 0;
    for (const auto& r : results[i]) {
      dropped += r.dropped;
    }
    std::printf("| %zu B %s | %d | %.0f | %.0f | %.2f | %.0f | %.0f%% | %.0f | %llu |\n",
                configs[i].bytes, configs[i].video ? "video (VP8)" : "audio (Opus)",
                configs[i].receivers, in_pps, med(results[i], &ForwardResult::out_pps),
                med(results[i], &ForwardResult::us_per_in), 1e6 / ideal_us,
                100.0 * (1e6 / ideal_us > 0 ? in_pps / (1e6 / ideal_us) : 0),
                med(results[i], &ForwardResult::in_pps_wall),
                static_cast<unsigned long long>(dropped));
  }
  std::printf("\nBare libsrtp (the reference), same rounds:\n\n");
  std::printf("| packet | us per protect | us per unprotect | protect+unprotect pairs/s |\n");
  std::printf("|---|---:|---:|---:|\n");
  for (int v = 0; v < 2; ++v) {
    const double p = medBare(bare[static_cast<std::size_t>(v)], &SrtpCost::protect_us);
    const double u = medBare(bare[static_cast<std::size_t>(v)], &SrtpCost::unprotect_us);
    std::printf("| %zu B | %.3f | %.3f | %.0f |\n", v != 0 ? kVideoBytes : kAudioBytes, p, u,
                1e6 / (p + u));
  }
  std::printf(
      "\nCPU per forwarded audio stream (one 50 packets/s Opus stream to N receivers):\n\n");
  std::printf(
      "| receivers | us CPU per second of stream | share of one core | streams per core |\n");
  std::printf("|---:|---:|---:|---:|\n");
  for (std::size_t i = 0; i < 3; ++i) {
    const double us = 50.0 * med(results[i], &ForwardResult::us_per_in);
    std::printf("| %d | %.1f | %.4f%% | %.0f |\n", configs[i].receivers, us, us / 1e4, 1e6 / us);
  }
  std::printf("\n(target: at least 200,000 RTP packets per second per core with SRTP)\n\n");
}

// ---------------------------------------------------------------------------
// (f) mouth-to-ear latency

constexpr int kClickEveryFrames = 50;       // one a second
constexpr std::size_t kClickSamples = 480;  // 10 ms
constexpr std::size_t kMaxEvents = 256;
constexpr int kOnsetThreshold = 4000;
constexpr int kLatencyMeetings = 4;  // the bursts are spread over this many meetings

// alice's microphone: silence, and once a second a loud 10 ms 1 kHz burst at
// the start of a frame. Remembers when each burst left read(). Audio thread;
// results read after the engine stopped.
class ClickInput final : public media::AudioInput {
 public:
  void arm() { armed_.store(true, std::memory_order_release); }
  bool read(media::AudioFrame& frame) override {
    frame.fill(0);
    if (!armed_.load(std::memory_order_acquire)) {
      return true;  // a live microphone in a quiet room: DTX
    }
    if (frames_++ % kClickEveryFrames == 0 && count_ < kMaxEvents) {
      for (std::size_t i = 0; i < kClickSamples; ++i) {
        frame[i] = static_cast<std::int16_t>(
            20000.0 * std::sin(2.0 * std::numbers::pi * 1000.0 * static_cast<double>(i) / 48000.0));
      }
      reads_[count_] = Steady::now();
      count_.store(count_ + 1, std::memory_order_release);
    }
    return true;
  }
  [[nodiscard]] std::vector<Steady::time_point> reads() const {
    return {reads_.begin(), reads_.begin() + static_cast<std::ptrdiff_t>(count_.load())};
  }

 private:
  std::atomic<bool> armed_{false};
  int frames_ = 0;
  std::array<Steady::time_point, kMaxEvents> reads_{};
  std::atomic<std::size_t> count_{0};
};

// bob's speaker: records when a frame with a burst onset was written and
// where in the frame the onset is. Audio thread; no allocation.
class OnsetOutput final : public media::AudioOutput {
 public:
  struct Onset {
    Steady::time_point written;
    std::size_t sample = 0;
  };
  void write(const media::AudioFrame& frame) override {
    const auto now = Steady::now();
    ++frames_;
    if (count_ >= kMaxEvents || frames_ - last_onset_frame_ < 15) {
      return;  // the rest of the burst (and Opus' tail), not a new one
    }
    for (std::size_t i = 0; i < frame.size(); ++i) {
      if (std::abs(static_cast<int>(frame[i])) > kOnsetThreshold) {
        onsets_[count_] = {now, i};
        count_.store(count_ + 1, std::memory_order_release);
        last_onset_frame_ = frames_;
        return;
      }
    }
  }
  [[nodiscard]] std::vector<Onset> onsets() const {
    return {onsets_.begin(), onsets_.begin() + static_cast<std::ptrdiff_t>(count_.load())};
  }
  [[nodiscard]] std::size_t count() const { return count_.load(std::memory_order_acquire); }

 private:
  std::int64_t frames_ = 0;
  std::int64_t last_onset_frame_ = -1000;
  std::array<Onset, kMaxEvents> onsets_{};
  std::atomic<std::size_t> count_{0};
};

// A UDP relay between bob's MediaTransport and the server's media port, on
// its own thread: forwards both ways at once, then timestamps each RTP packet
// from the server, decrypts a copy with bob's keys and feeds a shadow
// JitterBuffer (pulled every 20 ms like the engine's) with the same arrivals.
// Results are read after stop().
class UdpTap {
 public:
  struct Arrival {
    Steady::time_point at;
    Clock::Duration target;  // the shadow buffer's target delay just after insert
  };

  explicit UdpTap(const media::JitterBufferConfig& config)
      : client_side_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
        server_side_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
        timer_(io_),
        jitter_(config) {}
  ~UdpTap() { stop(); }

  [[nodiscard]] std::uint16_t port() const { return client_side_.local_endpoint().port(); }

  // Any thread: the leg's keys and where the server listens.
  void configure(std::vector<std::byte> keying, asio::ip::udp::endpoint server) {
    asio::post(io_, [this, keying = std::move(keying), server] {
      auto keys = net::splitMediaKeys(keying);
      if (!keys) {
        return;
      }
      auto in = net::SrtpSession::create(net::SrtpSession::Direction::Inbound, keys->server_write);
      if (in) {
        inbound_.emplace(std::move(*in));
      }
      server_ = server;
    });
  }

  void start() {
    receiveFromClient();
    receiveFromServer();
    tick();
    thread_ = std::thread([this] { io_.run(); });
  }
  void stop() {
    io_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  [[nodiscard]] const std::vector<Arrival>& clicks() const { return clicks_; }
  [[nodiscard]] media::JitterBufferStats shadowStats() const { return jitter_.stats(); }

 private:
  void receiveFromClient() {
    client_side_.async_receive_from(asio::buffer(from_client_), client_,
                                    [this](const asio::error_code& ec, std::size_t n) {
                                      if (ec) {
                                        return;
                                      }
                                      if (server_) {
                                        asio::error_code ignored;
                                        server_side_.send_to(asio::buffer(from_client_.data(), n),
                                                             *server_, 0, ignored);
                                      }
                                      have_client_ = true;
                                      receiveFromClient();
                                    });
  }
  void receiveFromServer() {
    server_side_.async_receive_from(asio::buffer(from_server_), server_from_,
                                    [this](const asio::error_code& ec, std::size_t n) {
                                      if (ec) {
                                        return;
                                      }
                                      const auto now = Steady::now();
                                      if (have_client_) {
                                        asio::error_code ignored;
                                        client_side_.send_to(asio::buffer(from_server_.data(), n),
                                                             client_, 0, ignored);
                                      }
                                      inspect(std::span<std::byte>(from_server_.data(), n), now);
                                      receiveFromServer();
                                    });
  }
  void inspect(std::span<std::byte> datagram, Steady::time_point now) {
    if (!inbound_ || media::isRtcp(datagram)) {
      return;
    }
    auto plain = inbound_->unprotectRtp(datagram);
    if (!plain) {
      return;
    }
    auto rtp = media::parseRtp(datagram.first(*plain));
    if (!rtp || rtp->header.payload_type != media::kOpusPayloadType) {
      return;
    }
    (void)jitter_.insert(rtp->header.sequence, rtp->header.timestamp, rtp->payload, now);
    // A burst is the first non-DTX packet of a talkspurt (marker set).
    if (rtp->header.marker && rtp->payload.size() > media::kMaxDtxPacketBytes) {
      clicks_.push_back({now, jitter_.targetDelay()});
    }
  }
  void tick() {
    timer_.expires_after(media::kAudioFrameDuration);
    timer_.async_wait([this](const asio::error_code& ec) {
      if (ec) {
        return;
      }
      (void)jitter_.pull(Steady::now());
      tick();
    });
  }

  asio::io_context io_;
  asio::ip::udp::socket client_side_;
  asio::ip::udp::socket server_side_;
  asio::steady_timer timer_;
  std::thread thread_;
  // Tap-thread state.
  std::array<std::byte, 2048> from_client_{};
  std::array<std::byte, 2048> from_server_{};
  asio::ip::udp::endpoint client_;
  bool have_client_ = false;
  asio::ip::udp::endpoint server_from_;
  std::optional<asio::ip::udp::endpoint> server_;
  std::optional<net::SrtpSession> inbound_;
  media::JitterBuffer jitter_;
  std::vector<Arrival> clicks_;
};

// Between bob's session and his Call: points the Call's UDP at the tap.
class TapLink final : public client::MediaLink {
 public:
  TapLink(client::MediaLink& call, UdpTap& tap) : call_(call), tap_(tap) {}
  void onMediaOffer(client::MediaOfferInfo offer) override {
    tap_.configure(offer.keying, {asio::ip::make_address(offer.server_host), offer.udp_port});
    offer.udp_port = tap_.port();
    call_.onMediaOffer(std::move(offer));
  }
  void onMediaPacket(std::string packet) override { call_.onMediaPacket(std::move(packet)); }
  void onVideoCodecChanged(const std::string& codec, std::uint8_t payload_type) override {
    call_.onVideoCodecChanged(codec, payload_type);
  }
  void onParticipantsChanged(const std::vector<client::ParticipantInfo>& participants) override {
    call_.onParticipantsChanged(participants);
  }
  void onMediaStopped() override { call_.onMediaStopped(); }

 private:
  client::MediaLink& call_;
  UdpTap& tap_;
};

client::CallStats statsOf(client::Call& call) {
  std::promise<client::CallStats> p;
  auto f = p.get_future();
  call.stats([&p](client::CallStats s) { p.set_value(std::move(s)); });
  if (f.wait_for(5s) != std::future_status::ready) {
    throw std::runtime_error("call stats did not arrive");
  }
  return f.get();
}

// What one pair of calls measured.
struct LatencyRound {
  std::vector<double> frame_ms;          // read -> write of the frame with the onset
  std::vector<double> onset_ms;          // ... plus the onset's position in that frame
  std::vector<double> to_arrival_ms;     // read -> the packet reached bob's host
  std::vector<double> after_arrival_ms;  // arrival -> write
  std::vector<double> offsets_ms;
  std::vector<double> targets_ms;  // shadow jitter buffer's target at each burst
  std::string alice_path;
  std::string bob_path;
  double jitter_ms = 0;
  double bob_delay_ms = 0;  // bob's engine: playout delay at the end of the meeting
  std::uint64_t concealed = 0;
  std::size_t sent = 0;
  std::size_t heard = 0;
  media::JitterBufferStats shadow;
};

// One meeting: alice and bob join, alice sends `clicks` bursts, both leave.
// Each round starts new audio threads, so the phase between alice's capture
// tick and bob's playout tick (0-20 ms, fixed within a round) differs.
LatencyRound latencyRound(const test::ServerFixture& server,
                          const std::shared_ptr<asio::ssl::context>& tls,
                          const client::CallConfig& call_config, int clicks, int round,
                          int rounds) {
  net::IoThreads io(2);
  ClickInput alice_mic;
  media::NullOutput alice_speaker;
  media::SilentInput bob_mic;
  OnsetOutput bob_speaker;
  client::Call alice_call(io.context().get_executor(), call_config, alice_mic, alice_speaker,
                          SystemClock::instance());
  client::Call bob_call(io.context().get_executor(), call_config, bob_mic, bob_speaker,
                        SystemClock::instance());
  UdpTap tap(call_config.audio.jitter);
  TapLink bob_link(bob_call, tap);
  tap.start();
  // The two audio threads tick every 20 ms from when they start: starting
  // bob's (round + 0.5) / rounds of a frame after alice's spreads the phase
  // between capture and playout evenly over the meetings, as two people's
  // independent devices would have it.
  if (!alice_call.start()) {
    throw std::runtime_error("cannot start alice's call");
  }
  std::this_thread::sleep_for(std::chrono::duration_cast<Steady::duration>(
      media::kAudioFrameDuration * ((round + 0.5) / rounds)));
  if (!bob_call.start()) {
    throw std::runtime_error("cannot start bob's call");
  }

  test::SessionRecorder alice_rec;
  test::SessionRecorder bob_rec;
  // Sessions connect through the product's racing connector, direct routes
  // only. Its cost (a proxy discovery with no source, the hello inside the
  // race instead of after it) is paid before the join, outside every figure
  // below.
  auto makeSession = [&](const std::string& user, const std::string& password, bool speaks,
                         test::SessionRecorder& rec) {
    auto strand = asio::make_strand(io.context());
    client::SessionConfig config;
    config.target = {"127.0.0.1", server.port(), server.port()};
    config.user = user;
    config.password = password;
    config.room = "latency-" + std::to_string(round);
    config.client_name = "media-bench";
    config.media.audio_muted = !speaks;
    return std::make_unique<client::ClientSession>(strand, config,
                                                   test::directOnlyConnectors(strand, tls), rec);
  };
  auto alice = makeSession("alice", "alice-pw", true, alice_rec);
  auto bob = makeSession("bob", "bob-pw", false, bob_rec);
  alice->setMediaLink(&alice_call);
  bob->setMediaLink(&bob_link);
  bob->start();
  alice->start();
  auto joined = [](const test::SessionRecorder::Snapshot& s) { return s.joins > 0; };
  if (!alice_rec.waitFor(joined, 10s) || !bob_rec.waitFor(joined, 10s)) {
    throw std::runtime_error("the sessions did not join");
  }
  LatencyRound r;
  // Both on UDP before the first burst (probing answers within ~250 ms).
  for (int i = 0; i < 50; ++i) {
    r.alice_path = statsOf(alice_call).path;
    r.bob_path = statsOf(bob_call).path;
    if (r.alice_path == "udp" && r.bob_path == "udp") {
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(1s);  // a second of silence (DTX) first
  alice_mic.arm();
  const auto deadline = Steady::now() + std::chrono::seconds(clicks + 10);
  while (bob_speaker.count() < static_cast<std::size_t>(clicks) && Steady::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(300ms);
  const auto bob_stats = statsOf(bob_call);
  alice->stop();
  bob->stop();
  // The sessions' destructors stop them again on their strands, after this
  // function's links and calls are gone: detach the links first (the strand
  // runs these after the shutdowns above and before that one).
  alice->setMediaLink(nullptr);
  bob->setMediaLink(nullptr);
  std::this_thread::sleep_for(200ms);
  alice_call.stop();
  bob_call.stop();
  tap.stop();

  const auto reads = alice_mic.reads();
  const auto onsets = bob_speaker.onsets();
  const auto& arrivals = tap.clicks();
  r.sent = reads.size();
  r.heard = onsets.size();
  for (const auto& o : onsets) {
    // The burst this onset belongs to: the latest read before it.
    auto it = std::upper_bound(reads.begin(), reads.end(), o.written);
    if (it == reads.begin()) {
      continue;
    }
    const auto read = *std::prev(it);
    if (o.written - read > 900ms || r.frame_ms.size() >= static_cast<std::size_t>(clicks)) {
      continue;
    }
    const double offset = static_cast<double>(o.sample) * 1000.0 / media::kAudioSampleRateHz;
    r.frame_ms.push_back(ms(o.written - read));
    r.onset_ms.push_back(ms(o.written - read) + offset);
    r.offsets_ms.push_back(offset);
    auto a = std::find_if(arrivals.begin(), arrivals.end(),
                          [&](const UdpTap::Arrival& x) { return x.at >= read; });
    if (a != arrivals.end() && a->at <= o.written) {
      r.to_arrival_ms.push_back(ms(a->at - read));
      r.after_arrival_ms.push_back(ms(o.written - a->at));
      r.targets_ms.push_back(std::chrono::duration<double, std::milli>(a->target).count());
    }
  }
  for (const auto& s : bob_stats.streams) {
    if (s.kind == "audio") {
      r.jitter_ms = s.jitter_ms;
      r.bob_delay_ms = s.delay_ms;
      r.concealed = s.concealed;
    }
  }
  r.shadow = tap.shadowStats();
  return r;
}

struct LatencyRun {
  LatencyRound all;
  std::vector<double> round_medians;
  std::vector<double> round_delays;
  std::string paths;
};

LatencyRun runLatency(const test::ServerFixture& server,
                      const std::shared_ptr<asio::ssl::context>& tls,
                      const client::CallConfig& call_config, int clicks, int rounds) {
  LatencyRun run;
  LatencyRound& all = run.all;
  std::vector<double>& round_medians = run.round_medians;
  std::vector<double>& round_delays = run.round_delays;
  std::string& paths = run.paths;
  for (int i = 0; i < rounds; ++i) {
    auto r = latencyRound(server, tls, call_config, clicks / rounds, i, rounds);
    std::fprintf(stderr, "media_bench: latency round %d: %zu bursts, median %.1f ms\n", i + 1,
                 r.frame_ms.size(), median(r.frame_ms));
    round_medians.push_back(median(r.frame_ms));
    round_delays.push_back(r.bob_delay_ms);
    auto append = [](std::vector<double>& to, const std::vector<double>& from) {
      to.insert(to.end(), from.begin(), from.end());
    };
    append(all.frame_ms, r.frame_ms);
    append(all.onset_ms, r.onset_ms);
    append(all.to_arrival_ms, r.to_arrival_ms);
    append(all.after_arrival_ms, r.after_arrival_ms);
    append(all.offsets_ms, r.offsets_ms);
    append(all.targets_ms, r.targets_ms);
    all.sent += r.sent;
    all.heard += r.heard;
    all.concealed += r.concealed;
    all.jitter_ms = std::max(all.jitter_ms, r.jitter_ms);
    paths += (i == 0 ? "" : ", ") + r.alice_path + "/" + r.bob_path;
    all.shadow = r.shadow;
  }
  return run;
}

// The jitter buffer as it was configured before 2026-12-06, and each change
// since added on its own, so one run shows what each bought.
struct JitterVariant {
  const char* name;
  media::JitterBufferConfig config;
};

std::vector<JitterVariant> jitterVariants() {
  media::JitterBufferConfig before;
  before.min_delay = 20ms;
  before.settle = false;
  before.shrink_hysteresis = 10ms;
  auto settle = before;
  settle.settle = true;
  auto hysteresis = settle;
  hysteresis.shrink_hysteresis = media::JitterBufferConfig{}.shrink_hysteresis;
  return {{"before: floor 20 ms, initial 40 ms decaying, hysteresis 10 ms", before},
          {"+ initial delay gives way after 1 s and 10 packets", settle},
          {"+ shrink hysteresis 2 ms", hysteresis}};
}

void latencySection(int clicks, int rounds, bool compare) {
  test::ServerFixture server;
  server.start();
  auto tls_or = net::makeClientTlsContext(server.caFile());
  if (!tls_or) {
    throw std::runtime_error(tls_or.error().toString());
  }
  const std::shared_ptr<asio::ssl::context> tls = *tls_or;
  client::CallConfig call_config;
  call_config.transport.dscp.enabled = false;
  call_config.audio.echo_cancellation = false;  // files, not a room with speakers

  std::vector<std::pair<std::string, LatencyRun>> variants;
  if (compare) {
    for (const auto& v : jitterVariants()) {
      auto config = call_config;
      config.audio.jitter = v.config;
      std::fprintf(stderr, "media_bench: latency with %s\n", v.name);
      variants.emplace_back(v.name, runLatency(server, tls, config, clicks, rounds));
    }
  }
  const LatencyRun run = runLatency(server, tls, call_config, clicks, rounds);
  const LatencyRound& all = run.all;
  const std::string& paths = run.paths;
  const auto& jb = call_config.audio.jitter;

  std::printf(
      "### (f) Mouth-to-ear latency through a local parleyd, without the sound devices\n\n");
  std::printf(
      "Two `client::Call`s (alice speaks, bob listens) through a real parleyd on loopback; %d "
      "meetings of %d bursts each (in meeting k, bob's audio thread starts (k + 1/2)/%d of a "
      "20 ms frame after alice's, so the phase between alice's capture tick and bob's playout "
      "tick, fixed within a meeting, covers the frame evenly), media "
      "paths alice/bob: %s. alice's AudioInput gives a 10 ms 1 kHz burst at the start of a "
      "frame once a second, on digital silence (DTX between bursts); latency runs from the burst "
      "leaving `AudioInput::read` to bob's `AudioOutput::write` of the frame that holds its "
      "onset (|sample| > %d). \"+ position in frame\" adds where in that frame the onset lies "
      "(Opus' look-ahead). bob's UDP goes through a tap in the benchmark (one extra loopback "
      "hop) that timestamps arrivals and feeds a shadow JitterBuffer (the engine's configuration, "
      "pulled every 20 ms) with them.\n\n",
      rounds, clicks / rounds, rounds, paths.c_str(), kOnsetThreshold);
  std::printf("| measure | bursts | median ms | p95 ms | max ms |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  auto row = [](const char* name, const std::vector<double>& v) {
    std::printf("| %s | %zu | %.1f | %.1f | %.1f |\n", name, v.size(), median(v),
                percentile(v, 0.95), v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()));
  };
  row("**read -> write** (the frame with the onset)", all.frame_ms);
  row("read -> write + onset position in the frame", all.onset_ms);
  row("of which: read -> packet at bob's host (encode, hand-off, server)", all.to_arrival_ms);
  row("of which: arrival -> write (wait for bob's tick, jitter buffer, decode)",
      all.after_arrival_ms);
  row("onset position in the written frame", all.offsets_ms);
  row("jitter buffer target delay at each burst (shadow buffer)", all.targets_ms);
  auto list = [](const std::vector<double>& values) {
    std::string out;
    for (const double v : values) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%s%.1f", out.empty() ? "" : ", ", v);
      out += buf;
    }
    return out;
  };
  const std::string medians = list(run.round_medians);
  const std::string delays = list(run.round_delays);
  std::printf(
      "\nPer meeting, median read -> write: %s ms; bob's engine's playout delay at the end of "
      "each: %s ms. Jitter buffer configuration: min %lld ms, "
      "initial %lld ms (until %lld ms and %zu packets of the stream), max %lld ms; shadow buffer "
      "at the end of the last meeting: target %.1f "
      "ms, current delay %.1f ms. bob's engine: interarrival jitter up to %.2f ms, %llu frames "
      "concealed. Bursts sent %zu, onsets heard %zu.\n\n",
      medians.c_str(), delays.c_str(), static_cast<long long>(jb.min_delay.count()),
      static_cast<long long>(jb.initial_delay.count()),
      static_cast<long long>(jb.settle_after.count()), jb.settle_packets,
      static_cast<long long>(jb.max_delay.count()),
      std::chrono::duration<double, std::milli>(all.shadow.target_delay).count(),
      std::chrono::duration<double, std::milli>(all.shadow.current_delay).count(), all.jitter_ms,
      static_cast<unsigned long long>(all.concealed), all.sent, all.heard);
  std::printf("(target: mouth-to-ear under 45 ms, excluding the sound device)\n");
  if (variants.empty()) {
    return;
  }
  variants.emplace_back("+ floor 10 ms (today's defaults, the table above)", run);
  std::printf(
      "\nWhat each jitter buffer change bought, read -> write in the same run (%d bursts "
      "each, same meetings and phases), against the 45 ms limit:\n\n",
      clicks);
  std::printf(
      "| jitter buffer | median ms | p95 ms | max ms | median / 45 ms | p95 / 45 ms | "
      "target at bursts, median ms |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& [name, v] : variants) {
    const auto& f = v.all.frame_ms;
    const double mx = f.empty() ? 0.0 : *std::max_element(f.begin(), f.end());
    std::printf("| %s | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f |\n", name.c_str(), median(f),
                percentile(f, 0.95), mx, median(f) / 45.0, percentile(f, 0.95) / 45.0,
                median(v.all.targets_ms));
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool latency_only = false;
  bool compare = false;
  int clicks = 20;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--latency-only") == 0) {
      latency_only = true;
    } else if (std::strcmp(argv[i], "--compare") == 0) {
      compare = true;
    } else {
      clicks = std::clamp(std::atoi(argv[i]), kLatencyMeetings, static_cast<int>(kMaxEvents));
    }
  }
  try {
    if (!latency_only) {
      forwardingSection();
      std::fflush(stdout);
    }
    latencySection(clicks, kLatencyMeetings, compare);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "media_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
