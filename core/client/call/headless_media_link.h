#pragma once
// HeadlessMediaLink: the media side of a meeting for a client without sound
// devices or codecs (load drivers, bots that send prepared audio). Like Call
// it is the session's MediaLink and each (re)join's offer configures a
// MediaTransport (SRTP keys from the channel's exporter, UDP with probes and
// address checks, the TCP fallback inside the channel), so on the wire and
// in the server it costs what a desktop client's voice costs. What it leaves
// out is everything between the packets and the sound card: capture, echo
// cancellation, Opus, jitter buffers, the mix, video and peer paths.
//
//   ClientSession --MediaLink--> HeadlessMediaLink --> MediaTransport <--> server
//                                  |  counts each stream's packets (sequence gaps, order)
//                                  |  sendAudio(): prepared Opus as this leg's voice
//
// Receiving: every decrypted RTP packet is counted per SSRC: packets, bytes,
// how many the sequence numbers say are missing and how many came out of
// order (not newer than the newest seen). The optional packet observer sees
// each one as well. Sending: sendAudio() takes one 20 ms Opus payload and its
// RFC 6464 level and sends it as the leg's audio stream, its RTP header made
// as media::AudioEngine makes it (one sequence number and 960 timestamp ticks
// per frame, the marker on a talkspurt's first packet, the level extension).
//
// Threads: the MediaLink calls and sendAudio() from any thread; they are
// posted to the link's own strand, where the transport and the counts live
// and where stats() hands them over. Ownership: the owner keeps the link alive until
// the session has stopped, and calls stop() (not from the link's strand)
// before destroying it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/strand.hpp>

#include "core/base/clock.h"
#include "core/client/call/media_transport.h"
#include "core/client/media_link.h"
#include "media/rtp/audio_level.h"
#include "media/rtp/rtp_packet.h"

namespace parley::client {

struct HeadlessStreamStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  // plain RTP
  // Sequence numbers skipped between packets that arrived in order (a packet
  // that comes late is counted in out_of_order, and its gap stays counted).
  std::uint64_t missing = 0;
  std::uint64_t out_of_order = 0;  // not newer than the newest seen: late or repeated
};

struct HeadlessMediaStats {
  std::string path;  // mediaPathName()
  std::map<std::uint32_t, HeadlessStreamStats> streams;
  std::uint64_t audio_sent = 0;  // packets handed to the transport by sendAudio()
  MediaTransport::Counters transport;
};

class HeadlessMediaLink final : public MediaLink {
 public:
  // Each decrypted RTP packet, on the link's strand, after it was counted.
  using PacketObserver = std::function<void(const media::RtpPacketView& rtp)>;

  HeadlessMediaLink(const asio::any_io_executor& executor, MediaTransportConfig config,
                    const Clock& clock);
  ~HeadlessMediaLink() override;
  HeadlessMediaLink(const HeadlessMediaLink&) = delete;
  HeadlessMediaLink& operator=(const HeadlessMediaLink&) = delete;

  // Before the session starts.
  void setPacketObserver(PacketObserver observer) { observer_ = std::move(observer); }

  // Sends one 20 ms Opus payload as this leg's voice; dropped (not counted)
  // while there is no leg. `level.voice` false ends a talkspurt: the next
  // voiced packet carries the marker.
  void sendAudio(std::vector<std::byte> opus, media::AudioLevel level);

  // Closes the transport (its socket and timers) on the strand and waits
  // for it; later calls do nothing. Call after the session has stopped, not
  // from the link's strand.
  void stop();

  // Collects the statistics on the link's strand and hands them to `done`
  // there (any thread).
  void stats(std::function<void(HeadlessMediaStats)> done);

  // MediaLink (any thread; posted to the link's strand).
  void onMediaOffer(MediaOfferInfo offer) override;
  void onMediaPacket(std::string packet) override;
  void onVideoCodecChanged(const std::string& codec, std::uint8_t payload_type) override;
  void onParticipantsChanged(const std::vector<ParticipantInfo>& participants) override;
  void onMediaStopped() override;

 private:
  struct Stream {
    HeadlessStreamStats stats;
    media::SequenceUnwrapper unwrapper;
    std::int64_t newest = -1;
  };
  void onPlain(std::span<const std::byte> plain, bool rtcp);
  void sendOnStrand(const std::vector<std::byte>& opus, media::AudioLevel level);

  asio::strand<asio::any_io_executor> strand_;
  std::unique_ptr<MediaTransport> transport_;
  std::atomic<bool> stopped_{false};
  // Read by handlers on the strand, cleared by the destructor's thread.
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
  PacketObserver observer_;

  // Strand state: the leg's audio stream and what was sent on it.
  std::uint32_t audio_ssrc_ = 0;
  std::uint8_t audio_pt_ = 111;
  media::RtpHeader header_;
  std::uint32_t timestamp_ = 0;
  bool talkspurt_ = false;
  std::vector<std::byte> rtp_scratch_;
  std::map<std::uint32_t, Stream> streams_;
  std::uint64_t audio_sent_ = 0;
};

}  // namespace parley::client
