#include "core/server/media/video_forwarding.h"

#include <algorithm>

namespace parley::server {
namespace {

// A layer "fits" with some headroom: rates fluctuate (key frames), and a
// budget exceeded by a whisker means queueing delay for everything.
constexpr double kHeadroom = 1.15;

bool fits(std::uint64_t rate, std::uint64_t left) {
  return static_cast<double>(rate) * kHeadroom <= static_cast<double>(left);
}

}  // namespace

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
    std::uint64_t budget_bps, const std::vector<VideoSourceRates>& sources, Clock::TimePoint now,
    std::uint64_t screen_floor_bps) {
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
    // A source planned for the first time is usually planned on its very
    // first packet, the start of its first key frame: onPacket switches to
    // it there and asks for a key frame only when that is not one. Asking
    // here would cost the sender a second key frame a second later (the
    // sender spaces them), which on a 1080p screen stalls its encoder.
    const bool first_plan = !sources_.contains(s->high_ssrc);
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
    auto keeps = [&](VideoLayer layer, std::uint64_t rate) {
      return state.target == layer ? rate <= left : fits(rate, left);
    };
    VideoLayer target = VideoLayer::None;
    if (high_bps > 0 && keeps(VideoLayer::High, high_bps)) {
      target = VideoLayer::High;
      left -= high_bps;
    } else if (low_bps > 0 && keeps(VideoLayer::Low, low_bps)) {
      target = VideoLayer::Low;
      left -= low_bps;
    } else if (high_bps == 0 && low_bps == 0) {
      target = state.target;  // nothing measured yet: keep what we had
    } else if (s->screen && low_bps > 0 && low_bps <= screen_floor_bps) {
      target = VideoLayer::Low;
      left = 0;  // past the budget already: nothing else fits
    }
    if (s->screen) {
      const auto taken = target == VideoLayer::High  ? high_bps
                         : target == VideoLayer::Low ? low_bps
                                                     : 0;
      screen_floor_bps -= std::min(screen_floor_bps, taken);
    }
    if (target != state.target) {
      state.target = target;
      if (target != VideoLayer::None && target != state.current && !first_plan) {
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
