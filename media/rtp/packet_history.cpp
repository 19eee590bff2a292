#include "media/rtp/packet_history.h"

namespace parley::media {

void PacketHistory::store(std::uint16_t sequence, std::span<const std::byte> packet,
                          Clock::TimePoint now) {
  Entry& entry = ring_[sequence % kCapacity];
  entry.used = true;
  entry.sequence = sequence;
  entry.stored = now;
  entry.bytes.assign(packet.begin(), packet.end());
}

std::optional<std::span<const std::byte>> PacketHistory::find(std::uint16_t sequence,
                                                              Clock::TimePoint now) const {
  const Entry& entry = ring_[sequence % kCapacity];
  if (!entry.used || entry.sequence != sequence || now - entry.stored > kMaxAge) {
    return std::nullopt;
  }
  return std::span<const std::byte>(entry.bytes);
}

}  // namespace parley::media
