#pragma once
// VideoSender: one local video stream (the camera or the shared screen) on
// its own encode thread: it takes frames from a VideoSource, encodes them
// twice (simulcast: the full picture and a half-width, half-height one) with
// libvpx, splits each frame into RTP packets and leaves them in a ring for
// the network. The server picks, per receiver, which layer it forwards
// (docs/adr/0013-media-forwarding.md).
//
//   VideoSource --frame--> [full: VpxEncoder -> packetizer] --+--> ring --> network
//                     \--> scale /2 --> [small: VpxEncoder -> packetizer] --/
//
// Threads: the encode thread owns the source, encoders and packetizers;
// set*/request* are atomics read at the next frame (any thread);
// drainOutgoing from exactly one consumer (the call strand). Ownership:
// owned by the Call; stop() joins the thread.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "media/engine/spsc_ring.h"
#include "media/rtp/rtp_packet.h"
#include "media/video/video_source.h"
#include "media/video/vpx_encoder.h"

namespace parley::media {

class FrameConverter;

struct VideoSenderConfig {
  bool screen = false;  // screen content: sharp text first, fewer frames
  int max_fps = 30;
  bool simulcast = true;
  int high_kbps = 800;  // starting rates, until the call's controller sets them
  int low_kbps = 150;
  std::size_t ring_capacity = 2048;  // packets (a few key frames)
  int threads = 1;
};

struct VideoSenderStats {
  std::uint64_t frames_captured = 0;
  std::uint64_t frames_encoded_high = 0;
  std::uint64_t frames_encoded_low = 0;
  std::uint64_t key_frames = 0;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t ring_dropped = 0;
  std::uint64_t encode_errors = 0;
  double last_encode_ms = 0;  // both layers of the latest frame
  int width = 0;
  int height = 0;
  std::string codec;
  std::string error;  // the source ended with this
};

class VideoSender {
 public:
  using PacketsReady = std::function<void()>;

  static Result<std::unique_ptr<VideoSender>> create(VideoSenderConfig config,
                                                     std::unique_ptr<VideoSource> source,
                                                     const Clock& clock);
  ~VideoSender();
  VideoSender(const VideoSender&) = delete;
  VideoSender& operator=(const VideoSender&) = delete;

  void start(PacketsReady packets_ready);
  void stop();

  // What to send as (with each (re)join) and the room's codec (its payload
  // type: VP8 96, VP9 98). A codec change re-creates the encoders (key frame).
  void setStream(std::uint32_t high_ssrc, std::uint32_t low_ssrc, std::uint8_t payload_type);
  // 0 pauses that layer (nobody can receive it).
  void setBitrates(int high_kbps, int low_kbps);
  void requestKeyFrame(std::uint32_t ssrc);

  void drainOutgoing(const std::function<void(std::span<const std::byte>)>& use);
  [[nodiscard]] VideoSenderStats stats() const;

 private:
  struct Slot {
    std::array<std::byte, kMaxMediaPacketSize> bytes{};
    std::size_t size = 0;
  };
  struct Layer;

  VideoSender(VideoSenderConfig config, std::unique_ptr<VideoSource> source, const Clock& clock);
  void run();
  void encodeFrame(const VideoFrame& frame);
  Result<void> ensureEncoders(int width, int height, std::uint8_t payload_type);

  VideoSenderConfig config_;
  std::unique_ptr<VideoSource> source_;
  const Clock& clock_;
  SpscRing<Slot> outgoing_;
  PacketsReady packets_ready_;
  std::thread thread_;
  std::atomic<bool> running_{false};

  std::atomic<std::uint32_t> high_ssrc_{0};
  std::atomic<std::uint32_t> low_ssrc_{0};
  std::atomic<std::uint8_t> payload_type_{98};
  std::atomic<int> high_kbps_;
  std::atomic<int> low_kbps_;
  std::atomic<bool> key_high_{false};
  std::atomic<bool> key_low_{false};

  // Encode-thread state.
  std::unique_ptr<Layer> high_;
  std::unique_ptr<Layer> low_;
  std::uint8_t active_pt_ = 0;
  std::unique_ptr<FrameConverter> converter_;  // keeps its scaler between frames

  mutable std::mutex stats_mu_;
  VideoSenderStats stats_;
};

}  // namespace parley::media
