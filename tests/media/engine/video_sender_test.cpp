// VideoSender with a source the test feeds one frame at a time, on virtual
// time: its RTP goes through a VideoReceiver (or the depacketizers) so each
// case checks what a receiver would see: which layers, which pictures, which
// of them key frames.

#include "media/engine/video_sender.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "media/engine/video_receiver.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/vp8_payload.h"
#include "media/rtp/vp9_payload.h"
#include "media/video/synthetic_source.h"
#include "tests/fakes/fake_clock.h"

namespace parley::media {
namespace {

using namespace std::chrono_literals;
using Packet = std::vector<std::byte>;

constexpr std::uint32_t kHigh = 0x100;
constexpr std::uint32_t kLow = 0x101;
// Only a bound for an encode thread that never gets there.
constexpr auto kMustHappen = 20s;

// What the test hands the sender's thread, and how far the thread got.
struct Feed {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<VideoFrame> frames;
  std::optional<Error> end;  // returned once the frames are gone
  std::size_t taken = 0;
  std::size_t idle_after = 0;  // frames taken when the thread last found none
  bool ended = false;
};

// The sender polls this; it never blocks. Asking again after it took frame n
// means the sender is done with frame n (one thread, one frame at a time).
class FedSource final : public VideoSource {
 public:
  explicit FedSource(std::shared_ptr<Feed> feed) : feed_(std::move(feed)) {}
  Result<std::optional<VideoFrame>> nextFrame() override {
    std::lock_guard lock(feed_->mu);
    if (!feed_->frames.empty()) {
      VideoFrame frame = std::move(feed_->frames.front());
      feed_->frames.pop_front();
      ++feed_->taken;
      return std::optional<VideoFrame>(std::move(frame));
    }
    if (feed_->end) {
      feed_->ended = true;
      feed_->cv.notify_all();
      return makeError(*feed_->end);
    }
    feed_->idle_after = feed_->taken;
    feed_->cv.notify_all();
    return std::optional<VideoFrame>{};
  }
  [[nodiscard]] int width() const override { return 640; }
  [[nodiscard]] int height() const override { return 360; }
  [[nodiscard]] std::string name() const override { return "fed"; }

 private:
  std::shared_ptr<Feed> feed_;
};

struct Sent {
  std::map<std::uint32_t, std::vector<Packet>> by_ssrc;
  std::size_t total = 0;
};

class Harness {
 public:
  explicit Harness(VideoSenderConfig config = {}) {
    auto sender = VideoSender::create(config, std::make_unique<FedSource>(feed_), clock);
    REQUIRE(sender);
    sender_ = std::move(*sender);
    source_ = std::move(*SyntheticSource::create(640, 360, 30));
  }
  ~Harness() { sender_->stop(); }
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  VideoSender& sender() { return *sender_; }
  void start() {
    sender_->start([this] {
      std::lock_guard lock(feed_->mu);
      ++ready_calls_;
    });
  }

  // Hands frame `index` of the pattern (at `width` x `height`) to the sender,
  // 100 ms of virtual time after the last, and waits until it is encoded.
  void send(int width = 640, int height = 360) {
    auto frame = source_->render(next_index_++);
    if (width != frame.width() || height != frame.height()) {
      auto sized = SyntheticSource::create(width, height, 30);
      REQUIRE(sized);
      frame = (*sized)->render(next_index_ - 1);
    }
    clock.advance(100ms);
    std::unique_lock lock(feed_->mu);
    feed_->frames.push_back(std::move(frame));
    const std::size_t target = feed_->taken + feed_->frames.size();
    REQUIRE(feed_->cv.wait_for(lock, kMustHappen, [&] { return feed_->idle_after >= target; }));
  }

  void end(Error error) {
    std::unique_lock lock(feed_->mu);
    feed_->end = std::move(error);
    REQUIRE(feed_->cv.wait_for(lock, kMustHappen, [&] { return feed_->ended; }));
  }

  Sent drain() {
    Sent out;
    sender_->drainOutgoing([&](std::span<const std::byte> rtp) {
      auto parsed = parseRtp(rtp);
      REQUIRE(parsed);
      out.by_ssrc[parsed->header.ssrc].emplace_back(rtp.begin(), rtp.end());
      ++out.total;
    });
    return out;
  }

