#include "media/audio/jitter_buffer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace parley::media {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::nanoseconds;

constexpr Clock::Duration kFrame = kAudioFrameDuration;
constexpr std::int64_t kFrameTicks = kRtpTicksPerFrame;
// Added to the peak relative delay: covers the phase between packet arrival
// and the 20 ms pull cadence, and scheduling noise.
constexpr Clock::Duration kMargin = std::chrono::milliseconds(5);
// Far too much delay during speech: drop a packet rather than wait for
// silence (after a burst that followed an outage, for instance). Well above
// what a decaying peak leaves between two pauses (a 200 ms start-up spike
// leaves about 60 ms after 2 s of talk): below this, the next silence takes
// the excess away unheard, and 100 ms of extra delay for a few seconds is
// kinder than a 20 ms hole in a word. Each dropped packet is a hole, so they
// are spread out: one per kForceShrinkSpacing pulls at most.
constexpr Clock::Duration kForceShrinkExcess = 6 * kAudioFrameDuration;
constexpr int kForceShrinkSpacing = 5;
// Peak decay: each packet pulls the peak towards its own relative delay with
// a 5 s time constant. In time, not per packet: with DTX a talker sends a few
// packets a second, and a per-packet decay would keep a spike's delay for
// minutes (1/256 a packet is the same 5 s at 50 packets/s).
constexpr double kPeakDecaySeconds = 5.12;
// Minimum transit is tracked over two buckets of this many packets (~1 s
// each), so a route that got slower is forgotten within about 2 s.
constexpr int kBucketPackets = 50;
// Concealing longer than this is pointless (Opus fades to silence anyway) and
// usually means the sender went quiet without sending a DTX frame.
constexpr int kMaxConcealFrames = 5;
// Jumps that no reordering explains: the sender restarted. Start over.
constexpr std::int64_t kResetSeqJump = 1000;
constexpr Clock::Duration kResetTransitJump = std::chrono::seconds(10);
// Extended counters start here so values just before the first packet stay
// positive (seen_ is indexed by ext % size).
constexpr std::int64_t kExtOrigin = std::int64_t{1} << 40;

}  // namespace

JitterBuffer::JitterBuffer(const JitterBufferConfig& config) : config_(config) {
  config_.capacity = std::clamp<std::size_t>(config_.capacity, 2, kMaxCapacity);
  if (config_.max_delay < config_.min_delay) {
    config_.max_delay = config_.min_delay;
  }
  config_.shrink_hysteresis =
      std::clamp<std::chrono::milliseconds>(config_.shrink_hysteresis, std::chrono::milliseconds(0),
                                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                                kFrame));
  reset();
  stats_.resyncs = 0;
}

void JitterBuffer::reset() {
  for (Slot& slot : slots_) {
    slot.used = false;
  }
  count_ = 0;
  lost_before_reset_ = stats().lost;
  received_ = 0;
  started_ = false;
  playing_ = false;
  last_was_dtx_ = false;
  consecutive_conceal_ = 0;
  pulls_since_force_shrink_ = kForceShrinkSpacing;
  seen_.fill(-1);
  have_transit_ = false;
  have_last_arrival_ = false;
  jitter_ns_ = 0;
  peak_ns_ = static_cast<double>(
      std::max(nanoseconds(0), nanoseconds(config_.initial_delay) - nanoseconds(kMargin)).count());
  settled_ = false;
  measured_packets_ = 0;
  observed_peak_ns_ = 0;
  ++stats_.resyncs;
}

void JitterBuffer::startStream(std::int64_t ext_seq, std::int64_t ext_ts) {
  started_ = true;
  first_seq_ = highest_seq_ = ext_seq;
  highest_ts_ = base_ts_ = ext_ts;
}

Clock::Duration JitterBuffer::tsToDuration(std::int64_t ext_ts) const {
  // 1e9 / 48000 ns per tick, exactly.
  return duration_cast<Clock::Duration>(nanoseconds((ext_ts - base_ts_) * 62500 / 3));
}

