#include "media/audio/audio_receive_stream.h"

#include <memory>

namespace parley::media {

AudioReceiveStream::AudioReceiveStream(OpusDecoder decoder, const JitterBufferConfig& config)
    : decoder_(std::move(decoder)), jitter_(std::make_unique<JitterBuffer>(config)) {}

Result<AudioReceiveStream> AudioReceiveStream::create(const JitterBufferConfig& config) {
  auto decoder = OpusDecoder::create();
  if (!decoder) {
    return makeError(std::move(decoder).error());
  }
  return AudioReceiveStream(std::move(*decoder), config);
}

JitterBuffer::InsertResult AudioReceiveStream::onPacket(std::uint16_t seq,
                                                        std::uint32_t rtp_timestamp,
                                                        std::span<const std::byte> payload,
                                                        Clock::TimePoint arrival) {
  return jitter_->insert(seq, rtp_timestamp, payload, arrival);
}

AudioFrame AudioReceiveStream::pullFrame(Clock::TimePoint now) {
  const JitterBuffer::Playout playout = jitter_->pull(now);
  switch (playout.kind) {
    case JitterBuffer::PlayoutKind::NotStarted:
    case JitterBuffer::PlayoutKind::Silence:
      ++stats_.silent;
      return AudioFrame{};
    case JitterBuffer::PlayoutKind::Packet: {
      AudioFrame frame;
      if (decoder_.tryDecode(playout.payload, false, frame)) {
        ++stats_.decoded;
        return frame;
      }
      // A peer's bad packet costs one concealed frame, nothing more.
      ++stats_.decode_errors;
      ++stats_.concealed;
      return decoder_.conceal();
    }
    case JitterBuffer::PlayoutKind::Lost:
      if (!playout.payload.empty()) {
        AudioFrame frame;
        if (decoder_.tryDecode(playout.payload, true, frame)) {
          ++stats_.fec_recovered;
          return frame;
        }
        ++stats_.decode_errors;
      }
      ++stats_.concealed;
      return decoder_.conceal();
  }
  return AudioFrame{};
}

AudioReceiveStats AudioReceiveStream::stats() const {
  AudioReceiveStats out = stats_;
  out.jitter = jitter_->stats();
  return out;
}

}  // namespace parley::media
