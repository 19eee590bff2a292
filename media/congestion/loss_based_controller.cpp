#include "media/congestion/loss_based_controller.h"

#include <algorithm>
#include <cmath>

namespace parley::media {
namespace {

// Lets a target stuck near min_bps climb: 5% of 50 kbit/s is a crawl.
constexpr double kMinIncreaseBps = 1000;

}  // namespace

LossBasedController::LossBasedController(LossBasedControllerConfig config)
    : config_(config),
      target_(std::clamp(static_cast<double>(config.start_bps), static_cast<double>(config.min_bps),
                         static_cast<double>(config.max_bps))) {}

double LossBasedController::upperLimit() const {
  double limit = static_cast<double>(config_.max_bps);
  if (remb_bps_) {
    limit = std::min(limit, static_cast<double>(*remb_bps_));
  }
  // A receiver asking for less than our floor still gets the floor: below it
  // there is no useful media at all (audio alone needs about 32 kbit/s).
  return std::max(limit, static_cast<double>(config_.min_bps));
}

void LossBasedController::onReceiverReport(Clock::TimePoint now, std::uint8_t fraction_lost) {
  const double loss = fraction_lost / 256.0;
  if (loss < config_.low_loss) {
    // Reports come every 0.5..5 s depending on the RTCP interval; 5% per
    // report would ramp far faster than GCC's 8% per second on a fast one.
    double factor = 1 + config_.increase_per_report;
    if (last_report_) {
      const double elapsed_s = std::chrono::duration<double>(now - *last_report_).count();
      factor = std::min(factor, std::pow(1 + config_.max_increase_per_second, elapsed_s));
    }
    target_ = target_ * factor + kMinIncreaseBps;
  } else if (loss > config_.high_loss) {
    const bool may_decrease =
        !last_decrease_ || now - *last_decrease_ >= config_.decrease_interval + rtt_;
    if (may_decrease) {
      target_ *= 1 - 0.5 * loss;
      last_decrease_ = now;
    }
  }
  last_report_ = now;
  target_ = std::clamp(target_, static_cast<double>(config_.min_bps), upperLimit());
}

void LossBasedController::onRemb(std::int64_t bps) {
  remb_bps_ = std::max<std::int64_t>(bps, 0);
  target_ = std::clamp(target_, static_cast<double>(config_.min_bps), upperLimit());
}

std::int64_t LossBasedController::targetBps() const {
  return static_cast<std::int64_t>(std::llround(target_));
}

}  // namespace parley::media
