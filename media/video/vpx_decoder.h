#pragma once
// VpxDecoder: RAII wrapper over one libvpx VP8 or VP9 decoder. It takes
// whole frames as FrameAssembler (media/rtp/) reassembles them from RTP,
// which come from the network and are untrusted: corrupt data gives
// MediaCodecFailed, never a crash, and after such an error the decoder
// refuses inter frames until the next key frame so it never shows a picture
// built on a broken reference. Owned by the receive pipeline of one remote
// video stream; not thread-safe, use it from one thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "core/base/result.h"
#include "media/video/video_frame.h"
#include "media/video/vpx_encoder.h"  // VideoCodec

namespace parley::media {

class VpxDecoder {
 public:
  // threads: 1..16 decoder threads (VP9 decodes tile columns in parallel).
  static Result<VpxDecoder> create(VideoCodec codec, int threads = 1);

  VpxDecoder(VpxDecoder&&) noexcept;
  VpxDecoder& operator=(VpxDecoder&&) noexcept;
  ~VpxDecoder();

  // Decodes one complete compressed frame synchronously and returns a copy
  // of the picture it shows, stamped with rtp_timestamp (90 kHz) converted
  // to microseconds; nullopt when the frame shows nothing (a hidden frame).
  // Errors (the stream stays usable from the next key frame):
  //  - MediaCodecFailed: empty or corrupt data, or libvpx rejected it;
  //  - MediaCodecFailed: an inter frame while waiting for a key frame;
  //  - MediaUnsupported: a picture larger than kMaxVideoDimension.
  Result<std::optional<VideoFrame>> decode(std::span<const std::byte> data,
                                           std::uint32_t rtp_timestamp = 0);

  // True until the first key frame, and again after an error.
  [[nodiscard]] bool waitingForKeyFrame() const;
  [[nodiscard]] VideoCodec codec() const;

 private:
  struct Impl;
  explicit VpxDecoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::media
