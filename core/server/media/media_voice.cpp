// MediaRouter's voice (media_router.h): which voices go on (the room's
// loudest few, SpeakerSelection), renumbered over what was held back, with
// the RED copies each listener's own loss needs (red_trim.h, red_policy.h);
// and the loss a talker's listeners report, which goes back to the talker
// as a receiver report so its encoder's FEC and redundancy follow it.

#include <algorithm>

#include "core/server/media/media_router.h"
#include "core/server/media/media_router_leg.h"
#include "core/server/media/red_trim.h"
#include "media/rtp/audio_level.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/red_payload.h"
#include "media/rtp/red_policy.h"
#include "media/rtp/rtcp_packet.h"

namespace parley::server {
using namespace router_detail;  // NOLINT(google-build-using-namespace): part of the router

namespace {

// A talker hears how its voice fares this often at most (RFC 3550 would
// allow less; the encoder needs a few reports to react within a second).
constexpr auto kVoiceReportInterval = std::chrono::milliseconds(500);
// ... and only once it covers this many packets: a fraction of three DTX
// keep-alives, one of them lost, is 33 % and means nothing.
constexpr std::uint32_t kVoiceReportPackets = 20;
// A listener's report of loss counts this long: listeners report every
// 500 ms, so the worst of the last round or two.
constexpr auto kListenerLossHold = std::chrono::milliseconds(1200);

}  // namespace

void MediaRouter::forwardVoice(Leg& from, std::span<const std::byte> plain,
                               const media::RtpPacketView& rtp, Clock::TimePoint now) {
  // Plain Opus and RED (its redundant copies) alike: one stream.
  from.voice_in.onPacket(now, rtp.header.sequence);
  if (now - from.voice_reported >= kVoiceReportInterval &&
      (from.voice_in.expectedSinceReport() >= kVoiceReportPackets ||
       from.voice_reported == Clock::TimePoint{})) {
    reportVoiceLoss(from, now);
  }
  auto room = rooms_.find(from.info.room);
  if (room == rooms_.end()) {
    return;
  }
  // Only the room's loudest few voices go on (a malformed or missing level
  // counts as loud enough: findAudioLevel gives nothing).
  if (auto speakers = speakers_.find(from.info.room);
      speakers != speakers_.end() &&
      !speakers->second.onPacket(from.info.participant_id, media::findAudioLevel(rtp.header),
                                 now)) {
    ++counters_.audio_not_selected;
    ++from.audio_held_back;
    from.audio_last_held = rtp.header.sequence;
    return;
  }
  const auto sequence = static_cast<std::uint16_t>(rtp.header.sequence - from.audio_held_back);
  // RED copies: just after a held-back stretch, those of the packets before
  // it would be filed under the renumbered sequence (red_trim.h); and each
  // listener gets no more than its own loss needs.
  std::size_t held_limit = media::kMaxRedBlocks + 1;  // copies fewer than this far back
  std::size_t copies_sent = 0;
  if (rtp.header.payload_type == media::kRedPayloadType) {
    if (auto red = media::parseRed(rtp.payload)) {
      copies_sent = red->redundant_count;
    }
    if (from.audio_last_held) {
      const auto back = static_cast<std::uint16_t>(rtp.header.sequence - *from.audio_last_held);
      if (back > media::kMaxRedBlocks) {
        from.audio_last_held.reset();  // out of every copy's reach (and no wrap-around later)
      } else {
        held_limit = back;
      }
    }
  }
  red_trimmed_made_ = 0;
  // A selected voice goes to everyone, always: it is never traded for video.
  for (Leg* to : room->second) {
    // A participant on a peer server is reached through that server's relay
    // leg, never directly, and what came from a peer never goes back to one.
    if (to == &from || !to->remote_peer.empty() ||
        (!to->relay_peer.empty() && !from.remote_peer.empty())) {
      continue;
    }
    const auto voice = voiceFor(*to, from, plain, rtp, copies_sent, held_limit);
    scratch_.assign(voice.begin(), voice.end());
    scratch_[2] = static_cast<std::byte>(sequence >> 8U);  // RFC 3550 5.1: bytes 2-3
    scratch_[3] = static_cast<std::byte>(sequence & 0xFFU);
    sendTo(*to, scratch_, false, net::TrafficClass::Audio);
  }
}

std::span<const std::byte> MediaRouter::voiceFor(const Leg& listener, const Leg& talker,
                                                 std::span<const std::byte> plain,
                                                 const media::RtpPacketView& rtp,
                                                 std::size_t copies_sent, std::size_t held_limit) {
  if (copies_sent == 0) {
    return plain;
  }
  std::size_t keep = std::min(copies_sent, held_limit > 0 ? held_limit - 1 : 0);
  if (const auto heard = listener.voice_heard.find(talker.info.ssrcs[kAudio]);
      heard != listener.voice_heard.end() && heard->second.reported) {
    keep = std::min(keep, static_cast<std::size_t>(heard->second.red_copies));
  }
  if (keep >= copies_sent) {
    return plain;
  }
  // One trimmed copy per number of copies kept, made for the first listener
  // that needs it.
  auto& trimmed = red_trimmed_[keep];
  const auto made = 1U << keep;
  if ((red_trimmed_made_ & made) == 0) {
    if (!trimRedCopies(plain, rtp, keep + 1, trimmed)) {
      return plain;
    }
    red_trimmed_made_ |= made;
  }
  ++counters_.red_copies_trimmed;
  return trimmed;
}

void MediaRouter::noteListenerLoss(Leg& listener, const media::RtcpCompound& compound) {
  const auto now = clock_.now();
  for (const auto& rr : compound.receiver_reports) {
    for (const auto& block : rr.report_blocks) {
      auto it = by_ssrc_.find(block.ssrc);
      if (it == by_ssrc_.end() || it->second == &listener ||
          it->second->info.ssrcs[kAudio] != block.ssrc ||
          it->second->info.room != listener.info.room) {
        continue;
      }
      Leg& talker = *it->second;
      // A report on a few packets (keep-alives in a pause) says little: one
      // lost of three is not 33 % loss.
      auto [heard, first] =
          listener.voice_heard.try_emplace(block.ssrc,
                                           Leg::VoiceHeard{.highest = block.extended_highest_seq});
      const auto covered = block.extended_highest_seq - heard->second.highest;
      heard->second.highest = block.extended_highest_seq;
      if (first || covered < kVoiceReportPackets) {
        continue;
      }
      // This listener's own need for RED copies: a clean link needs none,
      // and each copy costs it bandwidth and a frame of delay. The larger of
      // the smoothed and the latest figure: new loss is covered at once.
      const double loss = block.fraction_lost / 256.0;
      auto& mine = heard->second;
      mine.loss = mine.reported ? media::smoothVoiceLoss(mine.loss, loss, 1.0) : loss;
      mine.reported = true;
      mine.red_copies = media::redCopiesNeeded(std::max(mine.loss, loss));
      // The worst listener counts: what one loses, the talker's redundancy
      // must cover. Their loss includes the talker's uplink (the server
      // renumbers only what it held back on purpose).
      if (now - talker.listener_loss_at > kListenerLossHold ||
          block.fraction_lost >= talker.listener_loss) {
        talker.listener_loss = block.fraction_lost;
        talker.listener_loss_at = now;
      }
    }
  }
}

void MediaRouter::reportVoiceLoss(Leg& sender, Clock::TimePoint now) {
  if (sender.voice_reported == Clock::TimePoint{}) {
    sender.voice_reported = now;  // the first report covers a whole interval
    return;
  }
  sender.voice_reported = now;
  media::ReceiverReport rr;
  rr.ssrc = kServerSsrc;
  rr.report_blocks.push_back(sender.voice_in.report(sender.info.ssrcs[kAudio], now));
  auto& block = rr.report_blocks.back();
  if (now - sender.listener_loss_at <= kListenerLossHold) {
    block.fraction_lost = std::max(block.fraction_lost, sender.listener_loss);
  }
  scratch_.clear();
  media::appendReceiverReport(rr, scratch_);
  ++counters_.voice_loss_reports;
  sendTo(sender, scratch_, true, net::TrafficClass::Audio);
}

}  // namespace parley::server
