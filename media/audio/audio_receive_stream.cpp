#include "media/audio/audio_receive_stream.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "media/rtp/red_payload.h"

namespace parley::media {
namespace {

// The sender stopped adding copies this long ago (its DTX keep-alives go
// without them): the extra delay for them goes.
constexpr auto kRedundancyHold = std::chrono::seconds(3);

}  // namespace

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
  if (red_depth_ > 0 && arrival - last_red_ > kRedundancyHold) {
    setRedundancyDepth(0);
  }
  return jitter_->insert(seq, rtp_timestamp, payload, arrival);
}

JitterBuffer::InsertResult AudioReceiveStream::onRedPacket(std::uint16_t seq,
                                                           std::uint32_t rtp_timestamp,
                                                           std::span<const std::byte> payload,
                                                           Clock::TimePoint arrival) {
  auto red = parseRed(payload);
  if (!red) {
    ++stats_.red_malformed;
    return JitterBuffer::InsertResult::Invalid;
  }
  ++stats_.red_packets;
  // The primary first: it starts the stream and sets what "missing" means.
  const auto result = jitter_->insert(seq, rtp_timestamp, red->primary, arrival);
  const auto blocks = red->redundant();
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const RedBlock& block = blocks[i];
    if (block.data.empty() || block.payload_type != red->primary_payload_type) {
      continue;
    }
    const auto back = static_cast<std::uint16_t>(blocks.size() - i);
    (void)jitter_->insertRedundant(static_cast<std::uint16_t>(seq - back),
                                   rtp_timestamp - block.timestamp_offset, block.data);
  }
  // The deepest redundancy of the last few seconds sets the extra delay.
  const int depth = std::min(static_cast<int>(blocks.size()), 2);
  last_red_ = arrival;
  if (depth >= red_depth_) {
    last_red_at_depth_ = arrival;
    if (depth > red_depth_) {
      setRedundancyDepth(depth);
    }
  } else if (arrival - last_red_at_depth_ > kRedundancyHold) {
    last_red_at_depth_ = arrival;
    setRedundancyDepth(depth);
  }
  return result;
}

void AudioReceiveStream::setRedundancyDepth(int frames) {
  red_depth_ = std::min(frames, 2);
  jitter_->setRedundancyDepth(red_depth_);
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
        ++(playout.from_redundancy ? stats_.red_recovered : stats_.decoded);
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
