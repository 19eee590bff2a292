#pragma once
// OpusEncoder: RAII wrapper over one libopus encoder configured for Parley's
// voice (VOIP application, 48 kHz mono, 20 ms frames, in-band FEC and DTX).
// Owned by the capture pipeline of one local microphone; not thread-safe, use
// it from one thread (the encode worker). encode() does not allocate.

#include <cstddef>
#include <memory>
#include <span>

#include "core/base/result.h"
#include "media/audio/audio_format.h"

struct OpusEncoder;  // libopus

namespace parley::media {

struct OpusEncoderConfig {
  int bitrate_bps = 24000;
  int complexity = 9;              // 0..10
  int expected_loss_percent = 10;  // 0..100; drives how much FEC Opus adds
  bool fec = true;
  bool dtx = true;
};

class OpusEncoder {
 public:
  // Fails with MediaCodecFailed when libopus refuses the settings.
  static Result<OpusEncoder> create(const OpusEncoderConfig& config = {});

  OpusEncoder(OpusEncoder&&) noexcept = default;
  OpusEncoder& operator=(OpusEncoder&&) noexcept = default;
  ~OpusEncoder();

  // Encodes one 20 ms frame into `out` and returns the packet size. `out`
  // should hold kMaxOpusPacketBytes. A result of at most kMaxDtxPacketBytes is
  // a DTX frame (silence) the caller may skip sending; see isDtxPacket().
  Result<std::size_t> encode(const AudioFrame& frame, std::span<std::byte> out);

  Result<void> setBitrate(int bitrate_bps);          // 6000..510000
  Result<void> setComplexity(int complexity);        // 0..10
  Result<void> setExpectedLossPercent(int percent);  // 0..100
  [[nodiscard]] const OpusEncoderConfig& config() const { return config_; }

  [[nodiscard]] static bool isDtxPacket(std::size_t size) { return size <= kMaxDtxPacketBytes; }

 private:
  struct Deleter {
    void operator()(::OpusEncoder* encoder) const;
  };
  OpusEncoder(std::unique_ptr<::OpusEncoder, Deleter> encoder, const OpusEncoderConfig& config);

  std::unique_ptr<::OpusEncoder, Deleter> encoder_;
  OpusEncoderConfig config_;
};

}  // namespace parley::media