Clock::Duration JitterBuffer::targetDelay() const {
  const auto peak = nanoseconds(static_cast<std::int64_t>(peak_ns_));
  return std::clamp<Clock::Duration>(peak + kMargin + redundancy_delay_, config_.min_delay,
                                     config_.max_delay);
}

void JitterBuffer::setRedundancyDepth(int frames) {
  redundancy_delay_ = std::clamp(frames, 0, 2) * kFrame;
}

Clock::Duration JitterBuffer::currentDelay(Clock::TimePoint now) const {
  const Clock::Duration window_min = std::min(bucket_min_, prev_bucket_min_);
  return now.time_since_epoch() - tsToDuration(playout_ts_) - window_min;
}

void JitterBuffer::measure(std::int64_t ext_ts, Clock::TimePoint arrival) {
  const Clock::Duration transit = arrival.time_since_epoch() - tsToDuration(ext_ts);
  if (!have_transit_) {
    have_transit_ = true;
    prev_transit_ = bucket_min_ = prev_bucket_min_ = lowest_transit_ = transit;
    bucket_packets_ = 0;
    first_arrival_ = arrival;
  }
  if (transit < lowest_transit_) {
    // Faster than any packet of this stream so far: every earlier packet,
    // the peak one included, was that much later than measured. Typical at a
    // stream's start, when the first packet was held up (the sender's or the
    // server's start-up) and its successors came through faster. The delay
    // built for the first packet is then jitter to keep, not an excess to
    // cut out of speech one packet at a time. Against the stream's lowest,
    // not the window's: the window's minimum rises and falls with jitter,
    // and each fall would ratchet the peak up.
    const auto shift = static_cast<double>(nanoseconds(lowest_transit_ - transit).count());
    peak_ns_ =
        std::min(peak_ns_ + shift, static_cast<double>(nanoseconds(config_.max_delay).count()));
    observed_peak_ns_ += shift;
    lowest_transit_ = transit;
  }
  // RFC 3550 section 6.4.1, in arrival order.
  const auto d = static_cast<double>(nanoseconds(transit - prev_transit_).count());
  jitter_ns_ += (std::abs(d) - jitter_ns_) / 16.0;
  prev_transit_ = transit;

  if (++bucket_packets_ > kBucketPackets) {
    prev_bucket_min_ = bucket_min_;
    bucket_min_ = transit;
    bucket_packets_ = 1;
  }
  bucket_min_ = std::min(bucket_min_, transit);
  const Clock::Duration window_min = std::min(bucket_min_, prev_bucket_min_);
  const auto relative = static_cast<double>(nanoseconds(transit - window_min).count());
  const double since_last =
      have_last_arrival_ ? std::chrono::duration<double>(arrival - last_arrival_).count() : 0.0;
  last_arrival_ = arrival;
  have_last_arrival_ = true;
  if (relative > peak_ns_) {
    peak_ns_ = relative;  // a spike: follow at once
  } else {
    // One packet's share of the decay; at least what a 20 ms frame gets, so a
    // burst of packets arriving together still decays.
    const double dt = std::max(since_last, 0.02);
    peak_ns_ += (relative - peak_ns_) * (1.0 - std::exp(-dt / kPeakDecaySeconds));
  }
  observed_peak_ns_ = std::max(observed_peak_ns_, relative);
  ++measured_packets_;
  if (config_.settle && !settled_ && measured_packets_ >= config_.settle_packets &&
      arrival - first_arrival_ >= config_.settle_after) {
    // Enough of the stream seen: the guess gives way to the evidence (only
    // downwards; a spike already raised the peak above the guess).
    settled_ = true;
    peak_ns_ = std::min(peak_ns_, observed_peak_ns_);
  }
}

