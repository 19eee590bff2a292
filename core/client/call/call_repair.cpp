// The Call's share of video repair (docs/media.md, "Retransmission"): what
// our video senders sent is kept briefly (PacketHistory per SSRC) and sent
// again on RTX when a NACK names it; what we receive on RTX is unwrapped for
// the video receiver, whose NACKs go out from here. All on the call strand.

#include <asio/post.hpp>

#include "core/client/call/call.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"
#include "media/rtp/rtx.h"

namespace parley::client {

void Call::rememberSentVideo(std::span<const std::byte> rtp) {
  if (rtp.size() < media::kRtpFixedHeaderSize) {
    return;
  }
  // Our own packetizer's output: the header fields are where RFC 3550 puts them.
  const auto sequence = static_cast<std::uint16_t>((static_cast<std::uint16_t>(rtp[2]) << 8) |
                                                   static_cast<std::uint16_t>(rtp[3]));
  const std::uint32_t ssrc =
      (static_cast<std::uint32_t>(rtp[8]) << 24) | (static_cast<std::uint32_t>(rtp[9]) << 16) |
      (static_cast<std::uint32_t>(rtp[10]) << 8) | static_cast<std::uint32_t>(rtp[11]);
  auto& history = sent_video_[ssrc];
  if (!history) {
    history = std::make_unique<media::PacketHistory>();
  }
  history->store(sequence, rtp, clock_.now());
}

void Call::answerNack(const media::Nack& nack) {
  auto history = sent_video_.find(nack.media_ssrc);
  if (history == sent_video_.end()) {
    return;  // not a stream of ours (or long gone)
  }
  ++repair_.nacks_received;
  const auto now = clock_.now();
  auto& rtx_sequence = rtx_sequences_[nack.media_ssrc];
  for (const auto sequence : nack.lost_sequences) {
    auto packet = history->second->find(sequence, now);
    if (!packet) {
      ++repair_.not_in_history;
      continue;
    }
    std::vector<std::byte> rtx;
    if (!media::wrapRtx(*packet, media::rtxSsrcFor(nack.media_ssrc), rtx_sequence, rtx)) {
      continue;
    }
    ++rtx_sequence;
    ++repair_.retransmitted;
    repair_.retransmitted_bytes += rtx.size();
    sendMedia(rtx, false, net::TrafficClass::Video);
  }
}

bool Call::onRetransmission(std::span<const std::byte> rtx) {
  std::vector<std::byte> original;
  auto unwrapped = media::unwrapRtx(rtx, original);
  if (!unwrapped) {
    ++repair_.rtx_malformed;
    return false;
  }
  ++repair_.rtx_received;
  repair_.rtx_received_bytes += rtx.size();
  countForEstimate(rtx.size());
  // The original may have come after all, or on the other path.
  if (duplicates_.seen(unwrapped->media_ssrc, unwrapped->original_sequence)) {
    ++repair_.rtx_duplicates;
    return true;
  }
  if (video_receiver_) {
    video_stream_bytes_[unwrapped->media_ssrc] += original.size();
    (void)video_receiver_->pushIncoming(original, true);
  }
  return true;
}

void Call::sendNack(std::uint32_t ssrc, const std::vector<std::uint16_t>& sequences) {
  if (!transport_->ready() || sequences.empty()) {
    return;
  }
  std::vector<std::byte> rtcp;
  media::ReceiverReport rr;
  rr.ssrc = offer_.audio_ssrc;
  media::appendReceiverReport(rr, rtcp);
  // Sparse loss costs one 4-byte PID/BLP item per sequence number: this
  // many keep the compound within one packet. The rest are asked for at the
  // next retry.
  constexpr std::size_t kMaxPerNack = 256;
  media::Nack nack{offer_.audio_ssrc, ssrc, {}};
  nack.lost_sequences.assign(sequences.begin(),
                             sequences.begin() + static_cast<std::ptrdiff_t>(
                                                     std::min(sequences.size(), kMaxPerNack)));
  media::appendNack(nack, rtcp);
  ++repair_.nacks_sent;
  sendMedia(rtcp, true, net::TrafficClass::Video);
}

}  // namespace parley::client
