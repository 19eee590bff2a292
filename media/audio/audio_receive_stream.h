#pragma once
// AudioReceiveStream: everything that turns one remote sender's Opus packets
// into 20 ms of PCM: a JitterBuffer and an OpusDecoder. Owned by the client's
// audio engine, one per remote participant; not thread-safe: onPacket() and
// pullFrame() run on the audio pull thread (packets reach it through an SPSC
// queue from the network thread). pullFrame() does not allocate or lock.

#include <cstdint>
#include <span>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "media/audio/audio_format.h"
#include "media/audio/jitter_buffer.h"
#include "media/audio/opus_decoder.h"

namespace parley::media {

struct AudioReceiveStats {
  std::uint64_t decoded = 0;        // frames decoded from their own packet
  std::uint64_t fec_recovered = 0;  // frames rebuilt from the next packet's FEC
  std::uint64_t red_recovered = 0;  // lost frames played from a later packet's RED copy
  std::uint64_t red_packets = 0;    // RED packets received
  std::uint64_t red_malformed = 0;  // RED payloads refused (nothing of them played)
  std::uint64_t concealed = 0;      // frames made up by PLC
  std::uint64_t silent = 0;         // silence (DTX gap, or not started)
  std::uint64_t decode_errors = 0;  // bad payloads (then concealed)
  JitterBufferStats jitter;
};

class AudioReceiveStream {
 public:
  static Result<AudioReceiveStream> create(const JitterBufferConfig& config = {});

  AudioReceiveStream(AudioReceiveStream&&) noexcept = default;
  AudioReceiveStream& operator=(AudioReceiveStream&&) noexcept = default;

  // One RTP packet of this stream (payload only, header already parsed).
  JitterBuffer::InsertResult onPacket(std::uint16_t seq, std::uint32_t rtp_timestamp,
                                      std::span<const std::byte> payload, Clock::TimePoint arrival);

  // One RED packet (RFC 2198, red_payload.h): the primary as onPacket, and
  // each redundant copy of an earlier packet where that one is missing.
  // While the sender adds copies the jitter buffer keeps as many frames more
  // of delay, so they come in time; a few seconds without RED and it drops
  // the extra again.
  JitterBuffer::InsertResult onRedPacket(std::uint16_t seq, std::uint32_t rtp_timestamp,
                                         std::span<const std::byte> payload,
                                         Clock::TimePoint arrival);

  // The next 20 ms to play: decoded, FEC-recovered, concealed or silence.
  AudioFrame pullFrame(Clock::TimePoint now);

  [[nodiscard]] AudioReceiveStats stats() const;

 private:
  explicit AudioReceiveStream(OpusDecoder decoder, const JitterBufferConfig& config);

  OpusDecoder decoder_;
  // Heap-held: the buffer is ~75 KB of packet slots, too big to move around.
  std::unique_ptr<JitterBuffer> jitter_;
  void setRedundancyDepth(int frames);

  AudioReceiveStats stats_;
  int red_depth_ = 0;
  Clock::TimePoint last_red_{};
  Clock::TimePoint last_red_at_depth_{};
};

}  // namespace parley::media
