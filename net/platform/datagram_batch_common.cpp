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