  int readyCalls() {
    std::lock_guard lock(feed_->mu);
    return ready_calls_;
  }

  testing::FakeClock clock;

 private:
  std::shared_ptr<Feed> feed_ = std::make_shared<Feed>();
  std::unique_ptr<VideoSender> sender_;
  std::unique_ptr<SyntheticSource> source_;
  std::uint64_t next_index_ = 0;
  int ready_calls_ = 0;  // under feed_->mu
};

struct Frame {
  bool key = false;
  std::uint32_t timestamp = 0;
};

// One layer's packets put back together: each frame, and whether it is a key
// frame. Checks the RTP on the way: one payload type, no gap in sequence
// numbers, the marker on each frame's last packet only.
std::vector<Frame> frames(const std::vector<Packet>& packets, std::uint8_t payload_type) {
  std::optional<Vp8Depacketizer> vp8;
  std::optional<Vp9Depacketizer> vp9;
  if (payload_type == kVp8PayloadType) {
    vp8.emplace();
  } else {
    vp9.emplace();
  }
  std::vector<Frame> out;
  std::optional<std::uint16_t> last_sequence;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    auto rtp = parseRtp(packets[i]);
    REQUIRE(rtp);
    const auto& h = rtp->header;
    CHECK(h.payload_type == payload_type);
    if (last_sequence) {
      CHECK(h.sequence == static_cast<std::uint16_t>(*last_sequence + 1));
    }
    last_sequence = h.sequence;
    const bool last_of_frame =
        i + 1 == packets.size() || parseRtp(packets[i + 1])->header.timestamp != h.timestamp;
    CHECK(h.marker == last_of_frame);
    std::vector<AssembledFrame> ready;
    auto inserted = vp8 ? vp8->insert(h.sequence, h.timestamp, h.marker, rtp->payload, ready)
                        : vp9->insert(h.sequence, h.timestamp, h.marker, rtp->payload, ready);
    REQUIRE(inserted);
    for (const auto& f : ready) {
      CHECK_FALSE(f.after_loss);
      out.push_back(Frame{f.key_frame, f.timestamp});
    }
  }
  return out;
}

std::size_t keyFrames(const std::vector<Frame>& fs) {
  return static_cast<std::size_t>(
      std::count_if(fs.begin(), fs.end(), [](const Frame& f) { return f.key; }));
}

struct Decoded {
  int width = 0;
  int height = 0;
  std::optional<std::uint32_t> number;
};

// A receiver that decodes the two layers as two sources, so both are seen.
class Viewer {
 public:
  Viewer() : receiver_(clock_) {
    receiver_.setSources({{kHigh, VideoSourceKey{1, false}}, {kLow, VideoSourceKey{2, false}}});
    receiver_.start(
        [this](const VideoSourceKey& key, const VideoFrame& frame) {
          std::lock_guard lock(mu_);
          auto& list = key.participant_id == 1 ? high_ : low_;
          list.push_back(
              Decoded{frame.width(), frame.height(), SyntheticSource::readFrameNumber(frame)});
          cv_.notify_all();
        },
        [](std::uint32_t) {});
  }
  ~Viewer() { receiver_.stop(); }
  Viewer(const Viewer&) = delete;
  Viewer& operator=(const Viewer&) = delete;

  void show(const Sent& sent) {
    for (const auto& [ssrc, packets] : sent.by_ssrc) {
      for (const auto& p : packets) {
        REQUIRE(receiver_.pushIncoming(p));
      }
    }
  }
  // Waits until `high` and `low` pictures have been decoded in all.
  bool waitFor(std::size_t high, std::size_t low) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kMustHappen,
                        [&] { return high_.size() >= high && low_.size() >= low; });
  }
  std::vector<Decoded> high() {
    std::lock_guard lock(mu_);
    return high_;
  }
  std::vector<Decoded> low() {
    std::lock_guard lock(mu_);
    return low_;
  }

 private:
  testing::FakeClock clock_;
  VideoReceiver receiver_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Decoded> high_;
  std::vector<Decoded> low_;
};

}  // namespace

