// The Call's rates, both ways: how much video we send (the budget the REMB
// of our media's path allows, split between camera and screen), and what we
// tell the server about what reaches us (receiver reports with loss, REMB
// from the delay-based estimate of our downlink), every 250 ms.

#include "core/client/call/call.h"
#include "media/congestion/bitrate_allocator.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"

namespace parley::client {

void Call::applySendBudget(std::int64_t bps) {
  send_budget_bps_ = std::min(bps, config_.max_send_bps);
  std::vector<media::VideoSourceDemand> demands;
  std::vector<media::VideoSender*> senders;
  if (screen_) {
    media::VideoSourceDemand d;
    d.kind = media::VideoSourceKind::Screen;
    d.high = media::kScreenLayerLimits;
    demands.push_back(d);
    senders.push_back(screen_.get());
  }
  if (camera_) {
    demands.push_back(media::VideoSourceDemand{});
    senders.push_back(camera_.get());
  }
  if (senders.empty()) {
    return;
  }
  const auto allocation = media::allocateBitrate(send_budget_bps_, media::AudioDemand{}, demands);
  video_paused_ = true;
  for (std::size_t i = 0; i < senders.size(); ++i) {
    senders[i]->setBitrates(static_cast<int>(allocation.video[i].high_bps / 1000),
                            static_cast<int>(allocation.video[i].low_bps / 1000));
    video_paused_ = video_paused_ && allocation.video[i].paused();
  }
  // Demands are in priority order: the first one's first layer restarts first.
  const auto& first = demands.front();
  unpause_bps_ =
      media::AudioDemand{}.bps + (first.simulcast ? first.low.min_bps : first.high.min_bps);
}

void Call::restartPausedVideo(Clock::TimePoint now) {
  // A budget that paused every video layer leaves the server's estimate of
  // our uplink without the video packets it measures, so no REMB would ever
  // raise it again: seen under CPU starvation, where one encode stall cut
  // the budget to 72 kbit/s and video stayed off for good. After a quiet
  // while without a REMB, the first layer restarts at its minimum: a probe
  // that the server's estimate then confirms or cuts again. On an uplink that
  // really is that thin each probe costs a burst, so the wait doubles (2 s
  // to 32 s) until a REMB lets video run again.
  constexpr auto kLongestWait = std::chrono::seconds(32);
  if (!video_paused_ || send_budget_bps_ <= 0 || now - last_remb_ < restart_wait_) {
    return;
  }
  last_remb_ = now;
  restart_wait_ = std::min<Clock::Duration>(restart_wait_ * 2, kLongestWait);
  applySendBudget(std::max(send_budget_bps_ * 3 / 2, unpause_bps_));
}

void Call::countForEstimate(std::size_t size) {
  if (estimator_ssrc_ != 0) {
    estimator_.onOtherPacket(clock_.now(), size);
  }
}

void Call::feedEstimator(const media::RtpPacketView& rtp, std::size_t size) {
  if (rtp.header.ssrc != estimator_ssrc_) {
    countForEstimate(size);
    return;
  }
  // 90 kHz RTP time unwrapped to microseconds on the sender's clock.
  if (!estimator_has_ts_) {
    estimator_has_ts_ = true;
    estimator_last_ts_ = rtp.header.timestamp;
  }
  estimator_ts_ += static_cast<std::int32_t>(rtp.header.timestamp - estimator_last_ts_);
  estimator_last_ts_ = rtp.header.timestamp;
  estimator_.onPacket(clock_.now(), estimator_ts_ * 1000 / 90, size);
}

void Call::armFeedbackTimer() {
  if (!feedback_timer_) {
    feedback_timer_ = std::make_unique<asio::steady_timer>(strand_);
  }
  feedback_timer_->expires_after(std::chrono::milliseconds(250));
  feedback_timer_->async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const asio::error_code& ec) {
        auto still = alive.lock();
        if (ec || !still || !*still) {
          return;
        }
        sendFeedback();
        restartPausedVideo(clock_.now());
        armFeedbackTimer();
      });
}

void Call::sendFeedback() {
  const auto now = clock_.now();
  // The video receiver waits about a round trip for each retransmission.
  if (video_receiver_) {
    const auto rtt =
        route_ == Route::Peer && peer_ ? peer_->roundTrip() : transport_->udpRoundTrip();
    if (rtt) {
      video_receiver_->setRoundTrip(*rtt);
    }
  }
  // What arrived of each video stream over the last second picks the one
  // whose timestamps drive the delay-based estimate of our downlink.
  constexpr std::size_t kRateTicks = 4;  // feedback ticks of 250 ms
  video_stream_history_.push_back(video_stream_bytes_);
  if (video_stream_history_.size() > kRateTicks + 1) {
    video_stream_history_.pop_front();
  }
  std::vector<media::StreamRate> rates;
  const auto& oldest = video_stream_history_.front();
  const auto ticks = static_cast<std::int64_t>(video_stream_history_.size() - 1);
  for (const auto& [ssrc, bytes] : video_stream_bytes_) {
    const auto then = oldest.find(ssrc);
    const auto recent = bytes - (then == oldest.end() ? 0 : then->second);
    const auto bits = static_cast<std::int64_t>(recent) * 8;
    rates.push_back({ssrc, ticks == 0 ? 0 : bits * 4 / ticks});  // ticks are quarter seconds
  }
  const auto followed = followed_stream_.choose(rates, now);
  if (followed != 0 && followed != estimator_ssrc_) {
    media::DelayBasedEstimatorConfig config;
    // A receiver assumes its downlink takes the whole budget until the delay
    // signal says otherwise (then the estimate falls within a second): the
    // server caps what it forwards by this, so a low start would show
    // everyone the small layer for the first seconds of every call.
    config.start_bps = estimator_ssrc_ == 0
                           ? config.max_bps
                           : std::max<std::int64_t>(estimator_.estimateBps(now), config.min_bps);
    estimator_ = media::DelayBasedEstimator(config);
    estimator_ssrc_ = followed;
    estimator_has_ts_ = false;
    estimator_ts_ = 0;
  }
  if (!transport_->ready()) {
    return;
  }
  // Loss goes out every kReportInterval whatever the delay estimate does; a
  // REMB rides along when the estimator has one due (and brings the report
  // forward: its decreases must not wait).
  constexpr auto kReportInterval = std::chrono::milliseconds(500);
  const bool remb_due = estimator_ssrc_ != 0 && estimator_.shouldSendRemb(now);
  if (!remb_due && now - last_report_ < kReportInterval) {
    return;
  }
  media::ReceiverReport rr;
  rr.ssrc = offer_.audio_ssrc;
  rr.report_blocks = reception_.reportBlocks(now);
  if (!remb_due && rr.report_blocks.empty()) {
    return;
  }
  last_report_ = now;
  std::vector<std::byte> rtcp;
  media::appendReceiverReport(rr, rtcp);
  if (remb_due) {
    media::Remb remb;
    remb.sender_ssrc = offer_.audio_ssrc;
    remb.bitrate_bps = static_cast<std::uint64_t>(estimator_.estimateBps(now));
    remb.ssrcs = {estimator_ssrc_};
    media::appendRemb(remb, rtcp);
  }
  sendMedia(rtcp, true, net::TrafficClass::Video);
}

}  // namespace parley::client
