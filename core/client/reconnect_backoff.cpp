#include "core/client/reconnect_backoff.h"

#include <algorithm>
#include <cmath>

namespace parley::client {

std::chrono::milliseconds ReconnectBackoff::next(double random01) {
  const double r = std::clamp(random01, 0.0, 1.0);
  const double nominal = static_cast<double>(current_.count());
  const double factor = 1.0 + policy_.jitter * (2.0 * r - 1.0);
  const auto delay =
      std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(nominal * factor)));
  const double grown =
      std::min(nominal * policy_.multiplier, static_cast<double>(policy_.max.count()));
  current_ = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(grown)));
  ++attempts_;
  return std::max(delay, std::chrono::milliseconds(0));
}

}  // namespace parley::client