TEST_CASE("VideoSender needs a source", "[engine][video][sender]") {
  testing::FakeClock clock;
  auto sender = VideoSender::create({}, nullptr, clock);
  REQUIRE_FALSE(sender);
  CHECK(sender.error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("VideoSender sends both simulcast layers that a receiver decodes in order",
          "[engine][video][sender]") {
  const auto [payload_type, codec] =
      GENERATE(std::pair{kVp9PayloadType, "VP9"}, std::pair{kVp8PayloadType, "VP8"});
  Harness h;
  h.sender().setStream(kHigh, kLow, payload_type);
  h.start();
  for (int i = 0; i < 5; ++i) {
    h.send();
  }
  const Sent sent = h.drain();
  REQUIRE(sent.by_ssrc.size() == 2);
  const auto high = frames(sent.by_ssrc.at(kHigh), payload_type);
  const auto low = frames(sent.by_ssrc.at(kLow), payload_type);
  REQUIRE(high.size() == 5);
  REQUIRE(low.size() == 5);
  // A new stream starts with a key frame on each layer, then only deltas.
  CHECK(high.front().key);
  CHECK(low.front().key);
  CHECK(keyFrames(high) == 1);
  CHECK(keyFrames(low) == 1);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(high[i].timestamp == low[i].timestamp);  // the same picture
  }
  CHECK(high[1].timestamp - high[0].timestamp == 9000);  // 100 ms at 90 kHz

  const auto stats = h.sender().stats();
  CHECK(stats.codec == codec);
  CHECK(stats.width == 640);
  CHECK(stats.height == 360);
  CHECK(stats.frames_captured == 5);
  CHECK(stats.frames_encoded_high == 5);
  CHECK(stats.frames_encoded_low == 5);
  CHECK(stats.key_frames == 2);
  CHECK(stats.packets == sent.total);
  CHECK(stats.ring_dropped == 0);
  CHECK(stats.encode_errors == 0);
  CHECK(h.readyCalls() >= 5);  // at least once per frame that left packets

  Viewer viewer;
  viewer.show(sent);
  REQUIRE(viewer.waitFor(5, 5));
  const auto pictures = viewer.high();
  for (std::size_t i = 0; i < pictures.size(); ++i) {
    CHECK(pictures[i].width == 640);
    CHECK(pictures[i].height == 360);
    CHECK(pictures[i].number == std::optional<std::uint32_t>(static_cast<std::uint32_t>(i)));
  }
  for (const auto& small : viewer.low()) {
    CHECK(small.width == 320);
    CHECK(small.height == 180);
  }
}

TEST_CASE("VideoSender answers a key frame request at most once a second per layer",
          "[engine][video][sender]") {
  Harness h;
  h.sender().setStream(kHigh, kLow, kVp9PayloadType);
  h.start();
  h.send();  // the stream's first key frames
  h.sender().requestKeyFrame(kHigh);
  h.send();  // 100 ms later: the request waits
  h.clock.advance(1s);
  h.send();  // over a second since the last: now
  h.send();
  h.sender().requestKeyFrame(0x999);  // not ours: ignored
  h.send();
  const Sent sent = h.drain();
  const auto high = frames(sent.by_ssrc.at(kHigh), kVp9PayloadType);
  const auto low = frames(sent.by_ssrc.at(kLow), kVp9PayloadType);
  REQUIRE(high.size() == 5);
  REQUIRE(low.size() == 5);
  CHECK(high[0].key);
  CHECK_FALSE(high[1].key);
  CHECK(high[2].key);
  CHECK_FALSE(high[3].key);
  CHECK_FALSE(high[4].key);
  CHECK(keyFrames(low) == 1);  // the request named the high layer only
  CHECK(h.sender().stats().key_frames == 3);
}

TEST_CASE("VideoSender follows the picture's size and the room's codec",
          "[engine][video][sender]") {
  Harness h;
  h.sender().setStream(kHigh, kLow, kVp9PayloadType);
  h.start();
  h.send();
  h.send();
  h.send(480, 270);  // a resized window: a key frame at the new size
  h.send(480, 270);
  Sent sent = h.drain();
  {
    const auto high = frames(sent.by_ssrc.at(kHigh), kVp9PayloadType);
    REQUIRE(high.size() == 4);
    CHECK(high[2].key);
    CHECK_FALSE(high[3].key);
    Viewer viewer;
    viewer.show(sent);
    REQUIRE(viewer.waitFor(4, 4));
    const auto pictures = viewer.high();
    CHECK(pictures[1].width == 640);
    CHECK(pictures[2].width == 480);
    CHECK(pictures[2].height == 270);
    CHECK(pictures[3].number == std::optional<std::uint32_t>(3));
    const auto small = viewer.low();
    CHECK(small[3].width == 240);
    CHECK(small[3].height == 134);  // half of 270, rounded down to even
    // The statistics say the size now sent, not the first one.
    CHECK(h.sender().stats().width == 480);
    CHECK(h.sender().stats().height == 270);
  }

  // The room switches to VP8: new encoders, so key frames on both layers.
  h.sender().setStream(kHigh, kLow, kVp8PayloadType);
  h.clock.advance(1s);
  h.send(480, 270);
  h.send(480, 270);
  sent = h.drain();
  const auto high = frames(sent.by_ssrc.at(kHigh), kVp8PayloadType);
  const auto low = frames(sent.by_ssrc.at(kLow), kVp8PayloadType);
  REQUIRE(high.size() == 2);
  REQUIRE(low.size() == 2);
  CHECK(high[0].key);
  CHECK(low[0].key);
  CHECK(h.sender().stats().codec == "VP8");
}

TEST_CASE("VideoSender pauses a layer at bit rate zero", "[engine][video][sender]") {
  Harness h;
  h.sender().setStream(kHigh, kLow, kVp9PayloadType);
  h.sender().setBitrates(800, 0);
  h.start();
  h.send();
  h.send();
  Sent sent = h.drain();
  CHECK(sent.by_ssrc.count(kLow) == 0);
  CHECK(frames(sent.by_ssrc.at(kHigh), kVp9PayloadType).size() == 2);
  CHECK(h.sender().stats().frames_encoded_low == 0);

  // Someone can take it again: it resumes, with the key frame it still owes.
  h.sender().setBitrates(800, 150);
  h.send();
  sent = h.drain();
  const auto low = frames(sent.by_ssrc.at(kLow), kVp9PayloadType);
  REQUIRE(low.size() == 1);
  CHECK(low[0].key);
  CHECK(h.sender().stats().frames_encoded_low == 1);
}

TEST_CASE("VideoSender sends nothing until it has a stream", "[engine][video][sender]") {
  Harness h;
  h.start();
  h.send();
  h.send();
  CHECK(h.drain().total == 0);
  CHECK(h.sender().stats().frames_captured == 0);
  h.sender().setStream(kHigh, 0, kVp9PayloadType);  // no low layer in this leg
  h.send();
  const Sent sent = h.drain();
  REQUIRE(sent.by_ssrc.size() == 1);
  const auto high = frames(sent.by_ssrc.at(kHigh), kVp9PayloadType);
  REQUIRE(high.size() == 1);
  CHECK(high[0].key);
}

TEST_CASE("VideoSender counts packets its full ring could not take", "[engine][video][sender]") {
  VideoSenderConfig config;
  config.ring_capacity = 1;
  config.simulcast = false;
  Harness h(config);
  h.sender().setStream(kHigh, kLow, kVp9PayloadType);
  h.start();
  h.send();  // a key frame: more packets than the ring holds
  const auto stats = h.sender().stats();
  CHECK(stats.packets == 1);
  CHECK(stats.ring_dropped > 0);
  CHECK(stats.frames_encoded_low == 0);  // simulcast off
  CHECK(h.drain().total == 1);
}

TEST_CASE("VideoSender stops when its source ends and says why", "[engine][video][sender]") {
  Harness h;
  h.sender().setStream(kHigh, kLow, kVp9PayloadType);
  h.start();
  h.send();
  h.end(Error{ErrorCode::CaptureFailed, "display :99 went away"});
  h.sender().stop();
  const auto stats = h.sender().stats();
  CHECK(stats.frames_captured == 1);
  CHECK(stats.error.find("display :99 went away") != std::string::npos);
}

}  // namespace parley::media
