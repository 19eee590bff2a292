#include "media/audio/opus_decoder.h"

#include <opus.h>

#include <string>

namespace parley::media {

void OpusDecoder::Deleter::operator()(::OpusDecoder* decoder) const {
  opus_decoder_destroy(decoder);
}

OpusDecoder::OpusDecoder(std::unique_ptr<::OpusDecoder, Deleter> decoder)
    : decoder_(std::move(decoder)) {}

OpusDecoder::~OpusDecoder() = default;

Result<OpusDecoder> OpusDecoder::create() {
  int err = OPUS_OK;
  std::unique_ptr<::OpusDecoder, Deleter> raw(
      opus_decoder_create(kAudioSampleRateHz, kAudioChannels, &err));
  if (err != OPUS_OK || !raw) {
    return makeError(ErrorCode::MediaCodecFailed,
                     std::string("opus decoder_create: ") + opus_strerror(err));
  }
  return OpusDecoder(std::move(raw));
}

Result<AudioFrame> OpusDecoder::decode(std::span<const std::byte> payload) {
  return run(payload, false);
}

Result<AudioFrame> OpusDecoder::decodeFec(std::span<const std::byte> next_payload) {
  return run(next_payload, true);
}

AudioFrame OpusDecoder::conceal() {
  AudioFrame frame{};
  // A null packet asks libopus for concealment; it cannot fail for a valid
  // frame size, and if it ever did silence is the right fallback.
  if (opus_decode(decoder_.get(), nullptr, 0, frame.data(), static_cast<int>(frame.size()), 0) !=
      static_cast<int>(frame.size())) {
    frame.fill(0);
  }
  return frame;
}

Result<AudioFrame> OpusDecoder::run(std::span<const std::byte> payload, bool fec) {
  // libopus treats an empty packet as "lost", which would hide a caller bug
  // or a hostile peer behind concealment.
  if (payload.empty() || payload.size() > kMaxAudioPayloadBytes) {
    return makeError(ErrorCode::MediaCodecFailed,
                     "opus payload size " + std::to_string(payload.size()) + " out of range");
  }
  const auto* data = reinterpret_cast<const unsigned char*>(payload.data());
  const auto len = static_cast<opus_int32>(payload.size());
  // Checked before decoding: a 10 ms or 40 ms packet would decode "fine" and
  // desynchronize the 20 ms playout clock.
  const int samples = opus_packet_get_nb_samples(data, len, kAudioSampleRateHz);
  if (samples < 0) {
    return makeError(ErrorCode::MediaCodecFailed,
                     std::string("opus packet invalid: ") + opus_strerror(samples));
  }
  if (samples != static_cast<int>(kAudioFrameSamples)) {
    return makeError(ErrorCode::MediaCodecFailed,
                     "opus packet holds " + std::to_string(samples) + " samples, expected 960");
  }
  AudioFrame frame{};
  const int n = opus_decode(decoder_.get(), data, len, frame.data(), static_cast<int>(frame.size()),
                            fec ? 1 : 0);
  if (n < 0) {
    return makeError(ErrorCode::MediaCodecFailed, std::string("opus decode: ") + opus_strerror(n));
  }
  if (n != static_cast<int>(frame.size())) {
    return makeError(ErrorCode::MediaCodecFailed,
                     "opus decoded " + std::to_string(n) + " samples, expected 960");
  }
  return frame;
}

}  // namespace parley::media