JitterBuffer::InsertResult JitterBuffer::insert(std::uint16_t seq, std::uint32_t rtp_timestamp,
                                                std::span<const std::byte> payload,
                                                Clock::TimePoint arrival) {
  if (payload.empty() || payload.size() > kMaxAudioPayloadBytes) {
    ++stats_.invalid;
    return InsertResult::Invalid;
  }
  std::int64_t ext_seq = 0;
  std::int64_t ext_ts = 0;
  if (started_) {
    bool restart = !unwrap(seq, rtp_timestamp, ext_seq, ext_ts);
    if (!restart && have_transit_) {
      const Clock::Duration transit = arrival.time_since_epoch() - tsToDuration(ext_ts);
      const Clock::Duration window_min = std::min(bucket_min_, prev_bucket_min_);
      const Clock::Duration jump = transit - window_min;
      restart = jump > kResetTransitJump || jump < -kResetTransitJump;
    }
    if (restart) {
      reset();
    }
  }
  if (!started_) {
    ext_seq = kExtOrigin + seq;
    ext_ts = kExtOrigin + rtp_timestamp;
    startStream(ext_seq, ext_ts);
  }

  std::int64_t& seen = seen_[static_cast<std::size_t>(ext_seq) % seen_.size()];
  if (seen == ext_seq) {
    ++stats_.duplicate;
    return InsertResult::Duplicate;
  }
  seen = ext_seq;
  ++received_;
  ++stats_.received;
  if (ext_seq > highest_seq_) {
    highest_seq_ = ext_seq;
    highest_ts_ = ext_ts;
  }
  first_seq_ = std::min(first_seq_, ext_seq);
  // Late packets are measured too: they are the evidence that the delay is
  // too short.
  measure(ext_ts, arrival);

  if (playing_ && (ext_ts < playout_ts_ || ext_seq <= last_seq_)) {
    ++stats_.late;
    return InsertResult::Late;
  }

  if (count_ >= config_.capacity) {
    Slot* oldest = earliest();
    ++stats_.overflow;
    if (ext_seq < oldest->seq) {
      return InsertResult::Overflow;
    }
    release(*oldest);
    // Resync: playout continues from what is left rather than concealing the
    // packet just dropped.
    if (playing_) {
      const Slot* next = earliest();
      const bool incoming_first = next == nullptr || ext_seq < next->seq;
      const std::int64_t oldest_ts = incoming_first ? ext_ts : next->ts;
      const std::int64_t oldest_seq = incoming_first ? ext_seq : next->seq;
      if (oldest_ts > playout_ts_) {
        playout_ts_ = oldest_ts;
        last_seq_ = oldest_seq - 1;
      }
    }
  }
  store(ext_seq, ext_ts, payload, false);
  return InsertResult::Accepted;
}

bool JitterBuffer::unwrap(std::uint16_t seq, std::uint32_t rtp_timestamp, std::int64_t& ext_seq,
                          std::int64_t& ext_ts) const {
  // The nearest value with the same low bits (RFC 3550 appendix A.1 in spirit).
  ext_seq = highest_seq_ + static_cast<std::int16_t>(static_cast<std::uint16_t>(
                               seq - static_cast<std::uint16_t>(highest_seq_)));
  ext_ts = highest_ts_ +
           static_cast<std::int32_t>(rtp_timestamp - static_cast<std::uint32_t>(highest_ts_));
  return std::abs(ext_seq - highest_seq_) <= kResetSeqJump;
}

void JitterBuffer::store(std::int64_t ext_seq, std::int64_t ext_ts,
                         std::span<const std::byte> payload, bool redundant) {
  for (Slot& slot : slots_) {
    if (!slot.used) {
      slot.used = true;
      slot.seq = ext_seq;
      slot.ts = ext_ts;
      slot.size = static_cast<std::uint16_t>(payload.size());
      slot.redundant = redundant;
      std::copy(payload.begin(), payload.end(), slot.data.begin());
      ++count_;
      break;
    }
  }
}

