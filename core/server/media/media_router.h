#pragma once
// MediaRouter: the server's selective forwarding unit (SFU). Every
// participant in a room has one media leg: its SRTP sessions (keys from its
// TLS channel's exporter), its SSRCs, and the two ways to reach it: its
// confirmed UDP address and its TLS channel (the TCP fallback). A UDP
// address is confirmed only when the client answers a check sent there
// (ReturnAddress), so NAT rebinding and changing networks work while nobody
// can point a room's downlink at a third party; until the answer comes,
// packets from the new address are dropped and counted, and the downlink goes
// where it went before. Packets from one participant are checked (tag, replay
// window, SSRC ownership, source address), decrypted, and re-protected for
// every other participant of the room with that receiver's own keys; nothing
// is transcoded.
//
// Feedback: a receiver's PLI goes to the sender of the stream it names. A
// NACK is answered by the server itself, from a short history of each video
// stream, with retransmissions (RTX, RFC 4588); the server asks a sender
// (NACK) only for what never reached it, when the gap shows, and sends what
// comes back on to everyone forwarded that stream. A receiver's receiver reports and REMB estimates
// set the video budget the router holds for it (see ReceiverBudget) so a slow receiver gets fewer
// video frames and never slows the others. Audio is never dropped to make
// room for video.
//
// Threads: all state lives on one strand (the media strand); public methods
// post to it and may be called from any thread. One strand keeps the hot path
// free of locks; a server that needs more than one core of forwarding would
// shard rooms over several routers (docs/adr/0013-media-forwarding.md).
// Ownership: shared_ptr, held by the ServerContext; stop() closes the socket.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/strand.hpp>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/server/media/speaker_selection.h"
#include "core/transport/message_channel.h"
#include "media/rtp/red_payload.h"
#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"
#include "net/media_transport/dscp.h"
#include "net/media_transport/srtp_session.h"
#include "net/media_transport/udp_media_socket.h"

namespace parley::server {

class ServerMetrics;

struct MediaRouterConfig {
  asio::ip::udp::endpoint udp;  // port 0: ephemeral; disabled: TCP only
  bool udp_enabled = true;
  net::DscpMarks dscp;
  // A receiver's UDP path counts as alive this long after its last packet.
  std::chrono::milliseconds udp_alive{5000};
  // Video sent to one receiver at most, until its feedback says more.
  std::uint32_t initial_video_budget_kbps = 2500;
  // recvmmsg/sendmmsg on the media port where the system has them (Linux);
  // false: one datagram per system call (for comparison; parleyd's
  // environment variable PARLEY_MEDIA_BATCHED_IO=0).
  bool batched_io = true;
  // With batched_io: UDP segmentation offload (Linux UDP_SEGMENT) for what
  // goes to one receiver in one batch; false: one datagram per message
  // (for comparison; PARLEY_MEDIA_GSO=0).
  bool segmented_sends = true;
  // Voices forwarded per room at most: the loudest, by the RFC 6464 level
  // senders put on each packet (SpeakerSelection). 0: every voice.
  std::size_t max_forwarded_speakers = 3;
};

struct MediaLegInfo {
  std::uint64_t participant_id = 0;
  std::string room;
  // By StreamKind - 1: audio, video, screen, video low, screen low.
  std::array<std::uint32_t, 5> ssrcs{};
  std::vector<std::byte> keying;  // the channel's exporter output
  std::weak_ptr<transport::MessageChannel> channel;
};

class MediaRouter : public std::enable_shared_from_this<MediaRouter> {
 public:
  struct Counters {
    std::uint64_t rtp_in = 0;
    std::uint64_t rtcp_in = 0;
    std::uint64_t forwarded_packets = 0;
    std::uint64_t forwarded_bytes = 0;
    std::uint64_t forwarded_tcp = 0;
    std::uint64_t dropped_unknown_ssrc = 0;
    std::uint64_t dropped_auth = 0;  // bad tag or replay
    std::uint64_t dropped_malformed = 0;
    std::uint64_t dropped_foreign_ssrc = 0;  // an SSRC that is not the leg's
    std::uint64_t dropped_video_budget = 0;  // video held back for a slow receiver
    // Audio packets not forwarded: their sender is not among the room's
    // loudest max_forwarded_speakers.
    std::uint64_t audio_not_selected = 0;
    // Voice packets sent to a listener with fewer RED copies than the talker
    // put in: those reaching back into a held-back stretch (red_trim.h), or
    // more than the listener's own loss needs.
    std::uint64_t red_copies_trimmed = 0;
    std::uint64_t key_frame_requests = 0;  // PLIs the server sent to senders
    // Repair (NACK and RTX).
    std::uint64_t nacks_received = 0;       // from receivers, about forwarded streams
    std::uint64_t retransmitted = 0;        // RTX packets sent to receivers
    std::uint64_t nack_not_in_history = 0;  // asked for, never got here (or too old)
    std::uint64_t nack_not_forwarded = 0;   // asked for, but never meant for that receiver
    std::uint64_t nack_over_budget = 0;     // asked for beyond the receiver's repair budget
    std::uint64_t rtx_unasked = 0;          // a sender's retransmission nobody asked for
    std::uint64_t nacks_to_senders = 0;
    std::uint64_t recovered_from_senders = 0;  // what senders sent again
    std::uint64_t duplicates_dropped = 0;      // a packet that had arrived already
    std::uint64_t voice_loss_reports = 0;      // receiver reports on a sender's own voice
    std::uint64_t stun_answered = 0;           // Binding requests (peer paths' public address)
    // Authenticated, but from an address the leg has not confirmed (yet).
    std::uint64_t dropped_unconfirmed_address = 0;
    std::uint64_t address_checks_sent = 0;
    std::uint64_t addresses_confirmed = 0;
    // The media port's system calls (UdpMediaSocket::Counters), to give
    // them per packet.
    std::uint64_t udp_received = 0;
    std::uint64_t udp_sent = 0;
    std::uint64_t udp_send_dropped = 0;
    std::uint64_t udp_receive_calls = 0;
    std::uint64_t udp_send_calls = 0;
    // Between interconnected servers.
    std::uint64_t relayed_out = 0;    // packets sent to peers
    std::uint64_t relayed_in = 0;     // packets from peers, forwarded here
    std::uint64_t relay_dropped = 0;  // from an unknown or unlinked peer, or unauthentic
  };

