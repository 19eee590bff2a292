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

namespace {

// Why a payload was refused, without building a string (see tryDecode()).
struct Check {
  int opus_error = OPUS_OK;  // from libopus, when it refused the packet
  int samples = 0;           // when the packet is not 20 ms
  bool size_out_of_range = false;
  [[nodiscard]] bool ok() const {
    return opus_error == OPUS_OK && !size_out_of_range &&
           samples == static_cast<int>(kAudioFrameSamples);
  }
};

Check decodeChecked(::OpusDecoder* decoder, std::span<const std::byte> payload, bool fec,
                    AudioFrame& out) {
  Check check;
  // libopus treats an empty packet as "lost", which would hide a caller bug
  // or a hostile peer behind concealment.
  if (payload.empty() || payload.size() > kMaxAudioPayloadBytes) {
    check.size_out_of_range = true;
    return check;
  }
  const auto* data = reinterpret_cast<const unsigned char*>(payload.data());
  const auto len = static_cast<opus_int32>(payload.size());
  // Checked before decoding: a 10 ms or 40 ms packet would decode "fine" and
  // desynchronize the 20 ms playout clock.
  check.samples = opus_packet_get_nb_samples(data, len, kAudioSampleRateHz);
  if (check.samples < 0) {
    check.opus_error = check.samples;
    return check;
  }
  if (check.samples != static_cast<int>(kAudioFrameSamples)) {
    return check;
  }
  const int n =
      opus_decode(decoder, data, len, out.data(), static_cast<int>(out.size()), fec ? 1 : 0);
  if (n < 0) {
    check.opus_error = n;
  } else {
    check.samples = n;
  }
  return check;
}

}  // namespace

bool OpusDecoder::tryDecode(std::span<const std::byte> payload, bool fec, AudioFrame& out) {
  return decodeChecked(decoder_.get(), payload, fec, out).ok();
}

Result<AudioFrame> OpusDecoder::run(std::span<const std::byte> payload, bool fec) {
  AudioFrame frame{};
  const Check check = decodeChecked(decoder_.get(), payload, fec, frame);
  if (check.ok()) {
    return frame;
  }
  if (check.size_out_of_range) {
    return makeError(ErrorCode::MediaCodecFailed,
                     "opus payload size " + std::to_string(payload.size()) + " out of range");
  }
  if (check.opus_error != OPUS_OK) {
    return makeError(ErrorCode::MediaCodecFailed,
                     std::string("opus packet invalid: ") + opus_strerror(check.opus_error));
  }
  return makeError(ErrorCode::MediaCodecFailed,
                   "opus packet holds " + std::to_string(check.samples) + " samples, expected 960");
}

}  // namespace parley::media
