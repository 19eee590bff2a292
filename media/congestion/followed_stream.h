#pragma once
// FollowedStream: which of a sender's video streams a delay-based estimate
// follows. The estimate needs one RTP clock, so it watches one stream, and
// every change of stream starts its trendline afresh: it needs about 20
// frame groups (a second or more) before it can see a queue at all. Picking
// the biggest stream each time misleads it when a steady camera and a bursty
// shared screen arrive together: the screen reads 0 to 500 kbit/s from one
// second to the next, the lead flips back and forth, and the estimate is
// replaced before it ever sees the link (docs/media.md, "Bandwidth"). So the
// followed stream is kept while it is alive, and given up only for one that
// has been clearly bigger for a few seconds. Any stream through the
// bottleneck shows its queue; the biggest is preferred only because it has
// the most packets to measure.
//
// Pure logic on injected time; not thread-safe (one per estimator, called
// on that estimator's thread).

#include <cstdint>
#include <span>

#include "core/base/clock.h"

namespace parley::media {

struct StreamRate {
  std::uint32_t ssrc = 0;
  std::int64_t bps = 0;  // what arrived of it lately, over any window
};

class FollowedStream {
 public:
  // A stream that sent nothing for this long is given up at once.
  static constexpr auto kSilentFor = std::chrono::seconds(1);
  // Another stream takes over only after it was this much bigger...
  static constexpr std::int64_t kLeadFactor = 2;
  // ...without a break, for this long.
  static constexpr auto kLeadFor = std::chrono::seconds(3);

  // The stream to follow now, given the rates of all candidates (0 while
  // there is none with a rate above zero). A result that differs from the
  // previous one means the caller starts a new estimator.
  std::uint32_t choose(std::span<const StreamRate> streams, Clock::TimePoint now);

  [[nodiscard]] std::uint32_t ssrc() const { return ssrc_; }

 private:
  std::uint32_t ssrc_ = 0;
  Clock::TimePoint last_heard_{};  // the followed stream's last nonzero rate
  std::uint32_t challenger_ = 0;   // bigger by kLeadFactor since challenged_since_
  Clock::TimePoint challenged_since_{};
};

}  // namespace parley::media
