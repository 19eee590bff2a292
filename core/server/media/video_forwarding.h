#pragma once
// ReceiverVideoForwarding: for one receiver, which simulcast layer of each
// video source it gets, so a slow receiver gets the small layer (or none)
// while everyone else keeps the full one. The sender always sends both
// layers; nothing is transcoded and nobody else is slowed.
//
//   plan(budget, rates)   every ~500 ms: screens first, then cameras: the
//                         full layer if it fits in what is left of the
//                         budget, else the small one, else nothing (audio
//                         was taken out of the budget before); a screen's
//                         small layer also while it fits in the floor.
//   onPacket(...)         per video packet: forward only the current layer;
//                         a change of layer waits for a key frame of the new
//                         one (asked for at once, at most every 500 ms), so
//                         the receiver never gets a frame it cannot decode.
//
// Value type owned by the receiver's media leg, on the media strand; time
// injected. Pure logic, no I/O (unit-tested in tests/core/server).

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/base/clock.h"

namespace parley::server {

enum class VideoLayer : std::uint8_t { None, Low, High };
const char* videoLayerName(VideoLayer layer);

struct VideoSourceRates {
  std::uint32_t high_ssrc = 0;  // identifies the source
  std::uint32_t low_ssrc = 0;
  bool screen = false;
  std::uint64_t high_bps = 0;  // measured arrival rates of each layer
  std::uint64_t low_bps = 0;
};

class ReceiverVideoForwarding {
 public:
  struct Decision {
    bool forward = false;
    // Ask the sender for a key frame on this SSRC (a layer switch waits on it).
    std::optional<std::uint32_t> request_key_frame;
  };

  // New targets from the receiver's video budget (bit/s). Returns the SSRCs
  // to ask for a key frame (layers newly wanted).
  //
  // `screen_floor_bps`: what the receiver's own delay-based estimate leaves
  // for video, when that is more than the budget (which loss lowers too). A
  // screen's small layer is kept, or started, while it fits in the floor
  // even when the budget has no room for it: on a thin link with a short
  // queue the loss comes in bursts, from key frames; retransmission repairs
  // those, and every pause of the screen costs another key frame when it
  // resumes, the biggest burst of all (seen behind a 600 kbit/s tbf: the
  // loss-based budget fell to 100-240 kbit/s while the link carried 450,
  // and the screen stopped for good). The same choice as Jitsi's bridge,
  // which sends the on-stage participant's lowest layer past its estimate.
  // Cameras get no floor: they go first when the link is short.
  std::vector<std::uint32_t> plan(std::uint64_t budget_bps,
                                  const std::vector<VideoSourceRates>& sources,
                                  Clock::TimePoint now, std::uint64_t screen_floor_bps = 0);

  // One packet of layer `ssrc` of source `high_ssrc`; `key_frame_start`: the
  // first packet of a key frame.
  Decision onPacket(std::uint32_t high_ssrc, std::uint32_t low_ssrc, std::uint32_t ssrc,
                    bool key_frame_start, Clock::TimePoint now);

  void forgetSource(std::uint32_t high_ssrc) { sources_.erase(high_ssrc); }
  [[nodiscard]] VideoLayer currentLayer(std::uint32_t high_ssrc) const;
  [[nodiscard]] VideoLayer targetLayer(std::uint32_t high_ssrc) const;

  static constexpr std::chrono::milliseconds kKeyFrameRequestInterval{500};

 private:
  struct Source {
    // Until the first plan, a new source starts on the small layer: cheap to
    // start, and the plan moves it up within half a second when it fits.
    VideoLayer current = VideoLayer::None;
    VideoLayer target = VideoLayer::Low;
    std::uint32_t low_ssrc = 0;
    Clock::TimePoint last_request{};
    double high_avg = 0;  // smoothed layer rates, bit/s
    double low_avg = 0;
  };
  Source& sourceFor(std::uint32_t high_ssrc, std::uint32_t low_ssrc);

  std::unordered_map<std::uint32_t, Source> sources_;
};

}  // namespace parley::server
