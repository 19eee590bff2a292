// AudioEngine on virtual time: each tick is driven by the test
// (tickForTest), with file devices at both ends, so what a sender's engine
// reads from a WAV file and what a receiver's engine records can be compared
// sample for sample; only the last case runs the real audio thread.

#include "media/engine/audio_engine.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <complex>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "media/audio/wav_file.h"
#include "media/engine/file_audio_devices.h"
#include "media/rtp/audio_level.h"
#include "media/rtp/payload_types.h"
#include "tests/fakes/fake_clock.h"
#include "tests/support/test_dir.h"

namespace parley::media {
namespace {

namespace fs = std::filesystem;
using Packet = std::vector<std::byte>;

constexpr std::uint8_t kOpusPt = 111;

using parley::testing::TempDir;

std::vector<std::int16_t> tone(double hz, std::size_t frames, double amplitude) {
  std::vector<std::int16_t> samples(frames * kAudioFrameSamples);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    samples[i] = static_cast<std::int16_t>(
        amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) /
                             static_cast<double>(kAudioSampleRateHz)));
  }
  return samples;
}

// The amplitude of the `hz` component (a single DFT bin).
double level(std::span<const std::int16_t> samples, double hz) {
  std::complex<double> sum{};
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double phase = -2 * std::numbers::pi * hz * static_cast<double>(i) /
                         static_cast<double>(kAudioSampleRateHz);
    sum += static_cast<double>(samples[i]) * std::polar(1.0, phase);
  }
  return 2 * std::abs(sum) / static_cast<double>(samples.size());
}

AudioEngineConfig engineConfig() {
  AudioEngineConfig config;
  config.realtime_priority = false;
  return config;
}

std::unique_ptr<AudioEngine> makeEngine(AudioInput& input, AudioOutput& output, const Clock& clock,
                                        AudioEngineConfig config = engineConfig()) {
  auto engine = AudioEngine::create(config, input, output, clock);
  REQUIRE(engine);
  return std::move(*engine);
}

std::vector<Packet> drain(AudioEngine& engine) {
  std::vector<Packet> out;
  engine.drainOutgoing(
      [&](std::span<const std::byte> rtp) { out.emplace_back(rtp.begin(), rtp.end()); });
  return out;
}

RtpHeader headerOf(const Packet& packet) {
  auto parsed = parseRtp(packet);
  REQUIRE(parsed);
  return parsed->header;
}

// Senders and one receiver on one virtual clock: every tick, each sender's
// packets reach the receiver at once (a perfect network).
struct Call {
  explicit Call(fs::path recording) : path(std::move(recording)) {
    auto created = WavFileOutput::create(path);
    REQUIRE(created);
    output = std::move(*created);
    receiver = makeEngine(silence, *output, clock);
  }

  AudioEngine& addSender(std::vector<std::int16_t> samples, std::uint32_t ssrc) {
    inputs.push_back(std::make_unique<WavFileInput>(std::move(samples), false));
    senders.push_back(makeEngine(*inputs.back(), discard, clock));
    senders.back()->setSendStream(ssrc, kOpusPt);
    return *senders.back();
  }

  void run(int ticks) {
    for (int i = 0; i < ticks; ++i) {
      for (auto& sender : senders) {
        sender->tickForTest(clock.now());
        sender->drainOutgoing([&](std::span<const std::byte> rtp) {
          CHECK(receiver->pushIncoming(rtp, clock.now()));
        });
      }
      receiver->tickForTest(clock.now());
      clock.advance(kAudioFrameDuration);
    }
  }

  std::vector<std::int16_t> recorded() {
    REQUIRE(output->close());
    auto samples = readWavAs48kMono(path);
    REQUIRE(samples);
    return std::move(*samples);
  }

  fs::path path;
  testing::FakeClock clock;
  SilentInput silence;
  NullOutput discard;
  std::unique_ptr<WavFileOutput> output;
  std::unique_ptr<AudioEngine> receiver;
  std::vector<std::unique_ptr<WavFileInput>> inputs;
  std::vector<std::unique_ptr<AudioEngine>> senders;
};

}  // namespace

