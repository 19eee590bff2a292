#include "media/rtp/duplicate_filter.h"

#include <algorithm>

namespace parley::media {

bool DuplicateFilter::seen(std::uint32_t ssrc, std::uint16_t sequence) {
  auto it = streams_.find(ssrc);
  if (it == streams_.end()) {
    if (streams_.size() >= kMaxStreams) {
      streams_.erase(std::min_element(streams_.begin(), streams_.end(), [](auto& a, auto& b) {
        return a.second.last_use < b.second.last_use;
      }));
    }
    it = streams_.emplace(ssrc, Stream{}).first;
  }
  Stream& s = it->second;
  s.last_use = ++uses_;
  const auto bit = [&s](std::int64_t unwrapped) -> std::pair<std::uint64_t&, std::uint64_t> {
    const auto index = static_cast<std::size_t>(unwrapped) % kWindow;
    return {s.bits[index / 64], std::uint64_t{1} << (index % 64)};
  };
  if (s.highest < 0) {
    s.highest = sequence;
    auto [word, mask] = bit(s.highest);
    word |= mask;
    return false;
  }
  // Unwrap against the highest: the nearest value with these low 16 bits.
  const auto low = static_cast<std::uint16_t>(s.highest & 0xffff);
  const auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(sequence - low));
  const std::int64_t unwrapped = s.highest + delta;
  if (unwrapped < 0) {
    return true;
  }
  if (unwrapped > s.highest) {
    // Clear the slots the window slides over.
    const auto advance = std::min<std::int64_t>(unwrapped - s.highest, kWindow);
    for (std::int64_t k = 1; k <= advance; ++k) {
      auto [word, mask] = bit(s.highest + k);
      word &= ~mask;
    }
    s.highest = unwrapped;
    auto [word, mask] = bit(unwrapped);
    word |= mask;
    return false;
  }
  if (s.highest - unwrapped >= static_cast<std::int64_t>(kWindow)) {
    return true;
  }
  auto [word, mask] = bit(unwrapped);
  if ((word & mask) != 0) {
    return true;
  }
  word |= mask;
  return false;
}

}  // namespace parley::media
