#pragma once
// DelayBasedEstimator: the receiver half of Google Congestion Control
// (draft-ietf-rmcat-gcc-02, WebRTC's RemoteBitrateEstimator). It watches how
// the one-way delay of one sender's media packets drifts: a growing queue at
// the bottleneck shows up as arrivals spreading out faster than sends, well
// before packets are lost. The estimate it derives is sent back to the sender
// in REMB messages. Owned by the receiving side of one sender's media (a
// client's receive path, or the server per incoming sender); not thread-safe:
// every method runs on the one thread that sees that sender's packets. No I/O
// and no clock of its own: arrival times are arguments, so tests run on
// virtual time.
//
//   onPacket(arrival, send_time_us, size)
//     |
//     +------------------> IncomingRate (bytes over the last 500 ms)
//     v                                            |
//   InterArrival: 5 ms send-time groups,           |
//   bursts merged -> (send delta, arrival delta)   |
//     v                                            |
//   Trendline: accumulated delay variation,        |
//   smoothed, least-squares slope over 20 groups   |
//     v                                            v
//   OveruseDetector: slope vs adaptive    AimdRateControl: increase while
//   threshold -> Normal/Overusing/Underusing -> Normal, hold on Underusing,
//                                           0.85 x incoming on Overusing
//                                                  v
//                                    estimateBps(now), shouldSendRemb(now)
//
// Send times: `send_time_us` is when the sender sent (or captured) the packet,
// in microseconds on the sender's own clock; only differences matter, so the
// clock's origin and its offset from ours are irrelevant. Every packet fed to
// one estimator must use the same clock: either the unwrapped RTP timestamp
// of a single stream scaled to microseconds (ts * 1'000'000 / 48'000 for Opus,
// / 90'000 for video), or an unwrapped absolute send time shared by all the
// sender's streams. The value must not wrap; the caller unwraps. Capture
// timestamps (RTP) group a video frame's packets together, which is what the
// 5 ms grouping expects; a pacer that spreads a frame adds no false signal
// because packets of one timestamp always form one group.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>

#include "core/base/clock.h"

namespace parley::media {

struct DelayBasedEstimatorConfig {
  std::int64_t min_bps = 50'000;
  std::int64_t max_bps = 2'500'000;    // a client's whole budget (docs/media.md)
  std::int64_t start_bps = 1'000'000;  // until the first overuse tells us better
  // Incoming bitrate window: long enough to average a few video frames, short
  // enough that a decrease follows a shrinking link within a second.
  std::chrono::milliseconds rate_window{500};
  // Round-trip time assumed until setRtt(): bounds how often a decrease may
  // repeat and how fast the additive increase moves.
  std::chrono::milliseconds rtt{200};
  std::chrono::milliseconds remb_interval{1000};
  double remb_drop_ratio = 0.97;  // an estimate below 97% of the last REMB is sent at once
};

// The over-use detector's verdict on the latest packet group.
enum class BandwidthUsage { Normal, Overusing, Underusing };

struct DelayBasedEstimatorStats {
  std::uint64_t packets = 0;           // fed to onPacket()
  std::uint64_t groups = 0;            // completed 5 ms groups that produced a delta
  std::uint64_t reordered = 0;         // packets ignored for delay (sent before their group)
  std::uint64_t resets = 0;            // the delay history was restarted (pause, clock jump)
  std::uint64_t overuse_signals = 0;   // transitions into Overusing
  std::uint64_t underuse_signals = 0;  // transitions into Underusing
  std::uint64_t decreases = 0;         // times the estimate was cut
  BandwidthUsage usage = BandwidthUsage::Normal;
  double trend = 0;               // delay slope, ms of queueing per ms
  double threshold_ms = 0;        // the detector's current threshold
  std::int64_t incoming_bps = 0;  // 0 until the first window is full
};

namespace detail {

// Bytes received over a sliding window. Part of DelayBasedEstimator.
class IncomingRate {
 public:
  explicit IncomingRate(std::chrono::milliseconds window) : window_(window) {}
  void add(Clock::TimePoint arrival, std::size_t bytes);
  // Bits per second over the window ending at `now`, or nullopt until one
  // full window has passed since the first packet.
  [[nodiscard]] std::optional<std::int64_t> bps(Clock::TimePoint now) const;

 private:
  void expire(Clock::TimePoint now);

  std::chrono::milliseconds window_;
  std::deque<std::pair<Clock::TimePoint, std::size_t>> samples_;
  std::int64_t bytes_ = 0;
  std::optional<Clock::TimePoint> first_;
};

// Splits packets into groups of at most 5 ms of send time and yields the
// delay variation between consecutive complete groups. Part of
// DelayBasedEstimator.
class InterArrival {
 public:
  struct Delta {
    double send_delta_ms;
    double arrival_delta_ms;
    Clock::TimePoint arrival;  // of the newer group's last packet
  };
  enum class Outcome { Grouped, Delta, Reordered, Reset };

  // `delta` is filled when the packet closes a group (Outcome::Delta).
  Outcome add(Clock::TimePoint arrival, std::int64_t send_time_us, Delta& delta);

