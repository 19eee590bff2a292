#pragma once
// PacketHistory: the last video packets of one stream, kept briefly so a
// NACK can be answered with a retransmission (the sender for its own
// streams, the server for every stream it forwards). A fixed ring indexed
// by sequence number: bounded memory (kCapacity packets of at most
// kMaxMediaPacketSize bytes), no allocation once every slot was used, and a
// packet older than kMaxAge is not sent again (it would arrive after the
// receiver gave up on its frame).
//
// Value type owned by one stream's sender or forwarder; one thread; time
// injected.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/base/clock.h"

namespace parley::media {

class PacketHistory {
 public:
  static constexpr std::size_t kCapacity = 1024;
  static constexpr auto kMaxAge = std::chrono::milliseconds(1000);

  // Keeps a copy of `packet` (plain RTP) under `sequence`, replacing
  // whatever was stored kCapacity sequence numbers earlier.
  void store(std::uint16_t sequence, std::span<const std::byte> packet, Clock::TimePoint now);

  // The packet stored under `sequence`, if it is still there and younger than
  // kMaxAge. The span is valid until the next store().
  [[nodiscard]] std::optional<std::span<const std::byte>> find(std::uint16_t sequence,
                                                               Clock::TimePoint now) const;
  [[nodiscard]] bool contains(std::uint16_t sequence, Clock::TimePoint now) const {
    return find(sequence, now).has_value();
  }

 private:
  struct Entry {
    bool used = false;
    std::uint16_t sequence = 0;
    Clock::TimePoint stored{};
    std::vector<std::byte> bytes;
  };
  std::vector<Entry> ring_ = std::vector<Entry>(kCapacity);
};

}  // namespace parley::media
