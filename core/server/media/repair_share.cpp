#include "core/server/media/repair_share.h"

#include <algorithm>

namespace parley::server {

std::uint64_t RepairShare::videoBudget(std::uint64_t budget_bps, Clock::TimePoint now) {
  const auto video = video_.bitsPerSecond(now);
  const auto repair = repair_.bitsPerSecond(now);
  // Nothing forwarded for a second: no measurement, keep what we had (a
  // receiver whose video paused gets the same room when it resumes).
  if (video > 0) {
    const double measured =
        std::min(max_share_, static_cast<double>(repair) / static_cast<double>(video));
    share_ += (measured - share_) * kSmoothing;
  }
  // Layers V and their repair V * share together within the budget.
  return static_cast<std::uint64_t>(static_cast<double>(budget_bps) / (1 + share_));
}

}  // namespace parley::server
