// DelayBasedEstimator on virtual time: a sender following the REMBs drives
// packets through a simulated bottleneck (one FIFO queue of capacity C bit/s
// that drops past a delay limit, then propagation delay and seeded jitter)
// into the estimator. A table of links and capacity changes, each with the
// expected estimate over time windows.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "media/congestion/delay_based_estimator.h"
#include "tests/fakes/fake_clock.h"

namespace parley::media {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

struct Phase {
  double from_s;
  std::int64_t capacity_bps;
};

enum class SenderMode {
  Paced,   // one packet every size/rate, stamped with its send time (abs-send-time)
  Frames,  // 30 fps frames sent back to back, stamped with the 90 kHz RTP capture time
  Fixed,   // paced at fixed_bps, ignoring REMB (a stream that is not adaptive)
};

enum class Series { Estimate, QueueDelayMs };
enum class Rule {
  AllWithin,   // every sample in [from, to] lies in [lo, hi]
  MeanWithin,  // the mean of the samples in [from, to] lies in [lo, hi]
  SomeBelow,   // some sample in [from, to] is below hi (lo unused)
  SomeAbove,   // some sample in [from, to] is above lo (hi unused)
};

struct Check {
  Series series;
  Rule rule;
  double from_s;
  double to_s;
  double lo;
  double hi;
};

struct LinkCase {
  const char* name;
  std::vector<Phase> phases;
  double duration_s = 20;
  SenderMode mode = SenderMode::Paced;
  std::int64_t fixed_bps = 0;
  int jitter_ms = 2;  // uniform 0..jitter_ms extra delay, FIFO order kept
  std::uint32_t seed = 1;
  std::vector<Check> checks;
  int max_overuse_signals = -1;  // -1: not checked
  // Frames mode: the share of each frame's packets on the followed stream
  // (at least one); the rest belong to another stream with its own clock,
  // so they go to onOtherPacket.
  double followed_share = 1.0;
};

struct Sample {
  double t_s;
  double estimate_bps;
  double queue_delay_ms;
};

struct Outcome {
  std::vector<Sample> samples;  // every 100 ms
  DelayBasedEstimatorStats stats;
  std::uint64_t dropped = 0;
};

constexpr std::size_t kPacketBytes = 1200;
constexpr milliseconds kPropagation{20};
constexpr milliseconds kQueueLimit{300};    // like a tbf "latency 300ms"
constexpr milliseconds kFeedbackDelay{30};  // receiver -> sender one way
constexpr milliseconds kStep{1};
// The sender's clock reads differently from ours: only differences matter.
constexpr std::int64_t kSenderClockOffsetUs = 987'654'321;

std::int64_t capacityAt(const LinkCase& c, double t_s) {
  std::int64_t capacity = c.phases.front().capacity_bps;
  for (const Phase& p : c.phases) {
    if (t_s >= p.from_s) {
      capacity = p.capacity_bps;
    }
  }
  return capacity;
}

Outcome simulate(const LinkCase& c) {
  testing::FakeClock clock;
  const Clock::TimePoint start = clock.now();
  const auto seconds = [&](Clock::TimePoint t) {
    return std::chrono::duration<double>(t - start).count();
  };
  DelayBasedEstimator estimator;
  std::mt19937 rng(c.seed);
  std::uniform_int_distribution<int> jitter_us(0, c.jitter_ms * 1000);

  struct InFlight {
    Clock::TimePoint arrival;
    std::int64_t send_time_us;
    Clock::Duration queue_delay;
    bool followed;
  };
  std::deque<InFlight> in_flight;  // arrival order == send order (FIFO link)
  std::deque<std::pair<Clock::TimePoint, std::int64_t>> rembs;
  Outcome out;

  double send_bps = 1'000'000;  // the estimator's start rate, until a REMB says otherwise
  Clock::TimePoint next_send = start;
  Clock::TimePoint link_free = start;
  Clock::TimePoint last_arrival = start;
  Clock::Duration last_queue_delay{0};
  const Clock::TimePoint end = start + microseconds(static_cast<std::int64_t>(c.duration_s * 1e6));
  const auto transmit = [&](Clock::TimePoint sent, std::int64_t stamp_us, bool followed = true) {
    const auto capacity = static_cast<double>(capacityAt(c, seconds(sent)));
    const Clock::Duration backlog = link_free > sent ? link_free - sent : Clock::Duration{0};
    if (backlog > kQueueLimit) {
      ++out.dropped;
      return;
    }
    const auto serialisation = microseconds(
        static_cast<std::int64_t>(static_cast<double>(kPacketBytes) * 8 * 1e6 / capacity));
    link_free = std::max(link_free, sent) + serialisation;
    Clock::TimePoint arrival = link_free + kPropagation + microseconds(jitter_us(rng));
    arrival = std::max(arrival, last_arrival);
    last_arrival = arrival;
    in_flight.push_back({arrival, stamp_us + kSenderClockOffsetUs, backlog, followed});
  };

  int frame = 0;
  for (Clock::TimePoint now = start; now < end; clock.advance(kStep), now = clock.now()) {
    while (!rembs.empty() && rembs.front().first <= now) {
      if (c.mode != SenderMode::Fixed) {
        send_bps = static_cast<double>(rembs.front().second);
      }
      rembs.pop_front();
    }
    const double rate = c.mode == SenderMode::Fixed ? static_cast<double>(c.fixed_bps) : send_bps;
    while (next_send <= now) {
      const auto send_us = std::chrono::duration_cast<microseconds>(next_send - start).count();
      if (c.mode == SenderMode::Frames) {
        // One frame's worth at the current rate, at once, all with the frame's
        // capture time (90 kHz RTP ticks converted as the caller would).
        const std::int64_t rtp_ts = frame * 3000;
        const std::int64_t stamp_us = rtp_ts * 1'000'000 / 90'000;
        const auto packets =
            static_cast<int>(std::max(1.0, std::round(rate / 30.0 / (kPacketBytes * 8.0))));
        const int followed = std::max(1, static_cast<int>(std::round(packets * c.followed_share)));
        for (int i = 0; i < packets; ++i) {
          transmit(next_send, stamp_us, i < followed);
        }
        ++frame;
        next_send += microseconds(33'333);
      } else {
        transmit(next_send, send_us);
        next_send += microseconds(static_cast<std::int64_t>(kPacketBytes * 8 * 1e6 / rate));
      }
    }
    while (!in_flight.empty() && in_flight.front().arrival <= now) {
      if (in_flight.front().followed) {
        estimator.onPacket(in_flight.front().arrival, in_flight.front().send_time_us, kPacketBytes);
      } else {
        estimator.onOtherPacket(in_flight.front().arrival, kPacketBytes);
      }
      last_queue_delay = in_flight.front().queue_delay;
      in_flight.pop_front();
    }
    if (estimator.shouldSendRemb(now)) {
      rembs.emplace_back(now + kFeedbackDelay, estimator.estimateBps(now));
    }
    if ((now - start) % milliseconds(100) == Clock::Duration{0}) {
      out.samples.push_back({seconds(now), static_cast<double>(estimator.estimateBps(now)),
                             std::chrono::duration<double, std::milli>(last_queue_delay).count()});
    }
  }
  out.stats = estimator.stats(end);
  return out;
}

std::string describe(const Outcome& out) {
  std::ostringstream s;
  s << "estimate kbit/s (queue ms) every 0.5 s:";
  for (std::size_t i = 0; i < out.samples.size(); i += 5) {
    s << (i % 50 == 0 ? "\n  " : " ") << static_cast<int>(out.samples[i].estimate_bps / 1000) << "("
      << static_cast<int>(out.samples[i].queue_delay_ms) << ")";
  }
  s << "\noveruse signals " << out.stats.overuse_signals << ", decreases " << out.stats.decreases
    << ", groups " << out.stats.groups << ", dropped " << out.dropped;
  return s.str();
}

bool holds(const Outcome& out, const Check& check) {
  std::vector<double> values;
  for (const Sample& s : out.samples) {
    if (s.t_s >= check.from_s && s.t_s <= check.to_s) {
      values.push_back(check.series == Series::Estimate ? s.estimate_bps : s.queue_delay_ms);
    }
  }
  if (values.empty()) {
    return false;
  }
  switch (check.rule) {
    case Rule::AllWithin:
      return std::all_of(values.begin(), values.end(),
                         [&](double v) { return v >= check.lo && v <= check.hi; });
    case Rule::MeanWithin: {
      double sum = 0;
      for (double v : values) {
        sum += v;
      }
      const double mean = sum / static_cast<double>(values.size());
      return mean >= check.lo && mean <= check.hi;
    }
    case Rule::SomeBelow:
      return std::any_of(values.begin(), values.end(), [&](double v) { return v < check.hi; });
    case Rule::SomeAbove:
      return std::any_of(values.begin(), values.end(), [&](double v) { return v > check.lo; });
  }
  return false;
}

}  // namespace

TEST_CASE("delay-based estimate follows a bottleneck link", "[congestion]") {
  // Shorthands: the estimate's mean within [0.6, 1.1] x C and every sample
  // within [0.5, 1.2] x C over a window; the queue's mean delay below a bound.
  const auto near = [](double from, double to, double capacity) {
    return std::vector<Check>{
        {Series::Estimate, Rule::MeanWithin, from, to, 0.6 * capacity, 1.1 * capacity},
        {Series::Estimate, Rule::AllWithin, from, to, 0.5 * capacity, 1.2 * capacity},
        {Series::QueueDelayMs, Rule::MeanWithin, from, to, 0, 50},
    };
  };
  const auto join = [](std::vector<Check> a, const std::vector<Check>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const auto below = [](double from, double to, double bps) {
    return Check{Series::Estimate, Rule::SomeBelow, from, to, 0, bps};
  };
  const auto above = [](double from, double to, double bps) {
    return Check{Series::Estimate, Rule::SomeAbove, from, to, bps, 0};
  };
  const auto all = [](double from, double to, double lo, double hi) {
    return Check{Series::Estimate, Rule::AllWithin, from, to, lo, hi};
  };
  constexpr double kMega = 1e6;
  const std::vector<LinkCase> cases = {
      // Converging from the 1 Mbit/s start, at 8%/s upwards, at once downwards.
      {"1 Mbit/s", {{0, 1'000'000}}, 20, SenderMode::Paced, 0, 2, 1, near(2, 20, 1 * kMega)},
      {"2 Mbit/s", {{0, 2'000'000}}, 20, SenderMode::Paced, 0, 2, 1, near(5, 20, 2 * kMega)},
      {"500 kbit/s", {{0, 500'000}}, 20, SenderMode::Paced, 0, 2, 1, near(3, 20, 0.5 * kMega)},
      {"1 Mbit/s, 10 ms jitter",
       {{0, 1'000'000}},
       20,
       SenderMode::Paced,
       0,
       10,
       2,
       near(2, 20, 1 * kMega)},
      {"5 Mbit/s: capped at 2.5 Mbit/s",
       {{0, 5'000'000}},
       20,
       SenderMode::Paced,
       0,
       2,
       1,
       {all(0, 20, 1 * kMega, 2.5 * kMega), above(10, 20, 2.4 * kMega)}},
      // The link shrinks: below 1.1 Mbit/s within 2 s, then tracks 1 Mbit/s.
      {"2 -> 1 Mbit/s",
       {{0, 2'000'000}, {20, 1'000'000}},
       30,
       SenderMode::Paced,
       0,
       2,
       1,
       join({below(20, 22, 1.1 * kMega)}, near(22, 30, 1 * kMega))},
      // ... and grows back: leaves the old congestion point within 10 s.
      {"2 -> 1 -> 2 Mbit/s",
       {{0, 2'000'000}, {15, 1'000'000}, {25, 2'000'000}},
       45,
       SenderMode::Paced,
       0,
       2,
       1,
       {below(15, 17, 1.1 * kMega), above(25, 35, 1.15 * kMega), above(25, 40, 1.5 * kMega),
        all(25, 45, 0.8 * kMega, 2.4 * kMega)}},
      // Video frames sent in bursts, grouped by their RTP capture time.
      {"1 Mbit/s, frame bursts",
       {{0, 1'000'000}},
       20,
       SenderMode::Frames,
       0,
       2,
       1,
       near(3, 20, 1 * kMega)},
      {"2 -> 1 Mbit/s, frame bursts",
       {{0, 2'000'000}, {20, 1'000'000}},
       30,
       SenderMode::Frames,
       0,
       2,
       1,
       join({below(20, 22, 1.1 * kMega)}, near(22, 30, 1 * kMega))},
      // One stream of several followed (a camera next to a screen): the
      // others' packets count in the throughput a decrease is measured on,
      // or the first cut would leave them no room.
      {"500 kbit/s, frame bursts, one packet of each on the followed stream",
       {{0, 500'000}},
       20,
       SenderMode::Frames,
       0,
       2,
       1,
       near(3, 20, 0.5 * kMega),
       -1,
       0.0},
      {"2 -> 1 Mbit/s, frame bursts, one packet of each on the followed stream",
       {{0, 2'000'000}, {20, 1'000'000}},
       30,
       SenderMode::Frames,
       0,
       2,
       1,
       join({below(20, 22, 1.1 * kMega)}, near(22, 30, 1 * kMega)),
       -1,
       0.0},
      // A sender that ignores REMB and floods the link is still seen at once.
      {"fixed 3 Mbit/s into 1 Mbit/s",
       {{0, 1'000'000}},
       5,
       SenderMode::Fixed,
       3'000'000,
       2,
       1,
       {below(0, 2, 0.9 * kMega)}},
      // Steady streams well under the capacity, with jitter: never an overuse,
      // so the estimate never drops (it may not rise past 1.5 x the stream).
      {"fixed 600 kbit/s, 15 ms jitter",
       {{0, 2'000'000}},
       60,
       SenderMode::Fixed,
       600'000,
       15,
       3,
       {all(0, 60, 0.99 * kMega, 1.01 * kMega)},
       0},
      {"fixed 1.2 Mbit/s, 10 ms jitter",
       {{0, 2'000'000}},
       60,
       SenderMode::Fixed,
       1'200'000,
       10,
       4,
       {all(0, 60, 0.99 * kMega, 1.9 * kMega), above(20, 60, 1.7 * kMega)},
       0},
  };
  for (const LinkCase& c : cases) {
    const Outcome out = simulate(c);
    INFO(c.name << "\n" << describe(out));
    for (const Check& check : c.checks) {
      INFO("check from " << check.from_s << " s to " << check.to_s << " s, [" << check.lo << ", "
                         << check.hi << "]");
      CHECK(holds(out, check));
    }
    if (c.max_overuse_signals >= 0) {
      CHECK(out.stats.overuse_signals <= static_cast<std::uint64_t>(c.max_overuse_signals));
    }
  }
}

}  // namespace parley::media
