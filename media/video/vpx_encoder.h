#pragma once
// VpxEncoder: RAII wrapper over one libvpx VP8 or VP9 encoder tuned for
// real-time conferencing: one-pass CBR, no look-ahead, error resilient, and
// (screen_content) libvpx's screen tools, which keep text sharp by spending
// bits on quality and dropping frames rather than blurring. Owned by the send
// pipeline of one local video stream (camera or screen share); not
// thread-safe, use it from one thread (that stream's encode worker). Its
// output is what Vp8Packetizer / Vp9Packetizer (media/rtp/) split into RTP.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "media/video/video_frame.h"

namespace parley::media {

enum class VideoCodec { Vp8, Vp9 };

std::string_view videoCodecName(VideoCodec codec);  // "VP8", "VP9"

// RTP video clock rate (RFC 7741, RFC 9628).
inline constexpr int kVideoRtpClockHz = 90000;

struct VpxEncoderConfig {
  VideoCodec codec = VideoCodec::Vp9;
  int width = 640;  // 2..kMaxVideoDimension; frames of another size re-create the encoder
  int height = 360;
  int target_bitrate_kbps = 800;  // 10..50000
  int max_framerate = 30;         // 1..120; frames arriving faster are skipped
  bool screen_content = false;    // a shared screen or window rather than a camera
  int threads = 1;                // 1..16 encoder threads
  // Longest run of frames between automatic key frames; 0 means key frames
  // only on request (the room server asks with PLI when a receiver needs one).
  int key_frame_interval = 3000;
  // libvpx speed (VP8E_SET_CPUUSED); 0 picks Parley's default for the codec,
  // content and size (see vpx_encoder.cpp).
  int cpu_used = 0;
};

// One compressed frame, ready for the RTP packetizer.
struct EncodedFrame {
  std::vector<std::byte> bytes;
  bool key_frame = false;
  std::uint32_t rtp_timestamp = 0;  // 90 kHz, from the VideoFrame's timestamp
  int width = 0;
  int height = 0;
};

class VpxEncoder {
 public:
  // Rate control may drop frames of a screen to stay within the bitrate,
  // but not more than this many in a row: the next one is encoded whatever
  // the buffer says (at 15 frames/s, the picture then changes at least every
  // 200 ms), unless such frames already took 40 % of the bitrate. Two,
  // not more: a frame whose last packet is lost is known to be incomplete
  // only when the next frame's packets come, so the repair of a lost tail
  // starts that much later (three let a freeze reach 455 ms at 5 % loss).
  static constexpr int kMaxDroppedRun = 2;

  // Fails with MediaCodecFailed when libvpx refuses the settings, and with
  // MediaUnsupported for values outside the ranges above.
  static Result<VpxEncoder> create(const VpxEncoderConfig& config);

  VpxEncoder(VpxEncoder&&) noexcept;
  VpxEncoder& operator=(VpxEncoder&&) noexcept;
  ~VpxEncoder();

  // Encodes one frame synchronously. The result holds zero frames when the
  // frame was skipped (it arrived sooner than 1/max_framerate after the last
  // one) or rate control dropped it to stay within the bitrate, else one.
  // force_key_frame (or an earlier requestKeyFrame()) makes it a key frame
  // and is never skipped. A frame whose size differs from the configured one
  // re-creates the encoder at that size (a resized window); its output is a
  // key frame. Timestamps should increase; one that does not is replaced by
  // the previous one plus a frame interval.
  Result<std::vector<EncodedFrame>> encode(const VideoFrame& frame, bool force_key_frame = false);

  // Take effect from the next encode() without re-creating the encoder
  // (vpx_codec_enc_config_set), so no key frame is needed.
  Result<void> setBitrate(int kbps);
  Result<void> setMaxFramerate(int fps);
  // The next encoded frame will be a key frame (a new receiver, a PLI).
  void requestKeyFrame();

  [[nodiscard]] const VpxEncoderConfig& config() const;

 private:
  struct Impl;
  explicit VpxEncoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::media
