#pragma once
// How many RED copies (RFC 2198, media/rtp/red_payload.h) a voice's loss
// calls for: one from kRedOn, two from kRedTwoOn, fewer again only below
// the lower figures (the gaps are the hysteresis: switching costs the
// receivers' delay, a frame per copy). The client's encoder follows it for
// the worst of its listeners (core/client/call/call_voice_loss.cpp). The
// server forwards each listener no more copies than its own loss needs
// (core/server/media/media_voice.cpp): by the lower figures only, so that
// a listener whose loss lies in a gap keeps what the talker sends for it.
//
// Smoothing: rise fast (a burst of loss must be covered soon), fall slowly
// (loss comes back).
//
// Plain functions; any thread.

#include <algorithm>

namespace parley::media {

inline constexpr double kRedOn = 0.08;
inline constexpr double kRedOff = 0.04;
inline constexpr double kRedTwoOn = 0.20;
inline constexpr double kRedTwoOff = 0.14;
inline constexpr int kMaxRedCopies = 2;

inline constexpr double kVoiceLossRiseWeight = 0.3;
inline constexpr double kVoiceLossFallWeight = 0.1;

// The smoothed loss after a report of `reported` (a fraction), `coverage`
// (0..1) saying how much a full report it was.
[[nodiscard]] inline double smoothVoiceLoss(double smoothed, double reported, double coverage) {
  const double weight = std::clamp(coverage, 0.0, 1.0) *
                        (reported > smoothed ? kVoiceLossRiseWeight : kVoiceLossFallWeight);
  return smoothed + (reported - smoothed) * weight;
}

// The copies for a smoothed `loss`, from the `current` number.
[[nodiscard]] inline int redCopiesFor(double loss, int current) {
  int copies = std::clamp(current, 0, kMaxRedCopies);
  if (loss >= kRedTwoOn) {
    copies = 2;
  } else if (copies == 2 && loss < kRedTwoOff) {
    copies = 1;
  }
  if (copies == 0 && loss >= kRedOn) {
    copies = 1;
  } else if (copies > 0 && loss < kRedOff) {
    copies = 0;
  }
  return copies;
}

// The most copies that help a receiver whose loss is `loss`: none below
// kRedOff, one below kRedTwoOff, else two.
[[nodiscard]] inline int redCopiesNeeded(double loss) {
  if (loss < kRedOff) {
    return 0;
  }
  return loss < kRedTwoOff ? 1 : kMaxRedCopies;
}

}  // namespace parley::media