JitterBuffer::InsertResult JitterBuffer::insertRedundant(std::uint16_t seq,
                                                         std::uint32_t rtp_timestamp,
                                                         std::span<const std::byte> payload) {
  if (payload.empty() || payload.size() > kMaxAudioPayloadBytes) {
    ++stats_.invalid;
    return InsertResult::Invalid;
  }
  std::int64_t ext_seq = 0;
  std::int64_t ext_ts = 0;
  if (!started_ || !unwrap(seq, rtp_timestamp, ext_seq, ext_ts) || ext_seq < first_seq_ ||
      ext_seq >= highest_seq_ || ext_ts > highest_ts_) {
    return InsertResult::Invalid;  // not a packet this stream is missing
  }
  std::int64_t& seen = seen_[static_cast<std::size_t>(ext_seq) % seen_.size()];
  if (seen == ext_seq) {
    return InsertResult::Duplicate;  // the usual case: the packet itself came
  }
  if (playing_ && (ext_ts < playout_ts_ || ext_seq <= last_seq_)) {
    ++stats_.redundant_late;
    return InsertResult::Late;
  }
  if (count_ >= config_.capacity) {
    return InsertResult::Overflow;  // never evict a packet for a copy
  }
  seen = ext_seq;
  ++stats_.redundant_filled;
  store(ext_seq, ext_ts, payload, true);
  return InsertResult::Accepted;
}

JitterBuffer::Slot* JitterBuffer::earliest() {
  Slot* best = nullptr;
  for (Slot& slot : slots_) {
    if (slot.used && (best == nullptr || slot.seq < best->seq)) {
      best = &slot;
    }
  }
  return best;
}

void JitterBuffer::release(Slot& slot) {
  slot.used = false;
  --count_;
}

void JitterBuffer::purgeBefore(std::int64_t ts, std::uint64_t& counter) {
  for (Slot& slot : slots_) {
    if (slot.used && (slot.ts < ts || slot.seq <= last_seq_)) {
      release(slot);
      ++counter;
    }
  }
}

JitterBuffer::Playout JitterBuffer::playSlot(Slot& slot) {
  current_.seq = slot.seq;
  current_.ts = slot.ts;
  current_.size = slot.size;
  current_.redundant = slot.redundant;
  std::copy_n(slot.data.begin(), slot.size, current_.data.begin());
  release(slot);
  last_seq_ = current_.seq;
  playout_ts_ += kFrameTicks;
  last_was_dtx_ = current_.size <= kMaxDtxPacketBytes;
  consecutive_conceal_ = 0;
  ++stats_.played;
  return Playout{PlayoutKind::Packet,
                 std::span<const std::byte>(current_.data.data(), current_.size),
                 static_cast<std::uint16_t>(current_.seq), static_cast<std::uint32_t>(current_.ts),
                 current_.redundant};
}

JitterBuffer::Playout JitterBuffer::silenceOrHold(Clock::Duration excess, std::int64_t cap_ts) {
  ++stats_.silence;
  Playout out{PlayoutKind::Silence, {}, 0, static_cast<std::uint32_t>(playout_ts_)};
  if (excess < Clock::Duration::zero()) {
    return out;  // grow: this silent frame does not consume timeline
  }
  // Silence is the cheap place to shrink: skipping a silent frame is inaudible.
  const std::int64_t step =
      excess >= kFrame + config_.shrink_hysteresis ? 2 * kFrameTicks : kFrameTicks;
  playout_ts_ = std::min(playout_ts_ + step, cap_ts);
  return out;
}

