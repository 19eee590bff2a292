#include <algorithm>
#include <cstring>

#include "net/platform/datagram_batch.h"

namespace parley::net {

DatagramBatch::DatagramBatch(std::size_t slots, std::size_t slot_bytes)
    : storage_(std::clamp<std::size_t>(slots, 1, kMaxSlots) * slot_bytes),
      slots_(std::clamp<std::size_t>(slots, 1, kMaxSlots)),
      slot_bytes_(slot_bytes) {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].data = storage_.data() + i * slot_bytes_;
  }
}

bool DatagramBatch::push(std::span<const std::byte> bytes, const sockaddr* to,
                         std::size_t to_size) {
  if (full() || bytes.size() > slot_bytes_ || to_size > sizeof(sockaddr_storage)) {
    return false;
  }
  DatagramSlot& slot = slots_[used_++];
  if (!bytes.empty()) {
    std::memcpy(slot.data, bytes.data(), bytes.size());
  }
  slot.size = bytes.size();
  std::memcpy(&slot.peer, to, to_size);
  slot.peer_size = static_cast<SockLen>(to_size);
  return true;
}

namespace {

bool samePeer(const DatagramSlot& a, const DatagramSlot& b) {
  if (a.peer_size != b.peer_size || a.peer.ss_family != b.peer.ss_family) {
    return false;
  }
  // Field by field: the padding of a sockaddr is not always zeroed.
  if (a.peer.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a.peer);
    const auto& y = reinterpret_cast<const sockaddr_in&>(b.peer);
    return x.sin_port == y.sin_port &&
           std::memcmp(&x.sin_addr, &y.sin_addr, sizeof(x.sin_addr)) == 0;
  }
  if (a.peer.ss_family == AF_INET6) {
    const auto& x = reinterpret_cast<const sockaddr_in6&>(a.peer);
    const auto& y = reinterpret_cast<const sockaddr_in6&>(b.peer);
    return x.sin6_port == y.sin6_port && x.sin6_scope_id == y.sin6_scope_id &&
           std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof(x.sin6_addr)) == 0;
  }
  return std::memcmp(&a.peer, &b.peer, static_cast<std::size_t>(a.peer_size)) == 0;
}

}  // namespace

SegmentPlan planSegments(const DatagramBatch& batch) {
  SegmentPlan plan;
  std::array<bool, DatagramBatch::kMaxSlots> placed{};
  std::size_t next = 0;  // into plan.order
  for (std::size_t lead = 0; lead < batch.size(); ++lead) {
    if (placed[lead]) {
      continue;
    }
    // Every datagram for lead's destination, in batch order.
    SegmentRun* run = nullptr;
    std::size_t run_bytes = 0;
    for (std::size_t i = lead; i < batch.size(); ++i) {
      if (placed[i] || !samePeer(batch[lead], batch[i])) {
        continue;
      }
      placed[i] = true;
      const std::size_t size = batch[i].size;
      const bool fits = run != nullptr && size <= run->segment && size > 0 &&
                        run->count < kMaxSegmentsPerSend &&
                        run_bytes + size <= kMaxSegmentedBytes &&
                        // a shorter datagram ends its run
                        batch[plan.order[run->first + run->count - 1]].size == run->segment;
      if (fits) {
        ++run->count;
        run_bytes += size;
      } else {
        run = &plan.runs[plan.run_count++];
        *run = SegmentRun{.first = next, .count = 1, .segment = size};
        run_bytes = size;
      }
      plan.order[next++] = static_cast<std::uint8_t>(i);
    }
  }
  return plan;
}

SendOutcome sendInOrder(DatagramBatch& batch, const SendCall& send, std::uint64_t& calls) {
  SendOutcome out;
  std::size_t next = 0;
  // Each call either sends at least one datagram or drops one: at most
  // size() calls.
  while (next < batch.size()) {
    int error = 0;
    const int n = send(next, batch.size() - next, error);
    ++calls;
    if (n > 0) {
      next += static_cast<std::size_t>(n);
      out.sent += static_cast<std::size_t>(n);
      continue;
    }
    out.last_error = error;
    if (wouldBlock(error)) {
      out.dropped += batch.size() - next;  // late media is worth nothing
      break;
    }
    ++out.dropped;  // this one is refused; the next ones may still go
    ++next;
  }
  batch.clear();
  return out;
}

}  // namespace parley::net
