#include "media/engine/video_receiver.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "media/rtp/nack_tracker.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/vp8_payload.h"
#include "media/rtp/vp9_payload.h"
#include "media/video/vpx_decoder.h"

namespace parley::media {
namespace {

// A receiver asks for a key frame at most this often per stream: the answer
// is a big frame, and the first request is usually enough.
constexpr auto kKeyFrameRequestInterval = std::chrono::milliseconds(500);
// While the thread works through a backlog, the stats still move this often.
constexpr auto kStatsInterval = std::chrono::milliseconds(100);

}  // namespace

struct VideoReceiver::Stream {
  std::uint8_t payload_type = 0;
  std::optional<Vp8Depacketizer> vp8;
  std::optional<Vp9Depacketizer> vp9;
  Clock::TimePoint last_request{};
  bool dropping_late = false;  // inside a run of packets dropped for age
  NackTracker nack;
  NackStats counted;  // what of nack.stats() is already in working_
  // A repair window passed: the assembler is told to give up on what is
  // missing as soon as a later frame is complete.
  bool skip_pending = false;

  FrameAssembler& assembler() { return vp8 ? vp8->assembler() : vp9->assembler(); }
  void resetDepacketizer() {
    if (vp8) {
      vp8.emplace();
    } else {
      vp9.emplace();
    }
    nack = NackTracker{};
    counted = NackStats{};
    skip_pending = false;
  }
};

struct VideoReceiver::Decoder {
  std::uint8_t payload_type = 0;
  std::optional<VpxDecoder> decoder;
  bool need_key_frame = false;  // packets were dropped: delta frames cannot decode
  std::optional<Clock::TimePoint> last_decoded;
  VideoReceiverStats::Source stats;
};

VideoReceiver::VideoReceiver(const Clock& clock, std::size_t ring_capacity)
    : clock_(clock), incoming_(ring_capacity) {}

VideoReceiver::~VideoReceiver() { stop(); }

void VideoReceiver::start(FrameSink sink, KeyFrameRequest request_key_frame,
                          NackRequest send_nack) {
  sink_ = std::move(sink);
  request_key_frame_ = std::move(request_key_frame);
  send_nack_ = std::move(send_nack);
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void VideoReceiver::stop() {
  {
    std::lock_guard lock(wake_mu_);
    running_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void VideoReceiver::setSources(std::map<std::uint32_t, VideoSourceKey> sources) {
  std::lock_guard lock(sources_mu_);
  sources_ = std::move(sources);
  ++sources_version_;
}

void VideoReceiver::setRoundTrip(Clock::Duration round_trip) {
  round_trip_us_ = std::chrono::duration_cast<std::chrono::microseconds>(round_trip).count();
}

bool VideoReceiver::pushIncoming(std::span<const std::byte> rtp, bool retransmission) {
  if (rtp.size() > kMaxMediaPacketSize) {
    return false;
  }
  const bool queued = incoming_.tryPush([&](Slot& slot) {
    std::memcpy(slot.bytes.data(), rtp.data(), rtp.size());
    slot.size = rtp.size();
    slot.arrival = clock_.now();
    slot.retransmission = retransmission;
  });
  if (!queued) {
    // Counted without stats_mu_: the network thread carries voice and must
    // not wait for the decode thread (docs/media.md, "A busy machine").
    ring_dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  wake_.notify_one();
  return true;
}

VideoReceiverStats VideoReceiver::stats() const {
  std::lock_guard lock(stats_mu_);
  VideoReceiverStats stats = stats_;
  stats.ring_dropped = ring_dropped_.load(std::memory_order_relaxed);
  return stats;
}

void VideoReceiver::run() {
  while (running_.load()) {
    {
      std::unique_lock lock(wake_mu_);
      // Woken by each push; the timeout only bounds how long a missed wake-up
      // (push between the empty check and the wait) can delay a frame.
      wake_.wait_for(lock, std::chrono::milliseconds(5),
                     [&] { return !running_.load() || !incoming_.empty(); });
    }
    {
      std::lock_guard lock(sources_mu_);
      if (sources_version_ != known_version_) {
        known_ = sources_;
        known_version_ = sources_version_;
      }
    }
    bool pending = false;
    while (incoming_.tryPop([&](Slot& slot) {
      handle(std::span<const std::byte>(slot.bytes.data(), slot.size), slot.arrival,
             slot.retransmission);
    })) {
      pending = true;
      if (clock_.now() - last_publish_ >= kStatsInterval) {
        publishStats();
        pending = false;
      }
    }
    serviceRepairs();
    if (pending) {
      publishStats();
    }
  }
}

void VideoReceiver::askForKeyFrame(std::uint32_t ssrc, Stream& stream) {
  const auto now = clock_.now();
  if (now - stream.last_request >= kKeyFrameRequestInterval) {
    stream.last_request = now;
    ++working_.key_frame_requests;
    if (request_key_frame_) {
      request_key_frame_(ssrc);
    }
  }
}

void VideoReceiver::serviceRepairs() {
  const auto now = clock_.now();
  const auto round_trip =
      std::chrono::duration_cast<Clock::Duration>(std::chrono::microseconds(round_trip_us_.load()));
  const auto window = std::clamp<Clock::Duration>(round_trip * 3 + std::chrono::milliseconds(30),
                                                  kMinRepairWindow, kMaxRepairWindow);
  bool counted_changed = false;
  for (auto& [ssrc, stream] : streams_) {
    if (send_nack_) {
      if (auto due = stream->nack.due(now, round_trip); !due.empty()) {
        send_nack_(ssrc, std::move(due));
      }
    }
    if (auto oldest = stream->nack.oldestMissingSince(); oldest && now - *oldest > window) {
      stream->nack.forgetFoundBefore(now - window);
      stream->skip_pending = true;
    }
    if (stream->skip_pending) {
      auto& assembler = stream->assembler();
      std::vector<AssembledFrame> ready;
      assembler.skipIncomplete(ready);
      if (!ready.empty() || assembler.pendingFrames() == 0) {
        stream->skip_pending = false;
      }
      const auto source = known_.find(ssrc);
      if (!ready.empty() && source != known_.end()) {
        auto& decoder = decoders_[source->second];
        if (!decoder) {
          decoder = std::make_unique<Decoder>();
          decoder->stats.key = source->second;
        }
        decodeFrames(ssrc, *stream, *decoder, source->second, ready);
      }
    }
    const auto& n = stream->nack.stats();
    if (n.missing != stream->counted.missing || n.requested != stream->counted.requested ||
        n.recovered != stream->counted.recovered || n.given_up != stream->counted.given_up) {
      working_.packets_missing += n.missing - stream->counted.missing;
      working_.nack_requested += n.requested - stream->counted.requested;
      working_.packets_recovered += n.recovered - stream->counted.recovered;
      working_.repair_given_up += n.given_up - stream->counted.given_up;
      stream->counted = n;
      counted_changed = true;
    }
  }
  if (counted_changed && now - last_publish_ >= kStatsInterval) {
    publishStats();
  }
}

void VideoReceiver::handle(std::span<const std::byte> packet, Clock::TimePoint arrival,
                           bool retransmission) {
  auto rtp = parseRtp(packet);
  ++working_.packets;
  if (!rtp) {
    ++working_.malformed;
    return;
  }
  const auto ssrc = rtp->header.ssrc;
  const auto source = known_.find(ssrc);
  if (source == known_.end()) {
    ++working_.unknown_ssrc;
    return;
  }
  const std::uint8_t pt = rtp->header.payload_type;
  if (pt != kVp8PayloadType && pt != kVp9PayloadType) {
    ++working_.malformed;
    return;
  }
  auto& stream = streams_[ssrc];
  if (!stream || stream->payload_type != pt) {
    stream = std::make_unique<Stream>();
    stream->payload_type = pt;
    if (pt == kVp8PayloadType) {
      stream->vp8.emplace();
    } else {
      stream->vp9.emplace();
    }
  }
  auto& decoder = decoders_[source->second];
  if (!decoder) {
    decoder = std::make_unique<Decoder>();
    decoder->stats.key = source->second;
  }
  const auto now = clock_.now();
  if (retransmission) {
    ++working_.retransmissions_received;
  }
  stream->nack.onPacket(rtp->header.sequence, now);
  if (now - arrival > kMaxDecodeBacklog) {
    // Decoding this would show a picture from more than a second ago, and
    // everything queued behind it later still. Skip ahead instead.
    ++decoder->stats.packets_too_late;
    if (!stream->dropping_late) {
      stream->dropping_late = true;
      stream->resetDepacketizer();  // it holds parts of frames now never completed
    }
    decoder->need_key_frame = true;
    askForKeyFrame(ssrc, *stream);
    return;
  }
  stream->dropping_late = false;
  std::vector<AssembledFrame> ready;
  auto inserted = stream->vp8 ? stream->vp8->insert(rtp->header.sequence, rtp->header.timestamp,
                                                    rtp->header.marker, rtp->payload, ready)
                              : stream->vp9->insert(rtp->header.sequence, rtp->header.timestamp,
                                                    rtp->header.marker, rtp->payload, ready);
  if (!inserted) {
    ++working_.malformed;
    return;
  }
  if (!ready.empty()) {
    // Frames came out in order: whatever a passed repair window gave up on
    // is behind them (completed late, or made moot by a key frame).
    stream->skip_pending = false;
  }
  decodeFrames(ssrc, *stream, *decoder, source->second, ready);
}

void VideoReceiver::decodeFrames(std::uint32_t ssrc, Stream& stream, Decoder& decoder,
                                 const VideoSourceKey& source, std::vector<AssembledFrame>& ready) {
  const std::uint8_t pt = stream.payload_type;
  for (auto& frame : ready) {
    if (!decoder.decoder || decoder.payload_type != pt) {
      auto created =
          VpxDecoder::create(pt == kVp8PayloadType ? VideoCodec::Vp8 : VideoCodec::Vp9, 2);
      if (!created) {
        continue;
      }
      decoder.decoder.emplace(std::move(*created));
      decoder.payload_type = pt;
    }
    // A delta frame after a loss, or from a layer we just switched to, cannot
    // be decoded: skip to the next key frame and ask for one.
    if (frame.after_loss && !frame.key_frame) {
      ++decoder.stats.frames_lost;
      askForKeyFrame(ssrc, stream);
      continue;
    }
    if (decoder.stats.last_ssrc != ssrc && !frame.key_frame) {
      // The previous layer's picture stays until the new one starts. The
      // server switches layers on a key frame, so a delta frame of the new
      // one means that key frame was lost: ask again, or the picture would
      // stand still until the sender's next key frame for someone else
      // (seen behind a 600 kbit/s tbf: the screen stood for 5.8 s).
      ++decoder.stats.frames_lost;
      askForKeyFrame(ssrc, stream);
      continue;
    }
    if (decoder.need_key_frame && !frame.key_frame) {
      ++decoder.stats.frames_lost;
      askForKeyFrame(ssrc, stream);
      continue;
    }
    auto decoded = decoder.decoder->decode(frame.data, frame.timestamp);
    if (!decoded) {
      ++decoder.stats.frames_lost;
      askForKeyFrame(ssrc, stream);
      continue;
    }
    decoder.stats.last_ssrc = ssrc;
    decoder.need_key_frame = false;
    if (frame.key_frame) {
      stream.nack.forgetBefore(frame.first_sequence);  // nothing before it is needed now
    }
    decoder.stats.bytes += frame.data.size();
    if (*decoded) {
      const auto decoded_at = clock_.now();
      if (decoder.last_decoded) {
        decoder.stats.longest_frame_gap =
            std::max(decoder.stats.longest_frame_gap,
                     std::chrono::duration_cast<std::chrono::milliseconds>(decoded_at -
                                                                           *decoder.last_decoded));
      }
      decoder.last_decoded = decoded_at;
      if (frame.key_frame) {
        ++decoder.stats.key_frames_decoded;
      }
      ++decoder.stats.frames_decoded;
      decoder.stats.width = (*decoded)->width();
      decoder.stats.height = (*decoded)->height();
      if (sink_) {
        sink_(source, **decoded);
      }
    }
  }
}

void VideoReceiver::publishStats() {
  last_publish_ = clock_.now();
  working_.sources.clear();
  for (const auto& [key, d] : decoders_) {
    working_.sources.push_back(d->stats);
  }
  std::lock_guard lock(stats_mu_);
  stats_ = working_;  // ring_dropped: counted by the producer, added by stats()
}

}  // namespace parley::media
