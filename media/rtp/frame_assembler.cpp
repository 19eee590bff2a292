#include "media/rtp/frame_assembler.h"

#include <algorithm>
#include <utility>

#include "core/base/thread_check.h"

namespace parley::media {

InsertOutcome FrameAssembler::insert(const PayloadPacket& packet,
                                     std::vector<AssembledFrame>& ready) {
  const std::int64_t seq = unwrapper_.unwrap(packet.sequence);
  if ((last_emitted_ && seq <= *last_emitted_) || (newest_ && seq < *newest_ - kMaxSequenceSpan)) {
    ++stats_.packets_late;
    return InsertOutcome::Late;
  }
  if (packets_.contains(seq) || padding_.contains(seq)) {
    ++stats_.packets_duplicate;
    return InsertOutcome::Duplicate;
  }
  newest_ = newest_ ? std::max(*newest_, seq) : seq;
  auto [it, created] = slots_.try_emplace(packet.timestamp);
  Slot& slot = it->second;
  if (created) {
    slot.min_seq = seq;
    slot.max_seq = seq;
  }
  if (slot.bytes + packet.data.size() > kMaxAssembledFrameBytes) {
    // Never completes within the limit; drop what we have so it stops
    // holding memory. Later packets of it start a slot that also cannot
    // complete (no start) and ages out like any other incomplete frame.
    if (created) {
      slots_.erase(it);
      ++stats_.frames_dropped;
      loss_pending_ = true;
    } else {
      dropSlot(packet.timestamp, true);
    }
    emitReady(ready);
    return InsertOutcome::TooLarge;
  }
  slot.min_seq = std::min(slot.min_seq, seq);
  slot.max_seq = std::max(slot.max_seq, seq);
  ++slot.packets;
  slot.bytes += packet.data.size();
  if (packet.frame_start && !slot.first_seq) {
    slot.first_seq = seq;
    slot.key_frame = packet.key_frame;
    slot.picture_id = packet.picture_id;
  }
  if (packet.frame_end && !slot.last_seq) {
    slot.last_seq = seq;
  }
  packets_.emplace(seq, Packet{packet.timestamp, {packet.data.begin(), packet.data.end()}});
  buffered_bytes_ += packet.data.size();

  enforceBounds(ready);
  emitReady(ready);
  return InsertOutcome::Buffered;
}

void FrameAssembler::insertPadding(std::uint16_t sequence, std::vector<AssembledFrame>& ready) {
  const std::int64_t seq = unwrapper_.unwrap(sequence);
  if ((last_emitted_ && seq <= *last_emitted_) || (newest_ && seq < *newest_ - kMaxSequenceSpan)) {
    ++stats_.packets_late;
    return;
  }
  if (packets_.contains(seq) || !padding_.insert(seq).second) {
    ++stats_.packets_duplicate;
    return;
  }
  newest_ = newest_ ? std::max(*newest_, seq) : seq;
  while (padding_.size() > kMaxBufferedPackets ||
         (!padding_.empty() && *padding_.begin() < *newest_ - kMaxSequenceSpan)) {
    padding_.erase(padding_.begin());
  }
  enforceBounds(ready);
  emitReady(ready);
}

std::size_t FrameAssembler::skipIncomplete(std::vector<AssembledFrame>& ready) {
  std::optional<std::int64_t> oldest_complete;
  for (const auto& [ts, slot] : slots_) {
    if (complete(slot) && (!oldest_complete || *slot.first_seq < *oldest_complete)) {
      oldest_complete = slot.first_seq;
    }
  }
  if (!oldest_complete) {
    return 0;
  }
  const std::uint64_t before = stats_.frames_dropped;
  dropOlderThan(*oldest_complete);
  // Even with nothing buffered before it, the gap itself was a lost frame.
  loss_pending_ = true;
  emitReady(ready);
  return static_cast<std::size_t>(stats_.frames_dropped - before);
}

std::vector<std::uint32_t> FrameAssembler::takeDroppedFrames() {
  return std::exchange(dropped_, {});
}

bool FrameAssembler::complete(const Slot& slot) const {
  return slot.first_seq && slot.last_seq && *slot.first_seq == slot.min_seq &&
         *slot.last_seq == slot.max_seq &&
         static_cast<std::int64_t>(slot.packets) == slot.max_seq - slot.min_seq + 1;
}

void FrameAssembler::dropSlot(std::uint32_t timestamp, bool count_as_lost) {
  const auto slot_it = slots_.find(timestamp);
  PARLEY_DCHECK(slot_it != slots_.end());
  const Slot& slot = slot_it->second;
  // Other timestamps may interleave in [min, max] only if the sender is
  // broken or hostile; those are left alone.
  for (auto it = packets_.lower_bound(slot.min_seq);
       it != packets_.end() && it->first <= slot.max_seq;) {
    if (it->second.timestamp == timestamp) {
      buffered_bytes_ -= it->second.data.size();
      it = packets_.erase(it);
    } else {
      ++it;
    }
  }
  slots_.erase(slot_it);
  if (count_as_lost) {
    ++stats_.frames_dropped;
    loss_pending_ = true;
    if (dropped_.size() >= kMaxDroppedFramesKept) {
      dropped_.erase(dropped_.begin());
    }
    dropped_.push_back(timestamp);
  }
}

void FrameAssembler::dropOlderThan(std::int64_t seq) {
  while (!packets_.empty() && packets_.begin()->first < seq) {
    dropSlot(packets_.begin()->second.timestamp, true);
  }
  while (!padding_.empty() && *padding_.begin() < seq) {
    padding_.erase(padding_.begin());
  }
}

void FrameAssembler::enforceBounds(std::vector<AssembledFrame>& ready) {
  while (!packets_.empty() &&
         (packets_.size() > kMaxBufferedPackets || buffered_bytes_ > kMaxBufferedBytes ||
          slots_.size() > kMaxPendingFrames ||
          *newest_ - packets_.begin()->first > kMaxSequenceSpan)) {
    const std::uint32_t oldest = packets_.begin()->second.timestamp;
    if (complete(slots_.at(oldest))) {
      // Complete but waiting for a gap before it: let it out rather than
      // throw it away.
      loss_pending_ = true;
      emit(oldest, ready);
    } else {
      dropSlot(oldest, true);
    }
  }
}

void FrameAssembler::advanceOverPadding() {
  if (!last_emitted_) {
    return;
  }
  while (!padding_.empty() && *padding_.begin() <= *last_emitted_ + 1) {
    if (*padding_.begin() == *last_emitted_ + 1) {
      ++*last_emitted_;
    }
    padding_.erase(padding_.begin());
  }
}

void FrameAssembler::emitReady(std::vector<AssembledFrame>& ready) {
  for (;;) {
    advanceOverPadding();
    if (packets_.empty()) {
      return;
    }
    const std::uint32_t oldest = packets_.begin()->second.timestamp;
    const Slot& slot = slots_.at(oldest);
    if (complete(slot) &&
        (!last_emitted_ || loss_pending_ || *slot.first_seq == *last_emitted_ + 1)) {
      emit(oldest, ready);
      continue;
    }
    // A complete key frame further on makes everything before it moot.
    std::optional<std::pair<std::int64_t, std::uint32_t>> key;
    for (const auto& [ts, s] : slots_) {
      if (s.key_frame && complete(s) && (!key || *s.first_seq < key->first)) {
        key = std::make_pair(*s.first_seq, ts);
      }
    }
    if (!key) {
      return;
    }
    dropOlderThan(key->first);
    emit(key->second, ready);
  }
}

void FrameAssembler::emit(std::uint32_t timestamp, std::vector<AssembledFrame>& ready) {
  const auto slot_it = slots_.find(timestamp);
  PARLEY_DCHECK(slot_it != slots_.end() && complete(slot_it->second));
  const Slot& slot = slot_it->second;
  AssembledFrame frame;
  frame.data.reserve(slot.bytes);
  auto it = packets_.find(*slot.first_seq);
  for (std::int64_t seq = *slot.first_seq; seq <= *slot.last_seq; ++seq) {
    PARLEY_DCHECK(it != packets_.end() && it->first == seq);
    frame.data.insert(frame.data.end(), it->second.data.begin(), it->second.data.end());
    buffered_bytes_ -= it->second.data.size();
    it = packets_.erase(it);
  }
  frame.timestamp = timestamp;
  frame.key_frame = slot.key_frame;
  frame.picture_id = slot.picture_id;
  const auto low16 = [](std::int64_t v) {
    return static_cast<std::uint16_t>(static_cast<std::uint64_t>(v) & 0xFFFFU);
  };
  frame.first_sequence = low16(*slot.first_seq);
  frame.last_sequence = low16(*slot.last_seq);
  frame.after_loss = loss_pending_ || (!last_emitted_ && !slot.key_frame);
  last_emitted_ = *slot.last_seq;
  loss_pending_ = false;
  slots_.erase(slot_it);
  ++stats_.frames_emitted;
  ready.push_back(std::move(frame));
}

std::vector<std::size_t> detail::balancedSplit(std::size_t total, std::size_t room) {
  PARLEY_DCHECK(total > 0 && room > 0);
  const std::size_t count = (total + room - 1) / room;
  const std::size_t base = total / count;
  const std::size_t extra = total % count;
  std::vector<std::size_t> sizes(count, base);
  for (std::size_t i = 0; i < extra; ++i) {
    ++sizes[i];
  }
  return sizes;
}

}  // namespace parley::media
