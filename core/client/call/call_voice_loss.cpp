// Voice under loss (docs/media.md): the server reports how much of our
// voice is lost, on its way in and at the worst of its listeners, in
// receiver report blocks on our audio SSRC. Smoothed, that loss becomes the
// Opus encoder's expected loss (its in-band FEC grows with it), and above a
// threshold every packet also carries copies of the one or two frames
// before it (RED, RFC 2198), as browsers do for Opus.

#include <algorithm>
#include <cmath>

#include "core/client/call/call.h"

namespace parley::client {
namespace {

// Rise fast (a burst of loss must be covered soon), fall slowly (loss comes
// back, and switching RED on and off costs the receivers' delay). A report
// weighs by the packets it covers, full weight from kFullWeightPackets: one
// loss among a few DTX keep-alives says little.
constexpr double kRiseWeight = 0.3;
constexpr double kFallWeight = 0.1;
constexpr double kFullWeightPackets = 25;
// RED with one copy from this loss, off again below the lower figure; two
// copies likewise. The gaps are the hysteresis.
constexpr double kRedOn = 0.08;
constexpr double kRedOff = 0.04;
constexpr double kRedTwoOn = 0.20;
constexpr double kRedTwoOff = 0.14;

}  // namespace

void Call::onVoiceLossReport(const media::ReportBlock& block) {
  const double loss = block.fraction_lost / 256.0;
  // Packets since the previous report, from its highest sequence number; a
  // first report, or a jump (a new leg), counts as a full one.
  double packets = kFullWeightPackets;
  const std::uint32_t covered = block.extended_highest_seq - voice_highest_seq_;
  if (voice_loss_heard_ && covered < 1000) {
    packets = covered;
  }
  voice_loss_heard_ = true;
  voice_highest_seq_ = block.extended_highest_seq;
  const double weight = std::min(packets / kFullWeightPackets, 1.0) *
                        (loss > voice_loss_ ? kRiseWeight : kFallWeight);
  voice_loss_ += (loss - voice_loss_) * weight;
  if (!engine_) {
    return;
  }
  const int percent = std::clamp(static_cast<int>(std::lround(voice_loss_ * 100.0)), 0, 100);
  if (percent != expected_loss_sent_) {
    expected_loss_sent_ = percent;
    engine_->setExpectedLoss(percent);
  }
  int depth = redundancy_;
  if (voice_loss_ >= kRedTwoOn) {
    depth = 2;
  } else if (depth == 2 && voice_loss_ < kRedTwoOff) {
    depth = 1;
  }
  if (depth == 0 && voice_loss_ >= kRedOn) {
    depth = 1;
  } else if (depth > 0 && voice_loss_ < kRedOff) {
    depth = 0;
  }
  if (!config_.audio_red) {
    depth = 0;
  }
  if (depth != redundancy_) {
    redundancy_ = depth;
    engine_->setRedundancy(depth);
  }
}

}  // namespace parley::client