  MediaRouter(asio::io_context& io, MediaRouterConfig config, ServerMetrics& metrics,
              const Clock& clock);
  ~MediaRouter();
  MediaRouter(const MediaRouter&) = delete;
  MediaRouter& operator=(const MediaRouter&) = delete;

  // Opens the UDP port (when enabled). Synchronous. Returns the bound port
  // (0 when UDP is off).
  Result<std::uint16_t> start();
  void stop();

  // The UDP port clients are told in MediaOffer (0: TCP only). Any thread.
  [[nodiscard]] std::uint16_t udpPort() const { return udp_port_; }

  void addLeg(MediaLegInfo info);
  void removeLeg(std::uint64_t participant_id);
  // A MediaPacket that arrived on the participant's TLS channel.
  void onTcpPacket(std::uint64_t participant_id, std::string packet);
  // The client's choice of path for what the server sends it.
  void setClientUsesUdp(std::uint64_t participant_id, bool udp);

  // Interconnection (media_relay.cpp, docs/interconnect.md). Media between
  // two servers goes over one UDP port pair of their own, SRTP-protected
  // with keys from their control link's TLS exporter. Each stream crosses
  // once: a peer with participants in a room is one receiver there (a relay
  // leg: every layer of every stream, no budget of its own), and each
  // participant over there is one sender here (a remote leg, its SSRCs
  // renumbered from the peer's participant id to our own). Key-frame
  // requests and NACKs cross back, renumbered; a peer's NACK is answered
  // from our history as for a receiver here.
  struct RelayPeer {
    std::string name;
    asio::ip::udp::endpoint endpoint;  // its media port
    std::vector<std::byte> keying;     // the control link's exporter (kMediaKeyingBytes)
    bool we_dialed = false;            // which half of the keys is ours to write with
  };
  // Opens the interconnect media port. Synchronous.
  Result<std::uint16_t> startRelay(const asio::ip::udp::endpoint& local);
  // The link to a peer came up (new keys) or went down.
  void setRelayPeer(RelayPeer peer);
  void removeRelayPeer(const std::string& name);
  // `peer` has participants in `room` (or no longer).
  void addRelayRoom(const std::string& peer, const std::string& room);
  void removeRelayRoom(const std::string& peer, const std::string& room);
  // A participant of `peer` (its id there) is in `room` as `local_id` here;
  // removeLeg(local_id) ends it.
  void addRemoteLeg(std::uint64_t local_id, const std::string& room, const std::string& peer,
                    std::uint64_t remote_id);

  // Runs `f(counters)` on the media strand (tests, metrics).
  void inspect(std::function<void(const Counters&)> f);

  // The forwarding path without sockets, for benchmarks: feeds one datagram
  // as if it came from `from`. Call on the media strand (or before start()
  // from a single thread).
  void injectDatagramForTest(std::span<std::byte> datagram, const asio::ip::udp::endpoint& from);
  // Benchmarks without sockets: `from` counts as the participant's confirmed
  // address, as if it had answered the check. Same threading as above.
  void confirmAddressForTest(std::uint64_t participant_id, const asio::ip::udp::endpoint& from);
  asio::strand<asio::io_context::executor_type>& strand() { return strand_; }

