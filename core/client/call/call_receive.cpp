// The Call's incoming media: decrypted packets from either path go to the
// audio engine or the video receiver by payload type; RTCP carries the
// key-frame requests, NACKs and the bitrate estimates for what we send;
// retransmissions (RTX) are unwrapped in call_repair.cpp.

#include "core/client/call/call.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"
#include "media/rtp/rtx.h"

namespace parley::client {

void Call::onPlain(std::span<const std::byte> plain, bool rtcp, bool from_peer) {
  if (rtcp) {
    onRtcp(plain, from_peer);
    return;
  }
  auto rtp = media::parseRtp(plain);
  if (!rtp) {
    return;
  }
  if (media::mediaPayloadTypeForRtx(rtp->header.payload_type)) {
    (void)onRetransmission(plain);
    return;
  }
  // During a switch both paths deliver: play what came first.
  if (duplicates_.seen(rtp->header.ssrc, rtp->header.sequence)) {
    ++duplicates_dropped_;
    return;
  }
  const auto pt = rtp->header.payload_type;
  reception_.onPacket(clock_.now(), rtp->header.ssrc, rtp->header.sequence);
  if ((pt == audio_pt_ || pt == media::kRedPayloadType) && engine_) {
    received_bytes_[rtp->header.ssrc] += plain.size();
    countForEstimate(plain.size());
    (void)engine_->pushIncoming(plain, clock_.now());
  } else if ((pt == media::kVp8PayloadType || pt == media::kVp9PayloadType) && video_receiver_) {
    video_stream_bytes_[rtp->header.ssrc] += plain.size();
    feedEstimator(*rtp, plain.size());
    (void)video_receiver_->pushIncoming(plain);
  }
}

void Call::onRtcp(std::span<const std::byte> plain, bool from_peer) {
  auto compound = media::parseRtcp(plain);
  if (!compound) {
    return;
  }
  for (const auto& rr : compound->receiver_reports) {
    for (const auto& block : rr.report_blocks) {
      if (block.ssrc == offer_.audio_ssrc && offer_.audio_ssrc != 0) {
        onVoiceLossReport(block);
      }
    }
  }
  for (const auto& pli : compound->plis) {
    for (auto* sender : {camera_.get(), screen_.get()}) {
      if (sender != nullptr) {
        sender->requestKeyFrame(pli.media_ssrc);
      }
    }
  }
  for (const auto& nack : compound->nacks) {
    answerNack(nack);
  }
  for (const auto& remb : compound->rembs) {
    // The estimate that counts is the one of the path our media takes: the
    // server's on the server path, the peer's own on the peer path.
    if (from_peer != (route_ == Route::Peer)) {
      continue;
    }
    last_remb_ = clock_.now();
    // The server's estimate of what our uplink carries.
    applySendBudget(
        static_cast<std::int64_t>(std::min<std::uint64_t>(remb.bitrate_bps, INT64_MAX)));
    if (!video_paused_) {
      restart_wait_ = std::chrono::seconds(2);
    }
  }
}

void Call::sendKeyFrameRequest(std::uint32_t ssrc) {
  if (!transport_->ready()) {
    return;
  }
  std::vector<std::byte> rtcp;
  media::ReceiverReport rr;
  rr.ssrc = offer_.audio_ssrc;
  media::appendReceiverReport(rr, rtcp);
  media::appendPli(media::Pli{offer_.audio_ssrc, ssrc}, rtcp);
  sendMedia(rtcp, true, net::TrafficClass::Video);
}

}  // namespace parley::client