TEST_CASE("AudioEngine sends a file as RTP that another engine plays back", "[engine][audio]") {
  TempDir dir;
  testing::FakeClock clock;
  WavFileInput input(tone(440, 50, 8000), false);
  NullOutput discard;
  auto sender = makeEngine(input, discard, clock);
  sender->setSendStream(0xA1, kOpusPt);
  std::vector<Packet> sent;
  for (int i = 0; i < 55; ++i) {
    sender->tickForTest(clock.now());
    for (auto& p : drain(*sender)) {
      sent.push_back(std::move(p));
    }
    clock.advance(kAudioFrameDuration);
  }
  // One packet per 20 ms of the file, and none once it has ended.
  REQUIRE(sent.size() == 50);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const auto h = headerOf(sent[i]);
    CHECK(h.ssrc == 0xA1);
    CHECK(h.payload_type == kOpusPt);
    CHECK(h.sequence == i);
    CHECK(h.timestamp == i * kRtpTicksPerFrame);
    CHECK(h.marker == (i == 0));  // the start of the talkspurt only
  }
  const auto stats = sender->stats();
  CHECK(stats.ticks == 55);
  CHECK(stats.frames_captured == 50);
  CHECK(stats.packets_sent == 50);
  CHECK(stats.outgoing_dropped == 0);
  CHECK(input.finished());

  // The same packets through a receiving engine, recorded to a file.
  Call call(dir.file("heard.wav"));
  for (std::size_t i = 0; i < 60; ++i) {
    if (i < sent.size()) {
      REQUIRE(call.receiver->pushIncoming(sent[i], call.clock.now()));
    }
    call.receiver->tickForTest(call.clock.now());
    call.clock.advance(kAudioFrameDuration);
  }
  const auto heard = call.recorded();
  REQUIRE(heard.size() == 60 * kAudioFrameSamples);
  // The middle of the tone, well clear of the jitter buffer's start.
  const std::span middle(heard.data() + 10 * kAudioFrameSamples, 30 * kAudioFrameSamples);
  CHECK(level(middle, 440) > 5000);
  CHECK(level(middle, 1000) < 500);
  const auto received = call.receiver->stats();
  REQUIRE(received.streams.size() == 1);
  CHECK(received.streams[0].ssrc == 0xA1);
  CHECK(received.streams[0].receive.jitter.received == 50);
  CHECK(received.streams[0].receive.decode_errors == 0);
}

TEST_CASE("AudioEngine mixes every sender it hears", "[engine][audio]") {
  TempDir dir;
  Call call(dir.file("mix.wav"));
  call.addSender(tone(440, 50, 6000), 1);
  call.addSender(tone(1000, 50, 6000), 2);
  call.run(55);
  const auto heard = call.recorded();
  const std::span middle(heard.data() + 10 * kAudioFrameSamples, 30 * kAudioFrameSamples);
  CHECK(level(middle, 440) > 3500);
  CHECK(level(middle, 1000) > 3500);
  CHECK(level(middle, 2500) < 500);
  const auto stats = call.receiver->stats();
  REQUIRE(stats.streams.size() == 2);
  CHECK(stats.streams[0].ssrc + stats.streams[1].ssrc == 3);
}

TEST_CASE("AudioEngine sends nothing without a stream, and the file waits for one",
          "[engine][audio]") {
  testing::FakeClock clock;
  WavFileInput input(tone(440, 50, 8000), false);
  NullOutput discard;
  auto engine = makeEngine(input, discard, clock);
  for (int i = 0; i < 10; ++i) {
    engine->tickForTest(clock.now());
  }
  CHECK(drain(*engine).empty());
  CHECK(engine->stats().frames_captured == 0);

  engine->setSendStream(0xB2, 120);
  engine->tickForTest(clock.now());
  auto sent = drain(*engine);
  REQUIRE(sent.size() == 1);
  const auto h = headerOf(sent[0]);
  CHECK(h.sequence == 0);
  CHECK(h.payload_type == 120);
  CHECK(h.marker);
  // The RTP clock ran through the ticks without a stream.
  CHECK(h.timestamp == 10 * kRtpTicksPerFrame);
  // The whole file is still to come: 49 more frames, then the end.
  for (int i = 0; i < 49; ++i) {
    engine->tickForTest(clock.now());
  }
  CHECK_FALSE(input.finished());
  CHECK(drain(*engine).size() == 49);
  engine->tickForTest(clock.now());
  CHECK(input.finished());
}

