#include "media/engine/video_receiver.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "media/rtp/payload_types.h"
#include "media/rtp/rtp_packet.h"
#include "media/rtp/vp9_payload.h"
#include "media/video/synthetic_source.h"
#include "media/video/vpx_encoder.h"
#include "tests/fakes/fake_clock.h"

namespace parley::media {
namespace {

constexpr std::uint32_t kSsrc = 0x1234;
const VideoSourceKey kCamera{7, false};

// A VP9 camera stream as a sender would put it on the wire: real encoded
// frames, packetized, one RTP packet list per frame.
class Vp9Stream {
 public:
  explicit Vp9Stream(std::uint32_t ssrc = kSsrc) : ssrc_(ssrc) {
    VpxEncoderConfig config;
    config.key_frame_interval = 0;  // key frames only when asked
    config.target_bitrate_kbps = 300;
    auto encoder = VpxEncoder::create(config);
    REQUIRE(encoder);
    encoder_.emplace(std::move(*encoder));
    auto source = SyntheticSource::create(640, 360, 30);
    REQUIRE(source);
    source_ = std::move(*source);
  }

  std::vector<std::vector<std::byte>> nextFrame(bool key_frame) {
    auto frame = source_->nextFrame();
    REQUIRE(frame);
    REQUIRE(*frame);
    auto encoded = encoder_->encode(**frame, key_frame);
    REQUIRE(encoded);
    REQUIRE(encoded->size() == 1);
    const EncodedFrame& e = encoded->front();
    auto payloads = packetizer_.packetize(e.bytes, e.key_frame);
    REQUIRE(payloads);
    std::vector<std::vector<std::byte>> packets;
    for (std::size_t i = 0; i < payloads->size(); ++i) {
      RtpHeader header;
      header.payload_type = kVp9PayloadType;
      header.sequence = sequence_++;
      header.timestamp = e.rtp_timestamp;
      header.ssrc = ssrc_;
      header.marker = i + 1 == payloads->size();
      packets.emplace_back();
      writeRtp(header, (*payloads)[i], packets.back());
    }
    return packets;
  }

