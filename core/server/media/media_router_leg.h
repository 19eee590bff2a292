#pragma once
// MediaRouter's per-participant state (Leg) and the constants its files
// share: media_router.cpp (forwarding), media_voice.cpp (voice) and
// media_relay.cpp (between interconnected servers). Internal to the router;
// nothing else includes it.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "core/server/media/media_router.h"
#include "core/server/media/media_ssrc.h"
#include "core/server/media/rate_meter.h"
#include "core/server/media/repair_share.h"
#include "core/server/media/return_address.h"
#include "core/server/media/video_forwarding.h"
#include "core/server/observability/server_metrics.h"
#include "media/congestion/delay_based_estimator.h"
#include "media/congestion/followed_stream.h"
#include "media/congestion/loss_based_controller.h"
#include "media/rtp/nack_tracker.h"
#include "media/rtp/packet_history.h"
#include "media/rtp/reception_statistics.h"
#include "media/rtp/red_policy.h"

namespace parley::server {
namespace router_detail {

// Every packet the media port refuses is counted twice: in the router's own
// counters (tests, benchmarks) and in the server's metrics (administrators).
inline void countDrop(std::uint64_t& counter, ServerMetrics& metrics,
                      ServerMetrics::MediaDrop reason) {
  ++counter;
  metrics.mediaDropped(reason);
}

inline constexpr std::size_t kAudio = 0;
inline constexpr std::size_t kVideo = 1;
inline constexpr std::size_t kScreen = 2;
inline constexpr std::size_t kVideoLow = 3;
inline constexpr std::size_t kScreenLow = 4;
inline constexpr auto kPlanInterval = std::chrono::milliseconds(500);
inline constexpr std::int64_t kUplinkStartBps = 2'000'000;
// Senders get at most one key-frame request per stream this often, however
// many receivers ask.
inline constexpr auto kPliInterval = std::chrono::milliseconds(300);
// NACKs to a sender are repeated about a round trip apart. The round trip is
// learnt from the answers (the wait for a retransmission asked once); until
// then, what a sender across a continent takes.
inline constexpr auto kUpstreamStartRtt = std::chrono::milliseconds(60);

inline bool isVideoKind(std::size_t kind) { return kind != kAudio; }

}  // namespace router_detail

// One video stream a participant sends, as the server keeps it for repair:
// the last packets (to answer its receivers' NACKs without asking the
// sender) and what never arrived (to ask the sender, once, for everyone).
struct MediaRouter::SentStream {
  media::PacketHistory history;
  media::NackTracker missing;
  Clock::Duration round_trip = router_detail::kUpstreamStartRtt;  // to the sender, smoothed
};

// For one receiver and one stream: the packets of the current run of
// forwarding, [first, last], first kept within the history's reach of last
// (so the window never wraps). A NACK outside it names a packet the
// receiver was never meant to get (another layer was forwarded then) and is
// not answered. Each receiver has its own RTX sequence per stream: its own
// SRTP stream must see it count up without jumps of 2^15.
struct MediaRouter::ForwardRun {
  bool active = false;
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  std::uint16_t rtx_sequence = 0;