TEST_CASE("AudioEngine muted sends nothing and starts a new talkspurt after", "[engine][audio]") {
  testing::FakeClock clock;
  WavFileInput input(tone(440, 50, 8000), true);
  NullOutput discard;
  auto engine = makeEngine(input, discard, clock);
  engine->setSendStream(7, kOpusPt);
  for (int i = 0; i < 3; ++i) {
    engine->tickForTest(clock.now());
  }
  CHECK(drain(*engine).size() == 3);
  engine->setMuted(true);
  for (int i = 0; i < 5; ++i) {
    engine->tickForTest(clock.now());
  }
  CHECK(drain(*engine).empty());
  CHECK(engine->stats().frames_captured == 3);
  engine->setMuted(false);
  engine->tickForTest(clock.now());
  auto sent = drain(*engine);
  REQUIRE(sent.size() == 1);
  const auto h = headerOf(sent[0]);
  CHECK(h.marker);
  CHECK(h.sequence == 3);  // sequence numbers count packets sent, not ticks
  CHECK(h.timestamp == 8 * kRtpTicksPerFrame);
}

TEST_CASE("AudioEngine sends a keep-alive now and then during silence", "[engine][audio]") {
  testing::FakeClock clock;
  WavFileInput input(std::vector<std::int16_t>(kAudioFrameSamples, 0), true);
  NullOutput discard;
  auto config = engineConfig();
  config.dtx_keepalive_frames = 20;
  auto engine = makeEngine(input, discard, clock, config);
  engine->setSendStream(9, kOpusPt);
  std::size_t packets = 0;
  for (int i = 0; i < 200; ++i) {
    engine->tickForTest(clock.now());
    packets += drain(*engine).size();
  }
  const auto stats = engine->stats();
  CHECK(stats.frames_captured == 200);
  CHECK(stats.packets_sent == packets);
  CHECK(stats.packets_sent + stats.dtx_skipped == stats.frames_captured);
  // Opus needs a few frames to call it silence; after that, one in 20.
  CHECK(stats.dtx_skipped > 150);
  CHECK(packets < 30);
}

TEST_CASE("AudioEngine counts what it cannot take or send", "[engine][audio]") {
  testing::FakeClock clock;
  WavFileInput input(tone(440, 50, 8000), true);
  NullOutput discard;
  auto config = engineConfig();
  config.ring_capacity = 2;
  config.max_streams = 1;
  auto engine = makeEngine(input, discard, clock, config);

  SECTION("outgoing ring full") {
    engine->setSendStream(5, kOpusPt);
    for (int i = 0; i < 5; ++i) {
      engine->tickForTest(clock.now());
    }
    CHECK(drain(*engine).size() == 2);
    const auto stats = engine->stats();
    CHECK(stats.packets_sent == 2);
    CHECK(stats.outgoing_dropped == 3);
  }
  SECTION("incoming ring full, oversized and malformed packets") {
    const Packet junk{std::byte{1}, std::byte{2}, std::byte{3}};
    CHECK_FALSE(engine->pushIncoming(Packet(kMaxMediaPacketSize + 1), clock.now()));
    CHECK(engine->pushIncoming(junk, clock.now()));
    CHECK(engine->pushIncoming(junk, clock.now()));
    CHECK_FALSE(engine->pushIncoming(junk, clock.now()));  // two slots
    engine->tickForTest(clock.now());
    CHECK(engine->stats().incoming_malformed == 2);
  }
  SECTION("more senders than streams, and senders that went quiet") {
    auto packet_from = [](std::uint32_t ssrc) {
      RtpHeader h;
      h.payload_type = kOpusPt;
      h.ssrc = ssrc;
      const std::array<std::byte, 3> payload{std::byte{0xf8}, std::byte{0xff}, std::byte{0xfe}};
      Packet out;
      writeRtp(h, payload, out);
      return out;
    };
    CHECK(engine->pushIncoming(packet_from(1), clock.now()));
    CHECK(engine->pushIncoming(packet_from(2), clock.now()));
    engine->tickForTest(clock.now());
    auto stats = engine->stats();
    CHECK(stats.incoming_dropped == 1);
    REQUIRE(stats.streams.size() == 1);
    CHECK(stats.streams[0].ssrc == 1);
    // Not heard for longer than the idle timeout: forgotten.
    clock.advance(config.stream_idle_timeout + kAudioFrameDuration);
    engine->tickForTest(clock.now());
    CHECK(engine->stats().streams.empty());
  }
}

