#include "core/server/video_forwarding.h"

#include <algorithm>
#include <cstdint>

namespace parley::server {
namespace {

// A layer "fits" with some headroom: rates fluctuate (key frames), and a
// budget exceeded by a whisker means queueing delay for everything.
constexpr double kHeadroom = 1.15;

bool fits(std::uint64_t rate, std::uint64_t left) {
  return static_cast<double>(rate) * kHeadroom <= static_cast<double>(left);
}

}  // namespace

namespace {

media::LossBasedControllerConfig budgetConfig(std::uint64_t start_bps) {
  media::LossBasedControllerConfig config;
  config.start_bps = static_cast<std::int64_t>(start_bps);
  // The receiver's REMB is the cap; without one, what the router allows.
  config.max_bps = std::max<std::int64_t>(config.start_bps, config.max_bps);
  return config;
}

}  // namespace

ReceiverBudget::ReceiverBudget(std::uint64_t start_bps) : controller_(budgetConfig(start_bps)) {}

void ReceiverBudget::onReportBlocks(Clock::TimePoint now,
                                    const std::vector<media::ReportBlock>& blocks,
                                    std::uint64_t forwarded_bps) {
  std::int64_t expected = 0;
  double lost = 0;
  for (const auto& block : blocks) {
    auto [it, first] = last_highest_seq_.try_emplace(block.ssrc, block.extended_highest_seq);
    const auto delta = static_cast<std::int64_t>(block.extended_highest_seq) -
                       static_cast<std::int64_t>(it->second);
    it->second = block.extended_highest_seq;
    // A first block, or one of a stream the receiver started over (a
    // resumed layer), has no interval the fraction can be weighted by.
    if (first || delta <= 0 || delta > 0x8000) {
      continue;
    }
    expected += delta;
    lost += static_cast<double>(delta) * block.fraction_lost / 256.0;
  }
  if (expected < kMinPacketsPerReport) {
    return;
  }
  last_loss_ = lost / static_cast<double>(expected);
  const double reach = kThroughputFactor * static_cast<double>(forwarded_bps) + kThroughputSlackBps;
  if (last_loss_ < 0.02 && static_cast<double>(controller_.targetBps()) >= reach) {
    return;  // no increase without the traffic to test it
  }
  controller_.onReceiverReport(now, static_cast<std::uint8_t>(
                                        std::clamp(last_loss_ * 256.0, 0.0, 255.0)));
}

void ReceiverBudget::onRemb(std::uint64_t bps) {
  controller_.onRemb(static_cast<std::int64_t>(std::min<std::uint64_t>(bps, INT64_MAX)));
}

std::uint64_t ReceiverBudget::bps() const {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(controller_.targetBps(), 0));
}

const char* videoLayerName(VideoLayer layer) {
  switch (layer) {
    case VideoLayer::None:
      return "none";
    case VideoLayer::Low:
      return "low";
    case VideoLayer::High:
      return "high";
  }
  return "none";
}

ReceiverVideoForwarding::Source& ReceiverVideoForwarding::sourceFor(std::uint32_t high_ssrc,
                                                                    std::uint32_t low_ssrc) {
  auto& source = sources_[high_ssrc];
  source.low_ssrc = low_ssrc;
  return source;
}

std::vector<std::uint32_t> ReceiverVideoForwarding::plan(
    std::uint64_t budget_bps, const std::vector<VideoSourceRates>& sources, Clock::TimePoint now) {
  // Screens first: a shared screen is what everyone is looking at.
  std::vector<const VideoSourceRates*> order;
  order.reserve(sources.size());
  for (const auto& s : sources) {
    order.push_back(&s);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->screen && !b->screen; });
  std::vector<std::uint32_t> requests;
  std::uint64_t left = budget_bps;
  for (const auto* s : order) {
    Source& state = sourceFor(s->high_ssrc, s->low_ssrc);
    // Smoothed over a few plans: a key frame is a second's worth of bits in
    // one burst, and must not read as a stream that no longer fits.
    auto smooth = [](double& avg, std::uint64_t now_bps) {
      avg =
          avg == 0 ? static_cast<double>(now_bps) : 0.6 * avg + 0.4 * static_cast<double>(now_bps);
      return static_cast<std::uint64_t>(avg);
    };
    const auto high_bps = smooth(state.high_avg, s->high_bps);
    const auto low_bps = smooth(state.low_avg, s->low_bps);
    // Hysteresis: a layer we already forward stays while it fits at all; one
    // we would switch up to must fit with headroom.
    auto keeps = [&](VideoLayer layer, std::uint64_t rate, std::uint64_t key_bits) {
      const double burst_s = std::chrono::duration<double>(kMaxKeyFrameBurst).count();
      if (static_cast<double>(key_bits) > burst_s * static_cast<double>(budget_bps)) {
        return false;
      }
      return state.target == layer ? rate <= left : fits(rate, left);
    };
    VideoLayer target = VideoLayer::None;
    if (high_bps > 0 && keeps(VideoLayer::High, high_bps, s->high_key_bits)) {
      target = VideoLayer::High;
      left -= high_bps;
    } else if (low_bps > 0 && keeps(VideoLayer::Low, low_bps, s->low_key_bits)) {
      target = VideoLayer::Low;
      left -= low_bps;
    } else if (high_bps == 0 && low_bps == 0) {
      target = state.target;  // nothing measured yet: keep what we had
    }
    if (target != state.target) {
      state.target = target;
      if (target != VideoLayer::None && target != state.current) {
        state.last_request = now;
        requests.push_back(target == VideoLayer::High ? s->high_ssrc : s->low_ssrc);
      }
    }
  }
  return requests;
}

ReceiverVideoForwarding::Decision ReceiverVideoForwarding::onPacket(std::uint32_t high_ssrc,
                                                                    std::uint32_t low_ssrc,
                                                                    std::uint32_t ssrc,
                                                                    bool key_frame_start,
                                                                    Clock::TimePoint now) {
  Source& state = sourceFor(high_ssrc, low_ssrc);
  const VideoLayer layer = ssrc == high_ssrc ? VideoLayer::High : VideoLayer::Low;
  Decision decision;
  if (state.target == VideoLayer::None) {
    state.current = VideoLayer::None;  // stop at once: the receiver has no room
    return decision;
  }
  if (state.current != state.target && layer == state.target && key_frame_start) {
    state.current = state.target;  // the switch: this key frame starts the new layer
  }
  decision.forward = layer == state.current;
  if (state.current != state.target && now - state.last_request >= kKeyFrameRequestInterval) {
    state.last_request = now;
    decision.request_key_frame = state.target == VideoLayer::High ? high_ssrc : low_ssrc;
  }
  return decision;
}

VideoLayer ReceiverVideoForwarding::currentLayer(std::uint32_t high_ssrc) const {
  auto it = sources_.find(high_ssrc);
  return it == sources_.end() ? VideoLayer::None : it->second.current;
}

VideoLayer ReceiverVideoForwarding::targetLayer(std::uint32_t high_ssrc) const {
  auto it = sources_.find(high_ssrc);
  return it == sources_.end() ? VideoLayer::None : it->second.target;
}

}  // namespace parley::server
