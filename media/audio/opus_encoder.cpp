#include "media/audio/opus_encoder.h"

#include <opus.h>

#include <algorithm>
#include <string>

namespace parley::media {
namespace {

Unexpected opusError(const char* what, int code) {
  return makeError(ErrorCode::MediaCodecFailed,
                   std::string("opus ") + what + ": " + opus_strerror(code));
}

}  // namespace

void OpusEncoder::Deleter::operator()(::OpusEncoder* encoder) const {
  opus_encoder_destroy(encoder);
}

OpusEncoder::OpusEncoder(std::unique_ptr<::OpusEncoder, Deleter> encoder,
                         const OpusEncoderConfig& config)
    : encoder_(std::move(encoder)), config_(config) {}

OpusEncoder::~OpusEncoder() = default;

Result<OpusEncoder> OpusEncoder::create(const OpusEncoderConfig& config) {
  int err = OPUS_OK;
  std::unique_ptr<::OpusEncoder, Deleter> raw(
      opus_encoder_create(kAudioSampleRateHz, kAudioChannels, OPUS_APPLICATION_VOIP, &err));
  if (err != OPUS_OK || !raw) {
    return opusError("encoder_create", err);
  }
  // The ctl macros of opus_defines.h use C casts; pass the request ids and
  // typed arguments directly instead.
  ::OpusEncoder* enc = raw.get();
  if (int rc = opus_encoder_ctl(enc, OPUS_SET_SIGNAL_REQUEST, opus_int32{OPUS_SIGNAL_VOICE});
      rc != OPUS_OK) {
    return opusError("set_signal", rc);
  }
  if (int rc = opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC_REQUEST, opus_int32{config.fec ? 1 : 0});
      rc != OPUS_OK) {
    return opusError("set_inband_fec", rc);
  }
  if (int rc = opus_encoder_ctl(enc, OPUS_SET_DTX_REQUEST, opus_int32{config.dtx ? 1 : 0});
      rc != OPUS_OK) {
    return opusError("set_dtx", rc);
  }
  OpusEncoder encoder(std::move(raw), config);
  if (auto r = encoder.setBitrate(config.bitrate_bps); !r) {
    return makeError(std::move(r).error());
  }
  if (auto r = encoder.setComplexity(config.complexity); !r) {
    return makeError(std::move(r).error());
  }
  if (auto r = encoder.setExpectedLossPercent(config.expected_loss_percent); !r) {
    return makeError(std::move(r).error());
  }
  return encoder;
}

Result<std::size_t> OpusEncoder::encode(const AudioFrame& frame, std::span<std::byte> out) {
  if (out.empty()) {
    return makeError(ErrorCode::MediaCodecFailed, "opus encode: empty output buffer");
  }
  const auto capacity =
      static_cast<opus_int32>(std::min<std::size_t>(out.size(), kMaxOpusPacketBytes));
  const opus_int32 n = opus_encode(encoder_.get(), frame.data(), static_cast<int>(frame.size()),
                                   reinterpret_cast<unsigned char*>(out.data()), capacity);
  if (n < 0) {
    return opusError("encode", n);
  }
  return static_cast<std::size_t>(n);
}

Result<void> OpusEncoder::setBitrate(int bitrate_bps) {
  if (bitrate_bps < 6000 || bitrate_bps > 510000) {
    return makeError(ErrorCode::MediaCodecFailed,
                     "opus bitrate out of range (6000..510000): " + std::to_string(bitrate_bps));
  }
  if (int rc = opus_encoder_ctl(encoder_.get(), OPUS_SET_BITRATE_REQUEST, opus_int32{bitrate_bps});
      rc != OPUS_OK) {
    return opusError("set_bitrate", rc);
  }
  config_.bitrate_bps = bitrate_bps;
  return {};
}

Result<void> OpusEncoder::setComplexity(int complexity) {
  if (complexity < 0 || complexity > 10) {
    return makeError(ErrorCode::MediaCodecFailed,
                     "opus complexity out of range (0..10): " + std::to_string(complexity));
  }
  if (int rc =
          opus_encoder_ctl(encoder_.get(), OPUS_SET_COMPLEXITY_REQUEST, opus_int32{complexity});
      rc != OPUS_OK) {
    return opusError("set_complexity", rc);
  }
  config_.complexity = complexity;
  return {};
}

Result<void> OpusEncoder::setExpectedLossPercent(int percent) {
  if (percent < 0 || percent > 100) {
    return makeError(ErrorCode::MediaCodecFailed,
                     "opus loss percentage out of range (0..100): " + std::to_string(percent));
  }
  if (int rc =
          opus_encoder_ctl(encoder_.get(), OPUS_SET_PACKET_LOSS_PERC_REQUEST, opus_int32{percent});
      rc != OPUS_OK) {
    return opusError("set_packet_loss_perc", rc);
  }
  config_.expected_loss_percent = percent;
  return {};
}

}  // namespace parley::media