  void forwarded(std::uint16_t sequence) {
    if (!active) {
      active = true;
      first = sequence;
    }
    last = sequence;
    if (static_cast<std::uint16_t>(last - first) > media::PacketHistory::kCapacity) {
      first = static_cast<std::uint16_t>(last - media::PacketHistory::kCapacity);
    }
  }
  [[nodiscard]] bool covers(std::uint16_t sequence) const {
    return static_cast<std::uint16_t>(sequence - first) <= static_cast<std::uint16_t>(last - first);
  }
};

// What a receiver may be sent again, in bytes a second: a share of what it
// can take (its budget), at least enough for a little loss of one screen.
// NACKs beyond it go unanswered: a receiver cannot make the server send
// more than that by asking.
inline constexpr double kRepairShare = 0.25;
inline constexpr double kMinRepairBytesPerSecond = 40'000;

struct MediaRouter::Leg {
  Leg(MediaLegInfo i, const net::MediaKeys& k, const media::LossBasedControllerConfig& downlink)
      : info(std::move(i)), keys(k), downlink_loss(downlink) {}
  // The SRTP sessions are made on first use: a participant that never sends
  // or receives media (a chat-only client, a bot) costs no crypto contexts.
  net::SrtpSession* inbound() {
    return session(inbound_session, net::SrtpSession::Direction::Inbound);
  }
  net::SrtpSession* outbound() {
    return session(outbound_session, net::SrtpSession::Direction::Outbound);
  }
  net::SrtpSession* session(std::optional<net::SrtpSession>& slot,
                            net::SrtpSession::Direction direction) {
    if (!slot && !crypto_failed) {
      auto made =
          net::SrtpSession::create(direction, direction == net::SrtpSession::Direction::Inbound
                                                  ? keys.client_write
                                                  : keys.server_write);
      if (!made) {
        spdlog::error("media: participant {}: {}", info.participant_id, made.error().toString());
        crypto_failed = true;
        return nullptr;
      }
      slot.emplace(std::move(*made));
    }
    return slot ? &*slot : nullptr;
  }
  MediaLegInfo info;
  net::MediaKeys keys;
  // Interconnection: a relay leg stands for a peer server in this room (our
  // participants' media goes there once); a remote leg for a participant on
  // that server (its media comes from there). Neither has keys of its own.
  std::string relay_peer;
  std::string remote_peer;
  std::uint64_t remote_id = 0;
  [[nodiscard]] bool interconnected() const { return !relay_peer.empty() || !remote_peer.empty(); }
  std::optional<net::SrtpSession> inbound_session;   // the client's writes
  std::optional<net::SrtpSession> outbound_session;  // what the server sends this client
  bool crypto_failed = false;
  // Voice packets the speaker selection held back so far (mod 2^16). What
  // goes on is renumbered by this much, so every listener sees one unbroken
  // sequence: a held-back stretch is not loss (which would cut the
  // listener's video budget) and no jump ever reaches 2^15, where SRTP's
  // index guess would take new packets for old ones. Network loss before
  // the server still shows as gaps.
  std::uint16_t audio_held_back = 0;
  // The sequence number of the last voice packet held back, if any: RED
  // copies from before it would be filed under the wrong numbers.
  std::optional<std::uint16_t> audio_last_held;
  // Voice under loss: this participant's voice as the server receives it,
  // and the worst loss its listeners report for it (fraction of 256, fresh
  // for kListenerLossHold; it counts only in a report that covers enough of
  // the talker's packets, so mostly speech, not a few keep-alives). A value
  // in the leg: nothing is allocated for a participant that never talks.
  media::StreamReception voice_in;
  Clock::TimePoint voice_reported{};
  Clock::TimePoint listener_loss_at{};
  std::uint8_t listener_loss = 0;
  // As a listener, by talker audio SSRC: the extended highest sequence in
  // this participant's last report on that voice (a report counts only when
  // it covers kVoiceReportPackets or more), the loss it reports, smoothed,
  // and the RED copies that loss needs (media/rtp/red_policy.h): no more are
  // forwarded to it. Until its first report, all that the talker sends.
  struct VoiceHeard {
    std::uint32_t highest = 0;
    double loss = 0;
    int red_copies = media::kMaxRedCopies;
    bool reported = false;
  };
  std::unordered_map<std::uint32_t, VoiceHeard> voice_heard;
  ReturnAddress udp_address;
  Clock::TimePoint last_udp{};  // the last authenticated packet from the confirmed address
  bool client_uses_udp = false;
  // What this receiver may be sent in total: its delay-based estimate (REMB)
  // lowered by the loss it reports (GCC's loss-based half, kept here because
  // the server is the sender of everything the receiver gets). A token
  // bucket that drops instead of queueing never moves the delay estimate.
  media::LossBasedController downlink_loss;
  // What arrives from this participant, per stream kind (StreamKind - 1).
  std::array<RateMeter, kStreamKinds> in_rates;
  std::array<Clock::TimePoint, kStreamKinds> last_pli{};
  // Which layers of the others' video this participant gets.
  ReceiverVideoForwarding video;
  Clock::TimePoint last_plan{};
  // This participant's uplink, estimated from the delay of one of its video
  // streams (uplink_follow says which) and sent back to it as REMB (what it
  // may send).
  media::DelayBasedEstimator uplink;
  media::FollowedStream uplink_follow;
  std::uint32_t uplink_ssrc = 0;
  // Repair: the video this participant sends (made on its first packet,
  // so voice-only legs pay nothing), and the runs forwarded to it.
  std::array<std::unique_ptr<SentStream>, kStreamKinds> sent;
  std::unordered_map<std::uint32_t, ForwardRun> forwarded;  // by media SSRC
  double repair_tokens = 0;  // bytes this receiver may be sent again now
  // What those answers take next to the video forwarded to it: kept free of
  // layers by the plan.
  RepairShare repair_share{kRepairShare};
  Clock::TimePoint repair_refilled{};
  Clock::TimePoint uplink_chosen{};
  std::uint32_t uplink_last_ts = 0;
  std::int64_t uplink_ts = 0;
  bool uplink_has_ts = false;
};

// A linked peer server's media port and the keys of its link.
struct MediaRouter::RelayLink {
  asio::ip::udp::endpoint endpoint;
  std::optional<net::SrtpSession> inbound;
  std::optional<net::SrtpSession> outbound;
};

}  // namespace parley::server
