#pragma once
// RepairShare: how much of one receiver's link the server's answers to its
// NACKs take, next to the video forwarded to it, so the layer plan keeps
// that much free. Retransmissions go down the same link as the video they
// repair: a receiver at 5 % loss is sent 5-10 % more than its layers, and a
// plan that spends the whole budget on layers leaves the repair to
// overshoot it (queueing delay, more loss, more repair).
//
// The share is repair bytes over forwarded video bytes, both over the last
// second, smoothed from plan to plan. It follows the loss, not the layers (a
// smaller layer needs proportionally less repair), so taking it out of the
// budget does not make the plan flap between layers; smoothing keeps one
// burst of NACKs (a key frame lost) from moving the plan at once. It never
// exceeds the repair budget's own share (kRepairShare in
// media_router_leg.h), which caps what may be sent again anyway.
//
// What a sender sends again because the server asked it is not counted: it
// replaces a packet the receiver never got and is in the layer's rate
// already. Value type owned by the receiver's media leg, on the media
// strand; time injected.

#include <cstddef>
#include <cstdint>

#include "core/base/clock.h"
#include "core/server/media/rate_meter.h"

namespace parley::server {

class RepairShare {
 public:
  // Weight of each plan's new measurement (plans are 500 ms apart: about
  // two seconds to follow a change of loss).
  static constexpr double kSmoothing = 0.25;

  // `max_share`: the most repair may take, as a fraction of the video.
  explicit RepairShare(double max_share) : max_share_(max_share) {}

  void onVideo(std::size_t bytes, Clock::TimePoint now) { video_.add(bytes, now); }
  void onRepair(std::size_t bytes, Clock::TimePoint now) { repair_.add(bytes, now); }

  // Once per plan: what of `budget_bps` (what the receiver can take for
  // video and its repair) the layers may use.
  std::uint64_t videoBudget(std::uint64_t budget_bps, Clock::TimePoint now);

  // The smoothed share (repair over video), for tests and logs.
  [[nodiscard]] double share() const { return share_; }

 private:
  double max_share_;
  RateMeter video_;
  RateMeter repair_;
  double share_ = 0;
};

}  // namespace parley::server