 private:
  std::optional<VpxEncoder> encoder_;
  std::unique_ptr<SyntheticSource> source_;
  Vp9Packetizer packetizer_;
  std::uint32_t ssrc_;
  std::uint16_t sequence_ = 100;
};

struct Seen {
  std::mutex mu;
  int frames = 0;
  std::vector<std::uint32_t> key_frame_requests;
};

VideoReceiverStats::Source cameraStats(const VideoReceiver& receiver) {
  for (const auto& s : receiver.stats().sources) {
    if (s.key == kCamera) {
      return s;
    }
  }
  return {};
}

// Waits (bounded) until the decode thread has handled `packets` packets.
bool handled(const VideoReceiver& receiver, std::uint64_t packets) {
  for (int i = 0; i < 2000; ++i) {
    if (receiver.stats().packets >= packets) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

}  // namespace

TEST_CASE("VideoReceiver decodes a stream and drops a backlog older than the bound",
          "[video][receiver]") {
  testing::FakeClock clock;
  VideoReceiver receiver(clock);
  receiver.setSources({{kSsrc, kCamera}});
  Seen seen;
  Vp9Stream stream;
  std::uint64_t pushed = 0;
  auto push = [&](const std::vector<std::vector<std::byte>>& packets) {
    for (const auto& p : packets) {
      REQUIRE(receiver.pushIncoming(p));
      ++pushed;
    }
  };

  // A backlog: frames queued before the decode thread runs, then the clock
  // moves past the bound, as when a busy decoder fell behind.
  push(stream.nextFrame(true));
  for (int i = 0; i < 5; ++i) {
    push(stream.nextFrame(false));
  }
  const std::uint64_t stale = pushed;
  clock.advance(VideoReceiver::kMaxDecodeBacklog + std::chrono::milliseconds(1));

  receiver.start(
      [&](const VideoSourceKey& key, const VideoFrame&) {
        std::lock_guard lock(seen.mu);
        CHECK(key == kCamera);
        ++seen.frames;
      },
      [&](std::uint32_t ssrc) {
        std::lock_guard lock(seen.mu);
        seen.key_frame_requests.push_back(ssrc);
      });
  REQUIRE(handled(receiver, stale));
  {
    std::lock_guard lock(seen.mu);
    CHECK(seen.frames == 0);  // nothing from more than a second ago was shown
    REQUIRE_FALSE(seen.key_frame_requests.empty());
    CHECK(seen.key_frame_requests.front() == kSsrc);
  }
  CHECK(cameraStats(receiver).packets_too_late == stale);

  // Fresh delta frames cannot decode without their references: skipped.
  push(stream.nextFrame(false));
  REQUIRE(handled(receiver, pushed));
  CHECK(cameraStats(receiver).frames_decoded == 0);
  CHECK(cameraStats(receiver).frames_lost >= 1);

  // The key frame that was asked for starts the picture again.
  push(stream.nextFrame(true));
  push(stream.nextFrame(false));
  REQUIRE(handled(receiver, pushed));
  receiver.stop();
  CHECK(cameraStats(receiver).frames_decoded == 2);
  CHECK(cameraStats(receiver).width == 640);
  std::lock_guard lock(seen.mu);
  CHECK(seen.frames == 2);
}

TEST_CASE("VideoReceiver decodes every frame of a stream that is not behind", "[video][receiver]") {
  testing::FakeClock clock;
  VideoReceiver receiver(clock);
  receiver.setSources({{kSsrc, kCamera}});
  Vp9Stream stream;
  std::uint64_t pushed = 0;
  for (int i = 0; i < 10; ++i) {
    for (const auto& p : stream.nextFrame(i == 0)) {
      REQUIRE(receiver.pushIncoming(p));
      ++pushed;
    }
    // Just inside the bound: late, but still live.
    clock.advance(VideoReceiver::kMaxDecodeBacklog / 10);
  }
  receiver.start([](const VideoSourceKey&, const VideoFrame&) {}, [](std::uint32_t) {});
  REQUIRE(handled(receiver, pushed));
  receiver.stop();
  const auto s = cameraStats(receiver);
  CHECK(s.packets_too_late == 0);
  CHECK(s.frames_decoded == 10);
  CHECK(s.frames_lost == 0);
}

TEST_CASE("VideoReceiver counts key frames and the longest wait between pictures",
          "[video][receiver]") {
  testing::FakeClock clock;
  VideoReceiver receiver(clock);
  receiver.setSources({{kSsrc, kCamera}});
  receiver.start([](const VideoSourceKey&, const VideoFrame&) {}, [](std::uint32_t) {});
  Vp9Stream stream;
  std::uint64_t pushed = 0;
  for (int i = 0; i < 8; ++i) {
    // 33 ms apart, but 300 ms stand between the 4th and 5th picture (a path
    // switch), and the 5th is a key frame.
    clock.advance(std::chrono::milliseconds(i == 4 ? 300 : 33));
    for (const auto& p : stream.nextFrame(i == 0 || i == 4)) {
      REQUIRE(receiver.pushIncoming(p));
      ++pushed;
    }
    REQUIRE(handled(receiver, pushed));
  }
  receiver.stop();
  const auto s = cameraStats(receiver);
  CHECK(s.frames_decoded == 8);
  CHECK(s.key_frames_decoded == 2);
  CHECK(s.longest_frame_gap == std::chrono::milliseconds(300));
}

TEST_CASE("VideoReceiver switches layers at the new layer's key frame", "[video][receiver]") {
  constexpr std::uint32_t kOtherLayer = 0x5678;
  testing::FakeClock clock;
  VideoReceiver receiver(clock);
  receiver.setSources({{kSsrc, kCamera}, {kOtherLayer, kCamera}});
  Seen seen;
  receiver.start(
      [&](const VideoSourceKey&, const VideoFrame&) {
        std::lock_guard lock(seen.mu);
        ++seen.frames;
      },
      [&](std::uint32_t ssrc) {
        std::lock_guard lock(seen.mu);
        seen.key_frame_requests.push_back(ssrc);
      });
  Vp9Stream first;
  Vp9Stream second(kOtherLayer);
  std::uint64_t pushed = 0;
  auto push = [&](const std::vector<std::vector<std::byte>>& packets) {
    for (const auto& p : packets) {
      REQUIRE(receiver.pushIncoming(p));
      ++pushed;
    }
    REQUIRE(handled(receiver, pushed));
  };
  push(first.nextFrame(true));
  push(first.nextFrame(false));
  CHECK(cameraStats(receiver).last_ssrc == kSsrc);
  // The server forwards the other layer from one of its delta frames on (its
  // encoder's first frame, always a key frame, went elsewhere): that delta
  // cannot follow the first layer's pictures, so the picture stays, and the
  // new layer is asked for a key frame.
  (void)second.nextFrame(true);
  push(second.nextFrame(false));
  CHECK(cameraStats(receiver).frames_decoded == 2);
  CHECK(cameraStats(receiver).last_ssrc == kSsrc);
  {
    std::lock_guard lock(seen.mu);
    CHECK(seen.key_frame_requests == std::vector<std::uint32_t>{kOtherLayer});
  }
  push(second.nextFrame(true));
  push(second.nextFrame(false));
  receiver.stop();
  const auto s = cameraStats(receiver);
  CHECK(s.frames_decoded == 4);
  CHECK(s.key_frames_decoded == 2);
  CHECK(s.last_ssrc == kOtherLayer);
  std::lock_guard lock(seen.mu);
  CHECK(seen.frames == 4);
}

TEST_CASE("VideoReceiver counts packets it cannot place", "[video][receiver]") {
  testing::FakeClock clock;
  VideoReceiver receiver(clock, 4);
  receiver.setSources({{kSsrc, kCamera}});
  Vp9Stream stranger(0x9999);  // no source has this SSRC
  const auto packets = stranger.nextFrame(true);
  REQUIRE(receiver.pushIncoming(packets.front()));
  const std::vector<std::byte> junk(5, std::byte{0x80});
  REQUIRE(receiver.pushIncoming(junk));
  RtpHeader audio;
  audio.payload_type = 111;  // not a video payload type
  audio.ssrc = kSsrc;
  std::vector<std::byte> opus;
  writeRtp(audio, junk, opus);
  REQUIRE(receiver.pushIncoming(opus));
  CHECK_FALSE(receiver.pushIncoming(std::vector<std::byte>(kMaxMediaPacketSize + 1)));
  REQUIRE(receiver.pushIncoming(junk));
  CHECK_FALSE(receiver.pushIncoming(junk));  // the ring holds four
  receiver.start([](const VideoSourceKey&, const VideoFrame&) {}, [](std::uint32_t) {});
  REQUIRE(handled(receiver, 4));
  receiver.stop();
  const auto stats = receiver.stats();
  CHECK(stats.packets == 4);
  CHECK(stats.unknown_ssrc == 1);
  CHECK(stats.malformed == 3);
  CHECK(stats.ring_dropped == 1);
  CHECK(stats.sources.empty());
}

}  // namespace parley::media
