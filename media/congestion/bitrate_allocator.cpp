#include "media/congestion/bitrate_allocator.h"

#include <algorithm>

namespace parley::media {
namespace {

struct Slot {
  std::int64_t* bps;  // into the result
  LayerLimits limits;
};

}  // namespace

BitrateAllocation allocateBitrate(std::int64_t total_bps, const AudioDemand& audio,
                                  std::span<const VideoSourceDemand> video) {
  BitrateAllocation result;
  result.video.resize(video.size());
  std::int64_t left = std::max<std::int64_t>(total_bps, 0);

  if (audio.active) {
    // Voice is never traded for video: below its floor we overshoot the
    // target rather than mute the speaker.
    result.audio_bps = std::max(std::min(audio.bps, left), audio.min_bps);
    left = std::max<std::int64_t>(left - result.audio_bps, 0);
  }

  // Priority order: by kind, then each source's low layer before its high one.
  std::vector<Slot> slots;
  slots.reserve(video.size() * 2);
  for (VideoSourceKind kind : {VideoSourceKind::Screen, VideoSourceKind::Camera}) {
    for (std::size_t i = 0; i < video.size(); ++i) {
      const VideoSourceDemand& demand = video[i];
      if (demand.kind != kind) {
        continue;
      }
      if (demand.simulcast) {
        slots.push_back({&result.video[i].low_bps, demand.low});
      }
      slots.push_back({&result.video[i].high_bps, demand.high});
    }
  }

  // Pass 1: minimums, strictly in order; the first that does not fit ends it.
  std::size_t served = 0;
  for (; served < slots.size(); ++served) {
    const LayerLimits& limits = slots[served].limits;
    if (limits.max_bps <= 0 || limits.min_bps > left) {
      break;
    }
    *slots[served].bps = limits.min_bps;
    left -= limits.min_bps;
  }
  // Pass 2: the rest tops up the served layers in the same order.
  for (std::size_t i = 0; i < served && left > 0; ++i) {
    const LayerLimits& limits = slots[i].limits;
    const std::int64_t extra =
        std::min(left, std::max<std::int64_t>(limits.max_bps - *slots[i].bps, 0));
    *slots[i].bps += extra;
    left -= extra;
  }
  result.unused_bps = left;
  return result;
}

}  // namespace parley::media
