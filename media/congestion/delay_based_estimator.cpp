#include "media/congestion/delay_based_estimator.h"

#include <algorithm>
#include <cmath>

namespace parley::media {
namespace {

using std::chrono::duration;
using std::chrono::milliseconds;

// Constants from draft-ietf-rmcat-gcc-02 and WebRTC's defaults, which were
// tuned on real networks; changing one changes how the whole loop behaves.
constexpr std::int64_t kGroupLengthUs = 5'000;
constexpr milliseconds kBurstDelta{5};
constexpr milliseconds kMaxBurstDuration{100};
// Beyond these the sender paused or its clock jumped: old delay history says
// nothing about the queue now.
constexpr milliseconds kStreamGap{2000};
constexpr std::int64_t kMaxReorderUs = 1'000'000;
constexpr double kMaxOffsetJumpMs = 3000;

constexpr std::size_t kTrendWindow = 20;
constexpr double kSmoothing = 0.9;
constexpr double kThresholdGain = 4.0;
constexpr int kMinDeltasForFullGain = 60;
constexpr int kMaxDeltaCount = 1000;
constexpr double kOverusingTimeMs = 10;
constexpr double kThresholdUp = 0.0087;
constexpr double kThresholdDown = 0.039;
constexpr double kMaxAdaptOffsetMs = 15;
constexpr double kMinThresholdMs = 6;
constexpr double kMaxThresholdMs = 600;
constexpr double kMaxThresholdStepMs = 100;

constexpr double kMultiplicativeIncreasePerSecond = 1.08;
constexpr double kDecreaseFactor = 0.85;
constexpr double kCapacityAlpha = 0.05;
constexpr double kMinIncreaseBpsPerSecond = 4000;
constexpr double kMinMultiplicativeBpsPerSecond = 1000;

double toMs(Clock::Duration d) { return duration<double, std::milli>(d).count(); }
double toSeconds(Clock::Duration d) { return duration<double>(d).count(); }

}  // namespace

namespace detail {

void IncomingRate::add(Clock::TimePoint arrival, std::size_t bytes) {
  if (!first_) {
    first_ = arrival;
  }
  samples_.emplace_back(arrival, bytes);
  bytes_ += static_cast<std::int64_t>(bytes);
  expire(arrival);
}

void IncomingRate::expire(Clock::TimePoint now) {
  while (!samples_.empty() && samples_.front().first <= now - window_) {
    bytes_ -= static_cast<std::int64_t>(samples_.front().second);
    samples_.pop_front();
  }
}

std::optional<std::int64_t> IncomingRate::bps(Clock::TimePoint now) const {
  if (!first_ || now - *first_ < window_) {
    return std::nullopt;
  }
  // Samples between the last add() and `now` may have aged out since.
  std::int64_t bytes = bytes_;
  for (const auto& [when, size] : samples_) {
    if (when > now - window_) {
      break;
    }
    bytes -= static_cast<std::int64_t>(size);
  }
  return bytes * 8 * 1000 / window_.count();
}

void InterArrival::startGroup(Clock::TimePoint arrival, std::int64_t send_time_us) {
  current_ = Group{send_time_us, send_time_us, arrival, arrival, false};
}

bool InterArrival::belongsToBurst(Clock::TimePoint arrival, std::int64_t send_time_us) const {
  // Packets of one capture timestamp are one frame whatever their spacing.
  if (send_time_us == current_.last_send_us) {
    return true;
  }
  // Packets that left a queue back to back arrive closer together than they
  // were sent; counting them as separate groups would read the queue
  // draining as a sudden drop in delay.
  const double send_delta_ms = static_cast<double>(send_time_us - current_.last_send_us) / 1000.0;
  const Clock::Duration arrival_delta = arrival - current_.last_arrival;
  const double propagation_delta_ms = toMs(arrival_delta) - send_delta_ms;
  return propagation_delta_ms < 0 && arrival_delta <= kBurstDelta &&
         arrival - current_.first_arrival < kMaxBurstDuration;
}

InterArrival::Outcome InterArrival::add(Clock::TimePoint arrival, std::int64_t send_time_us,
                                        Delta& delta) {
  if (current_.empty) {
    startGroup(arrival, send_time_us);
    return Outcome::Grouped;
  }
  if (arrival - current_.last_arrival > kStreamGap ||
      current_.first_send_us - send_time_us > kMaxReorderUs) {
    previous_ = Group{};
    startGroup(arrival, send_time_us);
    return Outcome::Reset;
  }
  if (send_time_us < current_.first_send_us) {
    // Sent before the group we are in: its delay is no longer comparable.
    // It still counts for the incoming rate.
    return Outcome::Reordered;
  }
  const bool new_group = !belongsToBurst(arrival, send_time_us) &&
                         send_time_us - current_.first_send_us > kGroupLengthUs;
  if (!new_group) {
    current_.last_send_us = std::max(current_.last_send_us, send_time_us);
    current_.last_arrival = arrival;
    return Outcome::Grouped;
  }
  Outcome outcome = Outcome::Grouped;
  if (!previous_.empty) {
    delta.send_delta_ms =
        static_cast<double>(current_.last_send_us - previous_.last_send_us) / 1000.0;
    delta.arrival_delta_ms = toMs(current_.last_arrival - previous_.last_arrival);
    delta.arrival = current_.last_arrival;
    outcome = Outcome::Delta;
    if (std::abs(delta.arrival_delta_ms - delta.send_delta_ms) > kMaxOffsetJumpMs) {
      // The sender's clock jumped forward (or it restarted): start over.
      outcome = Outcome::Reset;
    }
  }
  previous_ = outcome == Outcome::Reset ? Group{} : current_;
  startGroup(arrival, send_time_us);
  return outcome;
}

void TrendlineDetector::reset() { *this = TrendlineDetector{}; }

BandwidthUsage TrendlineDetector::update(const InterArrival::Delta& delta) {
  deltas_ = std::min(deltas_ + 1, kMaxDeltaCount);
  if (!first_arrival_) {
    first_arrival_ = delta.arrival;
  }
  // The accumulated variation is the queueing delay up to a constant; the
  // exponential smoothing takes out per-group jitter before the fit.
  accumulated_delay_ += delta.arrival_delta_ms - delta.send_delta_ms;
  smoothed_delay_ = kSmoothing * smoothed_delay_ + (1 - kSmoothing) * accumulated_delay_;
  history_.emplace_back(toMs(delta.arrival - *first_arrival_), smoothed_delay_);
  if (history_.size() > kTrendWindow) {
    history_.pop_front();
  }
  if (history_.size() == kTrendWindow) {
    double mean_x = 0;
    double mean_y = 0;
    for (const auto& [x, y] : history_) {
      mean_x += x;
      mean_y += y;
    }
    mean_x /= static_cast<double>(history_.size());
    mean_y /= static_cast<double>(history_.size());
    double numerator = 0;
    double denominator = 0;
    for (const auto& [x, y] : history_) {
      numerator += (x - mean_x) * (y - mean_y);
      denominator += (x - mean_x) * (x - mean_x);
    }
    if (denominator > 0) {
      trend_ = numerator / denominator;
    }
  }

  if (deltas_ < 2) {
    usage_ = BandwidthUsage::Normal;
    return usage_;
  }
  // Scaling by the number of deltas keeps the first, noisy fits from
  // triggering anything; the gain maps a slope onto the threshold's ms scale.
  const double modified_trend = std::min(deltas_, kMinDeltasForFullGain) * trend_ * kThresholdGain;
  if (modified_trend > threshold_) {
    time_over_using_ms_ = time_over_using_ms_ < 0 ? delta.send_delta_ms / 2
                                                  : time_over_using_ms_ + delta.send_delta_ms;
    ++overuse_counter_;
    // Overuse must last (10 ms, two groups) and not be receding already.
    if (time_over_using_ms_ > kOverusingTimeMs && overuse_counter_ > 1 &&
        trend_ >= previous_trend_) {
      time_over_using_ms_ = 0;
      overuse_counter_ = 0;
      usage_ = BandwidthUsage::Overusing;
    }
  } else if (modified_trend < -threshold_) {
    time_over_using_ms_ = -1;
    overuse_counter_ = 0;
    usage_ = BandwidthUsage::Underusing;
  } else {
    time_over_using_ms_ = -1;
    overuse_counter_ = 0;
    usage_ = BandwidthUsage::Normal;
  }
  previous_trend_ = trend_;
  updateThreshold(modified_trend, delta.arrival);
  return usage_;
}

void TrendlineDetector::updateThreshold(double modified_trend, Clock::TimePoint now) {
  if (!last_threshold_update_) {
    last_threshold_update_ = now;
  }
  const double magnitude = std::abs(modified_trend);
  // A spike far above the threshold is a real event (or a route change);
  // adapting to it would make the detector deaf to the next one.
  if (magnitude > threshold_ + kMaxAdaptOffsetMs) {
    last_threshold_update_ = now;
    return;
  }
  // Rises slowly with sustained noise, falls faster when the noise stops, so
  // competing TCP flows cannot starve us by raising the delay for good.
  const double k = magnitude < threshold_ ? kThresholdDown : kThresholdUp;
  const double elapsed_ms = std::min(toMs(now - *last_threshold_update_), kMaxThresholdStepMs);
  threshold_ += k * (magnitude - threshold_) * elapsed_ms;
  threshold_ = std::clamp(threshold_, kMinThresholdMs, kMaxThresholdMs);
  last_threshold_update_ = now;
}

AimdRateControl::AimdRateControl(const DelayBasedEstimatorConfig& config)
    : min_bps_(static_cast<double>(config.min_bps)),
      max_bps_(static_cast<double>(config.max_bps)),
      bitrate_(std::clamp(static_cast<double>(config.start_bps), min_bps_, max_bps_)),
      rtt_(config.rtt) {}

bool AimdRateControl::timeToReduceFurther(Clock::TimePoint now, std::int64_t incoming_bps) const {
  // One cut per round trip: the previous cut needs that long to show in the
  // queue. A throughput far below the estimate justifies cutting at once.
  const Clock::Duration interval = std::clamp(rtt_, milliseconds(10), milliseconds(200));
  if (!last_decrease_ || now - *last_decrease_ >= interval) {
    return true;
  }
  return static_cast<double>(incoming_bps) < 0.5 * bitrate_;
}

double AimdRateControl::nearMaxIncreaseBpsPerSecond() const {
  // About one packet per response time, assuming a 30 fps video stream in
  // 1200-byte packets: slow enough to sit just under the capacity for long.
  const double frame_bits = bitrate_ / 30.0;
  const double packets_per_frame = std::ceil(frame_bits / (1200.0 * 8.0));
  const double packet_bits = frame_bits / std::max(packets_per_frame, 1.0);
  const double response_s = toSeconds(rtt_ + milliseconds(100));
  return std::max(kMinIncreaseBpsPerSecond, packet_bits / response_s);
}

void AimdRateControl::updateCapacity(double sample_bps) {
  const double sample_kbps = sample_bps / 1000.0;
  if (!capacity_kbps_) {
    capacity_kbps_ = sample_kbps;
  } else {
    *capacity_kbps_ = (1 - kCapacityAlpha) * *capacity_kbps_ + kCapacityAlpha * sample_kbps;
  }
  const double norm = std::max(*capacity_kbps_, 1.0);
  const double error = *capacity_kbps_ - sample_kbps;
  capacity_var_ = (1 - kCapacityAlpha) * capacity_var_ + kCapacityAlpha * error * error / norm;
  capacity_var_ = std::clamp(capacity_var_, 0.4, 2.5);
}

bool AimdRateControl::update(Clock::TimePoint now, BandwidthUsage usage,
                             std::optional<std::int64_t> incoming_bps) {
  if (usage == BandwidthUsage::Overusing &&
      (!incoming_bps || !timeToReduceFurther(now, *incoming_bps))) {
    return false;
  }
  switch (usage) {
    case BandwidthUsage::Normal:
      if (state_ == State::Hold) {
        last_change_ = now;
        state_ = State::Increase;
      }
      break;
    case BandwidthUsage::Overusing:
      state_ = State::Decrease;
      break;
    case BandwidthUsage::Underusing:
      // The queue is draining: wait for it to empty before probing again.
      state_ = State::Hold;
      break;
  }

  const auto capacity_std_kbps = [&] { return std::sqrt(*capacity_kbps_ * capacity_var_); };
  bool cut = false;
  switch (state_) {
    case State::Hold:
      break;
    case State::Increase: {
      if (!incoming_bps) {
        // Nothing measured yet: keep the start rate rather than guess.
        last_change_ = now;
        break;
      }
      const double incoming = static_cast<double>(*incoming_bps);
      if (capacity_kbps_ && incoming / 1000.0 > *capacity_kbps_ + 3 * capacity_std_kbps()) {
        // Well above the old congestion point: the link grew.
        capacity_kbps_.reset();
        capacity_var_ = 0.4;
      }
      // Never run far ahead of what the sender actually sends, or the first
      // burst after a quiet period would hit a link it never tested.
      const double limit = 1.5 * incoming + 10'000;
      const double elapsed_s = last_change_ ? std::min(toSeconds(now - *last_change_), 1.0) : 0.0;
      if (bitrate_ < limit) {
        double increase = 0;
        if (capacity_kbps_) {
          increase = nearMaxIncreaseBpsPerSecond() * elapsed_s;
        } else {
          increase =
              std::max(bitrate_ * (std::pow(kMultiplicativeIncreasePerSecond, elapsed_s) - 1),
                       kMinMultiplicativeBpsPerSecond * elapsed_s);
        }
        bitrate_ = std::min(bitrate_ + increase, limit);
      }
      last_change_ = now;
      break;
    }
    case State::Decrease: {
      const double incoming = static_cast<double>(*incoming_bps);
      // Just under the measured throughput, to drain the queue we built.
      double decreased = kDecreaseFactor * incoming;
      if (decreased > bitrate_ && capacity_kbps_) {
        decreased = kDecreaseFactor * *capacity_kbps_ * 1000.0;
      }
      if (decreased < bitrate_) {
        bitrate_ = decreased;
        cut = true;
      }
      if (capacity_kbps_ && incoming / 1000.0 < *capacity_kbps_ - 3 * capacity_std_kbps()) {
        // Well below the old congestion point: the link shrank.
        capacity_kbps_.reset();
        capacity_var_ = 0.4;
      }
      updateCapacity(incoming);
      state_ = State::Hold;
      last_change_ = now;
      last_decrease_ = now;
      break;
    }
  }
  bitrate_ = std::clamp(bitrate_, min_bps_, max_bps_);
  return cut;
}

}  // namespace detail

DelayBasedEstimator::DelayBasedEstimator(DelayBasedEstimatorConfig config)
    : config_(config), incoming_(config.rate_window), rate_control_(config) {}

void DelayBasedEstimator::onPacket(Clock::TimePoint arrival, std::int64_t send_time_us,
                                   std::size_t size_bytes) {
  ++stats_.packets;
  received_any_ = true;
  incoming_.add(arrival, size_bytes);
  detail::InterArrival::Delta delta{};
  switch (inter_arrival_.add(arrival, send_time_us, delta)) {
    case detail::InterArrival::Outcome::Grouped:
      return;
    case detail::InterArrival::Outcome::Reordered:
      ++stats_.reordered;
      return;
    case detail::InterArrival::Outcome::Reset:
      ++stats_.resets;
      detector_.reset();
      return;
    case detail::InterArrival::Outcome::Delta:
      break;
  }
  ++stats_.groups;
  const BandwidthUsage before = detector_.usage();
  const BandwidthUsage usage = detector_.update(delta);
  if (usage != before && usage == BandwidthUsage::Overusing) {
    ++stats_.overuse_signals;
  }
  if (usage != before && usage == BandwidthUsage::Underusing) {
    ++stats_.underuse_signals;
  }
  if (rate_control_.update(arrival, usage, incoming_.bps(arrival))) {
    ++stats_.decreases;
  }
}

void DelayBasedEstimator::onOtherPacket(Clock::TimePoint arrival, std::size_t size_bytes) {
  incoming_.add(arrival, size_bytes);
}

std::int64_t DelayBasedEstimator::estimateBps(Clock::TimePoint now) {
  if (received_any_ && detector_.usage() != BandwidthUsage::Overusing) {
    rate_control_.update(now, detector_.usage(), incoming_.bps(now));
  }
  return static_cast<std::int64_t>(std::llround(rate_control_.bps()));
}

bool DelayBasedEstimator::shouldSendRemb(Clock::TimePoint now) {
  if (!received_any_) {
    return false;
  }
  const std::int64_t estimate = estimateBps(now);
  const bool due =
      !last_remb_time_ || now - *last_remb_time_ >= config_.remb_interval ||
      static_cast<double>(estimate) < config_.remb_drop_ratio * static_cast<double>(last_remb_bps_);
  if (due) {
    last_remb_time_ = now;
    last_remb_bps_ = estimate;
  }
  return due;
}

void DelayBasedEstimator::setRtt(std::chrono::milliseconds rtt) { rate_control_.setRtt(rtt); }

std::int64_t DelayBasedEstimator::incomingBps(Clock::TimePoint now) const {
  return incoming_.bps(now).value_or(0);
}

DelayBasedEstimatorStats DelayBasedEstimator::stats(Clock::TimePoint now) const {
  DelayBasedEstimatorStats s = stats_;
  s.usage = detector_.usage();
  s.trend = detector_.trend();
  s.threshold_ms = detector_.threshold();
  s.incoming_bps = incomingBps(now);
  return s;
}

}  // namespace parley::media
