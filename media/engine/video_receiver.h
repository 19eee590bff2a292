#pragma once
// VideoReceiver: every remote video stream of a call, on one decode thread.
// Packets arrive from the network (SPSC ring), are put back together into
// frames per SSRC (VP8/VP9 depacketizers), and decoded per source: one
// decoder for a participant's camera and one for its screen, whichever
// simulcast layer (SSRC) the server forwards. A layer switch arrives as a
// key frame of the new SSRC, so the decoder simply goes on with it.
//
//   network --pushIncoming--> [ring] --> depacketizer(ssrc) --> decoder(source) --> sink
//                                              |  loss / decode error
//                                              v
//                                 key frame request (rate limited) --> network
//
// A decoder that falls behind (a machine too slow for what it receives)
// does not show the past ever later: a packet that waited in the ring longer
// than kMaxDecodeBacklog is dropped, its source starts again at the next key
// frame, and one is asked for. Stats are published while the thread works
// through a backlog, not only once the ring is empty.
//
// Loss is repaired first by asking again (generic NACK, RFC 4585; the
// retransmissions come back on RTX, unwrapped by the caller): each stream's
// NackTracker asks for a gap at once and again every round trip. A frame
// whose packets are still missing after its repair window (a few round trips,
// kMinRepairWindow at least) is given up: the frames after it come out with
// after_loss and a key frame is asked for. Only then.
//
// Threads: the decode thread owns depacketizers and decoders; the sink and
// the key-frame and NACK callbacks run there (they must not block long). setSources
// from any thread (rare; a mutex). Ownership: owned by the Call; stop()
// joins the thread.

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "media/engine/spsc_ring.h"
#include "media/rtp/frame_assembler.h"
#include "media/rtp/rtp_packet.h"
#include "media/video/video_frame.h"

namespace parley::media {

struct VideoSourceKey {
  std::uint64_t participant_id = 0;
  bool screen = false;
  auto operator<=>(const VideoSourceKey&) const = default;
};

struct VideoReceiverStats {
  struct Source {
    VideoSourceKey key;
    std::uint32_t last_ssrc = 0;  // the layer last decoded
    std::uint64_t frames_decoded = 0;
    std::uint64_t key_frames_decoded = 0;
    // The longest wait between two decoded pictures: how long the picture
    // stood still (a switch of path or layer, a loss waiting for a key frame).
    std::chrono::milliseconds longest_frame_gap{0};
    std::uint64_t frames_lost = 0;       // incomplete or undecodable
    std::uint64_t packets_too_late = 0;  // waited longer than kMaxDecodeBacklog
    std::uint64_t bytes = 0;
    int width = 0;
    int height = 0;
  };
  std::vector<Source> sources;
  std::uint64_t packets = 0;
  std::uint64_t unknown_ssrc = 0;
  std::uint64_t malformed = 0;
  std::uint64_t ring_dropped = 0;
  std::uint64_t key_frame_requests = 0;
  // Repair (summed over streams; NackStats).
  std::uint64_t packets_missing = 0;
  std::uint64_t nack_requested = 0;
  std::uint64_t packets_recovered = 0;  // missing, then arrived (mostly retransmitted)
  std::uint64_t repair_given_up = 0;
  std::uint64_t retransmissions_received = 0;
};

class VideoReceiver {
 public:
  // Longer than any frame should wait for the decoder: at 30 frames/s this
  // is a backlog of 30 frames, far past what a person takes for live.
  static constexpr auto kMaxDecodeBacklog = std::chrono::seconds(1);

  using FrameSink = std::function<void(const VideoSourceKey&, const VideoFrame&)>;
  using KeyFrameRequest = std::function<void(std::uint32_t ssrc)>;
  using NackRequest = std::function<void(std::uint32_t ssrc, std::vector<std::uint16_t> sequences)>;

  // A frame's missing packets are asked for at least this long (and three
  // round trips plus a little, when that is longer) before it is given up.
  // Our round trip is to the server; a packet lost before the server takes
  // the sender's round trip too, and one more when the retransmission is
  // lost as well: 200 ms leaves room for that on most paths, and the
  // picture stands still no longer than it would for a key frame.
  static constexpr auto kMinRepairWindow = std::chrono::milliseconds(200);
  static constexpr auto kMaxRepairWindow = std::chrono::milliseconds(600);

  explicit VideoReceiver(const Clock& clock, std::size_t ring_capacity = 4096);
  ~VideoReceiver();
  VideoReceiver(const VideoReceiver&) = delete;
  VideoReceiver& operator=(const VideoReceiver&) = delete;

  // `send_nack` may be empty: losses then wait for a key frame.
  void start(FrameSink sink, KeyFrameRequest request_key_frame, NackRequest send_nack = {});
  void stop();

  // Which source each SSRC belongs to (from the participant list).
  void setSources(std::map<std::uint32_t, VideoSourceKey> sources);

  // Network side (one producer): one plain RTP packet of a video stream;
  // `retransmission`: it came unwrapped from RTX.
  bool pushIncoming(std::span<const std::byte> rtp, bool retransmission = false);
  // The media path's round trip (any thread): sets how long to wait for a
  // retransmission before asking again.
  void setRoundTrip(Clock::Duration round_trip);

  [[nodiscard]] VideoReceiverStats stats() const;

 private:
  struct Slot {
    std::array<std::byte, kMaxMediaPacketSize> bytes{};
    std::size_t size = 0;
    Clock::TimePoint arrival{};
    bool retransmission = false;
  };
  struct Stream;
  struct Decoder;

  void run();
  void handle(std::span<const std::byte> packet, Clock::TimePoint arrival, bool retransmission);
  void decodeFrames(std::uint32_t ssrc, Stream& stream, Decoder& decoder,
                    const VideoSourceKey& source, std::vector<AssembledFrame>& ready);
  void askForKeyFrame(std::uint32_t ssrc, Stream& stream);
  // NACKs that are due, and frames whose repair window passed.
  void serviceRepairs();
  void publishStats();

  const Clock& clock_;
  SpscRing<Slot> incoming_;
  FrameSink sink_;
  KeyFrameRequest request_key_frame_;
  NackRequest send_nack_;
  std::atomic<std::int64_t> round_trip_us_{100'000};  // until the path measures one
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;

  mutable std::mutex sources_mu_;
  std::map<std::uint32_t, VideoSourceKey> sources_;
  std::uint64_t sources_version_ = 0;

  // Decode-thread state.
  std::map<std::uint32_t, VideoSourceKey> known_;
  std::uint64_t known_version_ = 0;
  std::map<std::uint32_t, std::unique_ptr<Stream>> streams_;
  std::map<VideoSourceKey, std::unique_ptr<Decoder>> decoders_;
  VideoReceiverStats working_;
  Clock::TimePoint last_publish_{};

  mutable std::mutex stats_mu_;
  VideoReceiverStats stats_;
  std::atomic<std::uint64_t> ring_dropped_{0};  // the producer's, lock-free
};

}  // namespace parley::media
