#pragma once
// LossBasedController: the sender half of Google Congestion Control
// (draft-ietf-rmcat-gcc-02 section 6). It keeps the client's total send
// target from the loss the receivers report in RTCP receiver reports, and
// never lets it exceed the receiver's delay-based estimate (REMB) or the
// client's budget. Owned by the client's media send path (one per client,
// whose target BitrateAllocator then splits); not thread-safe: runs on the
// thread that handles incoming RTCP. Time is injected.
//
//   loss < 2%      increase: 5% per report, at most 8% per second
//   2% .. 10%      hold
//   > 10%          target *= (1 - 0.5 * loss), at most once per 300 ms + RTT
//   always         min_bps <= target <= min(last REMB, max_bps)

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/base/clock.h"

namespace parley::media {

struct LossBasedControllerConfig {
  std::int64_t min_bps = 50'000;
  std::int64_t max_bps = 2'500'000;  // a client's whole budget (docs/media.md)
  std::int64_t start_bps = 1'000'000;
  double increase_per_report = 0.05;
  double max_increase_per_second = 0.08;
  double low_loss = 0.02;   // below: increase
  double high_loss = 0.10;  // above: decrease
  // A decrease needs this long plus one RTT to show up in the next reports.
  std::chrono::milliseconds decrease_interval{300};
};

class LossBasedController {
 public:
  explicit LossBasedController(LossBasedControllerConfig config = {});

  // One RTCP receiver report block for our media. `fraction_lost` is the
  // RTCP field: lost packets since the previous report, in 1/256 units.
  // With several receivers (or several streams) the caller passes the worst
  // report of the interval, or each one in turn.
  void onReceiverReport(Clock::TimePoint now, std::uint8_t fraction_lost);

  // The delay-based estimate from a REMB (or transport-wide feedback). Caps
  // the target at once; it never raises it: only a loss-free report does.
  void onRemb(std::int64_t bps);

  // The latest measured round-trip time, if any.
  void setRtt(std::chrono::milliseconds rtt) { rtt_ = rtt; }

  // The target in bit/s: what the client's streams may send in total.
  [[nodiscard]] std::int64_t targetBps() const;
  [[nodiscard]] std::optional<std::int64_t> lastRembBps() const { return remb_bps_; }

 private:
  [[nodiscard]] double upperLimit() const;

  LossBasedControllerConfig config_;
  double target_;
  std::optional<std::int64_t> remb_bps_;
  std::chrono::milliseconds rtt_{0};
  std::optional<Clock::TimePoint> last_report_;
  std::optional<Clock::TimePoint> last_decrease_;
};

}  // namespace parley::media
