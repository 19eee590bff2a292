#pragma once
// OpusDecoder: RAII wrapper over one libopus decoder for one remote voice
// stream (48 kHz mono, 20 ms frames). Owned by that stream's
// AudioReceiveStream; not thread-safe, used from the thread that pulls audio.
// Payloads are untrusted: anything libopus rejects, or a packet that is not
// exactly 20 ms, is a MediaCodecFailed error, never a crash. No call
// allocates except when building an error.

#include <cstddef>
#include <memory>
#include <span>

#include "core/base/result.h"
#include "media/audio/audio_format.h"

struct OpusDecoder;  // libopus

namespace parley::media {

class OpusDecoder {
 public:
  static Result<OpusDecoder> create();

  OpusDecoder(OpusDecoder&&) noexcept = default;
  OpusDecoder& operator=(OpusDecoder&&) noexcept = default;
  ~OpusDecoder();

  // Decodes one packet holding one 20 ms frame.
  Result<AudioFrame> decode(std::span<const std::byte> payload);
  // Recovers the frame *before* `next_payload` from the in-band FEC that
  // packet carries (call in place of the lost frame, then decode() the next
  // packet as usual). A packet without FEC data yields concealment.
  Result<AudioFrame> decodeFec(std::span<const std::byte> next_payload);
  // Packet loss concealment for one missing frame (no data at all).
  AudioFrame conceal();

  // The same as decode() / decodeFec() for the audio callback: false instead
  // of an Error, so a peer sending garbage cannot make that thread allocate.
  // `out` is unspecified on failure.
  [[nodiscard]] bool tryDecode(std::span<const std::byte> payload, bool fec, AudioFrame& out);

 private:
  struct Deleter {
    void operator()(::OpusDecoder* decoder) const;
  };
  explicit OpusDecoder(std::unique_ptr<::OpusDecoder, Deleter> decoder);
  Result<AudioFrame> run(std::span<const std::byte> payload, bool fec);

  std::unique_ptr<::OpusDecoder, Deleter> decoder_;
};

}  // namespace parley::media
