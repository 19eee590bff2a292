#pragma once
// allocateBitrate: splits one client's total send target (from
// LossBasedController) among its outgoing streams by strict priority. A pure
// function of its arguments: the caller (the client's media send path) calls
// it whenever the target or the set of streams changes, on its own thread,
// and applies the result to the encoders.
//
//   total --> audio (its need; never below the Opus floor, even past total)
//         --> screen: low layer min, high layer min     } each layer in this
//         --> camera: low layer min, high layer min     } order gets its min
//         --> then the same order again, each up to its max
//
// Layers are served in that order. The first layer whose minimum no longer
// fits is paused (0 bit/s), and so is every layer after it: a trickle below
// the minimum makes unusable video, and a lower-priority stream must not live
// on budget a higher one needed. A source without simulcast has one layer,
// described by `high`.

#include <cstdint>
#include <span>
#include <vector>

namespace parley::media {

struct LayerLimits {
  std::int64_t min_bps = 0;
  std::int64_t max_bps = 0;
};

// Each layer's share of the 2.5 Mbit/s budget (docs/media.md, "Bandwidth"),
// sized for a 1080p screen at up to 15 fps, a 640x360 camera and a
// thumbnail-sized low layer.
inline constexpr LayerLimits kScreenLayerLimits{150'000, 1'500'000};
inline constexpr LayerLimits kCameraLayerLimits{100'000, 880'000};
inline constexpr LayerLimits kLowLayerLimits{100'000, 250'000};

enum class VideoSourceKind { Screen, Camera };  // in priority order

struct AudioDemand {
  bool active = true;
  // Opus at about 24 kbit/s with IP/UDP/RTP/SRTP overhead, on average with DTX.
  std::int64_t bps = 32'000;
  // Opus at 6 kbit/s plus packet overhead: the least that still carries speech.
  std::int64_t min_bps = 16'000;
};

struct VideoSourceDemand {
  VideoSourceKind kind = VideoSourceKind::Camera;
  bool simulcast = true;
  LayerLimits high = kCameraLayerLimits;
  LayerLimits low = kLowLayerLimits;  // ignored without simulcast
};

struct VideoSourceAllocation {
  std::int64_t low_bps = 0;   // 0 without simulcast
  std::int64_t high_bps = 0;  // the single layer without simulcast
  [[nodiscard]] bool paused() const { return low_bps == 0 && high_bps == 0; }
};

struct BitrateAllocation {
  std::int64_t audio_bps = 0;
  std::vector<VideoSourceAllocation> video;  // same order as the demands
  std::int64_t unused_bps = 0;               // left after every layer reached its max
};

// Splits `total_bps` (negative counts as 0). Sources of one kind keep their
// order among themselves. The sum of the result never exceeds
// max(total_bps, audio's minimum).
[[nodiscard]] BitrateAllocation allocateBitrate(std::int64_t total_bps, const AudioDemand& audio,
                                                std::span<const VideoSourceDemand> video);

}  // namespace parley::media
