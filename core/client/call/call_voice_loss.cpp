// Voice under loss (docs/media.md): the server reports how much of our
// voice is lost, on its way in and at the worst of its listeners, in
// receiver report blocks on our audio SSRC. Smoothed, that loss becomes the
// Opus encoder's expected loss (its in-band FEC grows with it), and above a
// threshold every packet also carries copies of the one or two frames
// before it (RED, RFC 2198), as browsers do for Opus.

#include <algorithm>
#include <cmath>

#include "core/client/call/call.h"
#include "media/rtp/red_policy.h"

namespace parley::client {
namespace {

// A report weighs by the packets it covers, full weight from
// kFullWeightPackets: one loss among a few DTX keep-alives says little.
constexpr double kFullWeightPackets = 25;

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
  voice_loss_ = media::smoothVoiceLoss(voice_loss_, loss, packets / kFullWeightPackets);
  if (!engine_) {
    return;
  }
  const int percent = std::clamp(static_cast<int>(std::lround(voice_loss_ * 100.0)), 0, 100);
  if (percent != expected_loss_sent_) {
    expected_loss_sent_ = percent;
    engine_->setExpectedLoss(percent);
  }
  const int depth = config_.audio_red ? media::redCopiesFor(voice_loss_, redundancy_) : 0;
  if (depth != redundancy_) {
    redundancy_ = depth;
    engine_->setRedundancy(depth);
  }
}

}  // namespace parley::client
