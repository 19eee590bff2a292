#pragma once
// DuplicateFilter: says whether an RTP packet (by SSRC and sequence number)
// was already seen, so that a receiver fed by two paths at once (the server
// and a peer path, during a switch) plays each packet once, from whichever
// path delivered it first. A window of the last 1024 sequence numbers per
// SSRC; anything older than that is treated as seen (too late to use).
//
// Threads: not thread-safe; the call strand. Bounded: at most kMaxStreams
// SSRCs (the oldest-used is forgotten first).

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>

namespace parley::media {

class DuplicateFilter {
 public:
  static constexpr std::size_t kWindow = 1024;
  static constexpr std::size_t kMaxStreams = 64;

  // True when (ssrc, sequence) was seen before or is older than the window;
  // otherwise records it and returns false.
  bool seen(std::uint32_t ssrc, std::uint16_t sequence);

 private:
  struct Stream {
    std::int64_t highest = -1;  // unwrapped
    std::array<std::uint64_t, kWindow / 64> bits{};
    std::uint64_t last_use = 0;
  };
  std::map<std::uint32_t, Stream> streams_;
  std::uint64_t uses_ = 0;
};

}  // namespace parley::media