TEST_CASE("AudioEngine's own thread ticks and tells when packets wait", "[engine][audio]") {
  WavFileInput input(tone(440, 50, 8000), true);
  NullOutput discard;
  auto engine = makeEngine(input, discard, SystemClock::instance());
  engine->setSendStream(11, kOpusPt);
  std::mutex mu;
  std::condition_variable cv;
  int ready_calls = 0;
  engine->start([&] {
    std::lock_guard lock(mu);
    ++ready_calls;
    cv.notify_all();
  });
  {
    std::unique_lock lock(mu);
    // Only a bound for a thread that never ticks.
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return ready_calls >= 3; }));
  }
  engine->stop();
  engine->stop();                      // idempotent
  const auto stats = engine->stats();  // the final publish on stop()
  CHECK(stats.packets_sent >= 3);
  CHECK(stats.ticks >= stats.packets_sent);
  CHECK(drain(*engine).size() == stats.packets_sent);
}

}  // namespace parley::media

namespace parley::media {

TEST_CASE("AudioEngine sends RED when asked, and a receiving engine plays lost frames from it",
          "[engine][audio][red]") {
  // Every seventh packet is lost on the way; the same tone with no copies,
  // one and two. A perfect network otherwise: each packet arrives at once.
  for (const int redundancy : {0, 1, 2}) {
    DYNAMIC_SECTION("redundancy " << redundancy) {
      testing::FakeClock clock;
      WavFileInput input(tone(440, 100, 8000), false);
      NullOutput discard;
      SilentInput silence;
      NullOutput heard;
      auto sender = makeEngine(input, discard, clock);
      auto receiver = makeEngine(silence, heard, clock);
      sender->setSendStream(0xB2, kOpusPt);
      sender->setRedundancy(redundancy);
      int dropped = 0;
      for (int i = 0; i < 115; ++i) {
        sender->tickForTest(clock.now());
        for (const auto& packet : drain(*sender)) {
          const auto header = headerOf(packet);
          // The level extension stays on RED: the server selects speakers by it.
          CHECK(findAudioLevel(header));
          CHECK(header.payload_type ==
                (redundancy > 0 && header.sequence > 0 ? kRedPayloadType : kOpusPt));
          if (header.sequence % 7 == 3) {
            ++dropped;
            continue;
          }
          REQUIRE(receiver->pushIncoming(packet, clock.now()));
        }
        receiver->tickForTest(clock.now());
        clock.advance(kAudioFrameDuration);
      }
      REQUIRE(dropped == 14);
      // After the file's end the receiver conceals five frames before it
      // takes the silence for good (JitterBuffer): no loss of ours.
      constexpr std::uint64_t kTail = 5;
      const auto sent = sender->stats();
      const auto received = receiver->stats();
      REQUIRE(received.streams.size() == 1);
      const auto& r = received.streams[0].receive;
      CHECK(r.jitter.lost == 14);  // the network's loss, before repair
      CHECK(r.decode_errors == 0);
      if (redundancy == 0) {
        CHECK(sent.red_packets_sent == 0);
        CHECK(r.red_recovered == 0);
        CHECK(r.red_packets == 0);
        CHECK(r.concealed + r.fec_recovered == 14 + kTail);
      } else {
        CHECK(sent.red_packets_sent == 99);
        CHECK(sent.red_bytes_sent > 99 * 4);
        CHECK(sent.redundancy == redundancy);
        CHECK(r.red_packets == 99 - 14);
        CHECK(r.red_recovered == 14);  // every lost frame, none concealed
        CHECK(r.concealed == kTail);
        CHECK(r.fec_recovered == 0);
        CHECK(r.decoded == 100 - 14);
      }
    }
  }
}

TEST_CASE("AudioEngine refuses a malformed RED packet and plays on", "[engine][audio][red]") {
  testing::FakeClock clock;
  SilentInput silence;
  NullOutput heard;
  auto receiver = makeEngine(silence, heard, clock);
  RtpHeader header;
  header.payload_type = kRedPayloadType;
  header.ssrc = 0xC3;
  std::vector<std::byte> packet;
  // Seven redundant block headers: more than the bound.
  std::vector<std::byte> payload;
  for (int i = 0; i < 7; ++i) {
    for (const int b : {0xEF, 0x0F, 0x00, 0x01}) {
      payload.push_back(static_cast<std::byte>(b));
    }
  }
  payload.insert(payload.end(), 12, std::byte{0x6F});
  writeRtp(header, payload, packet);
  REQUIRE(receiver->pushIncoming(packet, clock.now()));
  receiver->tickForTest(clock.now());
  const auto stats = receiver->stats();
  REQUIRE(stats.streams.size() == 1);
  CHECK(stats.streams[0].receive.red_malformed == 1);
  CHECK(stats.streams[0].receive.jitter.received == 0);
}

}  // namespace parley::media