 private:
  struct Group {
    std::int64_t first_send_us = 0;
    std::int64_t last_send_us = 0;  // the group's timestamp: its latest send time
    Clock::TimePoint first_arrival{};
    Clock::TimePoint last_arrival{};
    bool empty = true;
  };
  [[nodiscard]] bool belongsToBurst(Clock::TimePoint arrival, std::int64_t send_time_us) const;
  void startGroup(Clock::TimePoint arrival, std::int64_t send_time_us);

  Group current_;
  Group previous_;
};

// Least-squares slope of the smoothed accumulated delay over the last groups,
// and the adaptive-threshold over-use detector on top of it. Part of
// DelayBasedEstimator.
class TrendlineDetector {
 public:
  BandwidthUsage update(const InterArrival::Delta& delta);
  void reset();
  [[nodiscard]] double trend() const { return trend_; }
  [[nodiscard]] double threshold() const { return threshold_; }
  [[nodiscard]] BandwidthUsage usage() const { return usage_; }

 private:
  void updateThreshold(double modified_trend, Clock::TimePoint now);

  std::deque<std::pair<double, double>> history_;  // (arrival ms, smoothed delay ms)
  std::optional<Clock::TimePoint> first_arrival_;
  double accumulated_delay_ = 0;
  double smoothed_delay_ = 0;
  int deltas_ = 0;
  double trend_ = 0;
  double previous_trend_ = 0;
  double threshold_ = 12.5;
  std::optional<Clock::TimePoint> last_threshold_update_;
  double time_over_using_ms_ = -1;
  int overuse_counter_ = 0;
  BandwidthUsage usage_ = BandwidthUsage::Normal;
};

// Additive-increase, multiplicative-decrease of the estimate, driven by the
// detector's verdicts. Part of DelayBasedEstimator.
class AimdRateControl {
 public:
  explicit AimdRateControl(const DelayBasedEstimatorConfig& config);
  // Moves the estimate to `now`. `incoming_bps` is the measured throughput, if
  // known. Returns true if the estimate was cut.
  bool update(Clock::TimePoint now, BandwidthUsage usage, std::optional<std::int64_t> incoming_bps);
  void setRtt(std::chrono::milliseconds rtt) { rtt_ = rtt; }
  [[nodiscard]] double bps() const { return bitrate_; }

 private:
  enum class State { Hold, Increase, Decrease };
  [[nodiscard]] bool timeToReduceFurther(Clock::TimePoint now, std::int64_t incoming_bps) const;
  [[nodiscard]] double nearMaxIncreaseBpsPerSecond() const;
  void updateCapacity(double sample_bps);

  double min_bps_;
  double max_bps_;
  double bitrate_;
  std::chrono::milliseconds rtt_;
  State state_ = State::Hold;
  std::optional<Clock::TimePoint> last_change_;
  std::optional<Clock::TimePoint> last_decrease_;
  // Link capacity seen at the last decreases (exponential average, in kbit/s,
  // with a normalised variance), or nullopt far from any known congestion
  // point: decides between multiplicative and additive increase.
  std::optional<double> capacity_kbps_;
  double capacity_var_ = 0.4;
};

}  // namespace detail

class DelayBasedEstimator {
 public:
  explicit DelayBasedEstimator(DelayBasedEstimatorConfig config = {});

  // One received media packet of this sender, lost ones simply never come.
  // `arrival` must not go backwards between calls; `send_time_us` follows the
  // rules at the top of this file. `size_bytes` is the whole RTP packet.
  void onPacket(Clock::TimePoint arrival, std::int64_t send_time_us, std::size_t size_bytes);

  // Any other packet that came the same way (another stream of this sender,
  // its voice, a retransmission): it is not on the followed clock, but it
  // took its share of the link. Decreases go to just under the measured
  // throughput, so that throughput must be all of it, as in WebRTC's
  // single-stream estimator: measured on one stream of several, a cut would
  // leave the others no room at all (seen: a 600 kbit/s link, a camera
  // followed next to a screen, the estimate cut to 77 kbit/s).
  void onOtherPacket(Clock::TimePoint arrival, std::size_t size_bytes);

  // The current estimate in bit/s, within [min_bps, max_bps]. Brings the rate
  // controller up to `now` first, so an increase continues between packets
  // (never a decrease: only a packet group can cut the estimate).
  [[nodiscard]] std::int64_t estimateBps(Clock::TimePoint now);

  // True when a REMB is due: once a packet has arrived, then every
  // remb_interval, or at once when the estimate fell below remb_drop_ratio of
  // the last one sent. Returning true counts the REMB as sent with
  // estimateBps(now): the caller sends it right away.
  [[nodiscard]] bool shouldSendRemb(Clock::TimePoint now);

  // A measured round-trip time, when the receiver knows one (RTCP XR/DLRR).
  void setRtt(std::chrono::milliseconds rtt);

  // Measured incoming bitrate over the config's window, 0 until known.
  [[nodiscard]] std::int64_t incomingBps(Clock::TimePoint now) const;
  [[nodiscard]] DelayBasedEstimatorStats stats(Clock::TimePoint now) const;

 private:
  DelayBasedEstimatorConfig config_;
  detail::IncomingRate incoming_;
  detail::InterArrival inter_arrival_;
  detail::TrendlineDetector detector_;
  detail::AimdRateControl rate_control_;
  DelayBasedEstimatorStats stats_;
  bool received_any_ = false;
  std::optional<Clock::TimePoint> last_remb_time_;
  std::int64_t last_remb_bps_ = 0;
};

}  // namespace parley::media