 private:
  struct Leg;
  struct SentStream;
  struct ForwardRun;
  void removeLegNow(std::uint64_t participant_id);
  void answerStun(std::span<const std::byte> request, const asio::ip::udp::endpoint& from);
  // An authenticated packet from an address the leg has not confirmed: its
  // answer moves the address; anything else is dropped, at most a check goes
  // back. Returns true when the packet confirmed `from` (handle it as usual).
  bool fromUnconfirmed(Leg& leg, std::span<const std::byte> plain, bool rtcp, std::size_t wire_size,
                       const asio::ip::udp::endpoint& from);
  void onDatagram(std::span<std::byte> datagram, const asio::ip::udp::endpoint& from);
  void handlePlain(Leg& from, std::span<std::byte> plain, bool rtcp);
  void forwardRtp(Leg& from, std::span<const std::byte> plain, const media::RtpPacketView& rtp);
  // Voice (media_voice.cpp): to every other participant, if the speaker
  // selection lets it through.
  void forwardVoice(Leg& from, std::span<const std::byte> plain, const media::RtpPacketView& rtp,
                    Clock::TimePoint now);
  // The voice packet as `listener` gets it from `talker`: as it came, or
  // with fewer RED copies (red_trimmed_); `held_limit`: copies must be fewer
  // than this far back.
  std::span<const std::byte> voiceFor(const Leg& listener, const Leg& talker,
                                      std::span<const std::byte> plain,
                                      const media::RtpPacketView& rtp, std::size_t copies_sent,
                                      std::size_t held_limit);
  void forwardVideo(Leg& from, std::span<const std::byte> plain, const media::RtpPacketView& rtp,
                    std::size_t kind_index);
  // Re-plans which layers `receiver` gets, at most every 500 ms.
  void maybePlan(Leg& receiver, Clock::TimePoint now);
  void estimateUplink(Leg& from, const media::RtpPacketView& rtp, std::size_t size,
                      Clock::TimePoint now);
  void requestKeyFrame(Leg& sender, std::uint32_t ssrc, Clock::TimePoint now);
  void handleRtcp(Leg& from, std::span<const std::byte> plain);
  // Repair: NACKs the sender for what is missing of `stream`, when due.
  void askSender(Leg& sender, std::uint32_t ssrc, SentStream& stream, Clock::TimePoint now);
  void answerNack(Leg& receiver, Leg& sender, const media::Nack& nack);
  void onSenderRetransmission(Leg& from, std::span<const std::byte> rtx, std::size_t kind);
  // Voice under loss: what reaches us of `from`'s voice, and what its
  // listeners report losing of it (noteListenerLoss), go back to it as a
  // receiver report block (reportVoiceLoss, twice a second at most while it
  // talks): its encoder's FEC and redundancy follow that.
  void noteListenerLoss(Leg& listener, const media::RtcpCompound& compound);
  void reportVoiceLoss(Leg& sender, Clock::TimePoint now);
  void answerProbe(Leg& leg);
  void sendTo(Leg& to, std::vector<std::byte>& plain, bool rtcp, net::TrafficClass cls);
  [[nodiscard]] bool udpAlive(const Leg& leg) const;
  struct RelayLink;
  void onRelayDatagram(std::span<std::byte> datagram, const asio::ip::udp::endpoint& from);
  // A relay or remote leg: sent over the interconnect port (or dropped).
  void sendToPeer(Leg& to, std::vector<std::byte>& plain, bool rtcp);
  void removeRelayLegs(const std::string& peer, const std::string& room);
  // The leg through which `peer` receives `room` (nullptr: none now).
  Leg* relayLegOf(const std::string& peer, const std::string& room);

  asio::strand<asio::io_context::executor_type> strand_;
  MediaRouterConfig config_;
  ServerMetrics& metrics_;
  const Clock& clock_;
  std::unique_ptr<net::UdpMediaSocket> udp_;
  std::atomic<std::uint16_t> udp_port_{0};
  Counters counters_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Leg>> legs_;
  std::unordered_map<std::uint32_t, Leg*> by_ssrc_;
  std::unordered_map<std::string, std::vector<Leg*>> rooms_;
  std::unordered_map<std::string, SpeakerSelection> speakers_;  // by room, like rooms_
  std::vector<std::byte> scratch_;
  std::vector<std::byte> original_;  // an unwrapped retransmission
  // The voice packet being forwarded, trimmed to 0 .. kMaxRedBlocks - 1 RED
  // copies, as listeners need them (bit k of red_trimmed_made_: made).
  std::array<std::vector<std::byte>, media::kMaxRedBlocks> red_trimmed_;
  unsigned red_trimmed_made_ = 0;
  // Interconnection: the peers' media port and keys, their relay legs (by
  // peer, then room) and remote legs (by peer, then their id there).
  std::unique_ptr<net::UdpMediaSocket> relay_udp_;
  std::unordered_map<std::string, std::unique_ptr<RelayLink>> relay_links_;
  std::unordered_map<std::string, std::unordered_map<std::string, std::uint64_t>> relay_legs_;
  std::unordered_map<std::string, std::unordered_map<std::uint64_t, Leg*>> remote_legs_;
  std::uint64_t next_relay_leg_id_ = std::uint64_t{1} << 40;  // never a participant's
};

}  // namespace parley::server