JitterBuffer::Playout JitterBuffer::pull(Clock::TimePoint now) {
  if (!started_ || (!playing_ && count_ == 0)) {
    return Playout{};
  }
  const Clock::Duration target = targetDelay();
  if (!playing_) {
    const Slot* first = earliest();
    playout_ts_ = first->ts;
    if (currentDelay(now) < target) {
      return Playout{};
    }
    playing_ = true;
    last_seq_ = first->seq - 1;
  }
  purgeBefore(playout_ts_, stats_.late);

  Clock::Duration excess = currentDelay(now) - target;
  if (excess > config_.max_delay) {
    // Far behind (a burst after an outage, a stalled consumer): jump to
    // about the target delay instead of draining frame by frame.
    playout_ts_ += (excess / kFrame) * kFrameTicks;
    purgeBefore(playout_ts_, stats_.discarded);
    if (const Slot* next = earliest(); next != nullptr) {
      last_seq_ = next->seq - 1;
    }
    ++stats_.resyncs;
    excess = currentDelay(now) - target;
  }
  stats_.current_delay = duration_cast<microseconds>(excess + target);

  Slot* next = earliest();
  if (pulls_since_force_shrink_ < kForceShrinkSpacing) {
    ++pulls_since_force_shrink_;
  }
  if (next != nullptr && next->ts == playout_ts_ && excess >= kForceShrinkExcess &&
      pulls_since_force_shrink_ >= kForceShrinkSpacing) {
    pulls_since_force_shrink_ = 0;
    last_seq_ = next->seq;
    playout_ts_ += kFrameTicks;
    release(*next);
    ++stats_.discarded;
    excess -= kFrame;
    next = earliest();
  }

  if (next != nullptr && next->ts == playout_ts_) {
    return playSlot(*next);
  }
  if (next != nullptr && next->seq == last_seq_ + 1) {
    // Contiguous sequence numbers but a timestamp ahead: the sender skipped
    // DTX frames. Silence until its timestamp comes up.
    return silenceOrHold(excess, next->ts);
  }
  if (next != nullptr) {
    ++stats_.concealed;
    ++consecutive_conceal_;
    Playout out{PlayoutKind::Lost, {}, 0, static_cast<std::uint32_t>(playout_ts_)};
    if (excess < Clock::Duration::zero()) {
      // The missing packet has not had the whole target delay yet: conceal
      // without consuming the timeline (no FEC, the packet may still come).
      return out;
    }
    // A later packet arrived and the one due now had the whole target delay
    // to show up: lost. Its successor may carry its FEC.
    if (next->ts == playout_ts_ + kFrameTicks) {
      out.payload = std::span<const std::byte>(next->data.data(), next->size);
      out.seq = static_cast<std::uint16_t>(next->seq);
      ++stats_.fec_offered;
    }
    playout_ts_ += kFrameTicks;
    ++last_seq_;
    return out;
  }
  // Nothing buffered. After a DTX frame the sender is quiet on purpose.
  if (last_was_dtx_ || consecutive_conceal_ >= kMaxConcealFrames) {
    return silenceOrHold(excess, std::numeric_limits<std::int64_t>::max());
  }
  // Late or lost: conceal. If the delay is below target, hold the timeline
  // so a packet that is merely late still plays (this is how a delay spike
  // raises the playout delay).
  ++stats_.concealed;
  ++consecutive_conceal_;
  Playout out{PlayoutKind::Lost, {}, 0, static_cast<std::uint32_t>(playout_ts_)};
  if (excess >= Clock::Duration::zero()) {
    playout_ts_ += kFrameTicks;
  }
  return out;
}

JitterBufferStats JitterBuffer::stats() const {
  JitterBufferStats out = stats_;
  const std::int64_t expected = started_ ? highest_seq_ - first_seq_ + 1 : 0;
  const std::int64_t lost = expected - static_cast<std::int64_t>(received_);
  out.lost = lost_before_reset_ + static_cast<std::uint64_t>(std::max<std::int64_t>(lost, 0));
  out.target_delay = duration_cast<microseconds>(targetDelay());
  out.jitter = duration_cast<microseconds>(nanoseconds(static_cast<std::int64_t>(jitter_ns_)));
  return out;
}

}  // namespace parley::media
