#pragma once
// Call: the media side of one meeting on the client. It is the session's
// MediaLink: each (re)join's offer configures a MediaTransport (SRTP over UDP
// or inside the TLS channel) and tells the AudioEngine which SSRC to send
// as; packets from the server go to the engine by payload type.
//
//   ClientSession --MediaLink--> Call --> MediaTransport <--> server
//                                  |            ^
//                                  v            | (drain on the call strand)
//                              AudioEngine (own 20 ms thread, devices)
//
// Threads: MediaLink calls arrive on the session's strand and are posted to
// the call's own strand, where the transport and all call state live. The
// engine runs its own thread. Ownership: the front end owns the Call and its
// devices, starts it before the session and stops it after the session.
//
// Sources: call.cpp (life, legs), call_send.cpp, call_receive.cpp,
// call_rate_control.cpp, call_peer.cpp (peer paths, where media goes),
// call_repair.cpp (NACK and RTX), call_voice_loss.cpp, call_stats.cpp.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/client/call/audio_wake.h"
#include "core/client/call/media_transport.h"
#include "core/client/call/peer_path.h"
#include "core/client/media_link.h"
#include "media/congestion/delay_based_estimator.h"
#include "media/congestion/followed_stream.h"
#include "media/engine/audio_engine.h"
#include "media/engine/video_receiver.h"
#include "media/engine/video_sender.h"
#include "media/rtp/duplicate_filter.h"
#include "media/rtp/packet_history.h"
#include "media/rtp/reception_statistics.h"
#include "media/rtp/rtcp_packet.h"

namespace parley::client {

struct CallConfig {
  MediaTransportConfig transport;
  media::AudioEngineConfig audio;
  // What this client sends at most in total (docs/media.md, "Bandwidth").
  std::int64_t max_send_bps = 2'500'000;
  // Peer paths in two-person rooms (call_peer.cpp); false: always the server.
  bool peer_enabled = true;
  PeerPathConfig peer;
  // Ask for lost video packets again (NACK, answered on RTX); false: a loss
  // waits for a key frame (for comparison, `parley-cli --no-retransmission`).
  bool video_retransmission = true;
  // Voice under loss (call_voice_loss.cpp): RED copies when the reported
  // loss is high; false: FEC alone (for comparison; parley-cli --no-red).
  bool audio_red = true;
};

// A decoded remote picture, on the video decode thread: must not block long.
using RemoteVideoSink =
    std::function<void(const std::string& user, bool screen, const media::VideoFrame& frame)>;

struct CallStreamStats {
  std::uint32_t ssrc = 0;
  std::string user;  // empty when the sender is not (or no longer) listed
  std::string kind;  // "audio", "video", "screen"
  std::uint64_t packets = 0;
  std::uint64_t lost = 0;
  std::uint64_t concealed = 0;
  std::uint64_t fec_recovered = 0;  // audio: lost frames rebuilt from Opus FEC
  std::uint64_t red_recovered = 0;  // audio: lost frames played from a RED copy
  // Audio: arrived after their playout time (played as concealment). Video:
  // packets dropped because they waited too long for a busy decoder.
  std::uint64_t late = 0;
  std::uint64_t discarded = 0;  // dropped on purpose to cut the delay
  double jitter_ms = 0;
  double delay_ms = 0;  // playout delay at the last pull
  double kbps = 0;      // since the previous stats() call
  // Audio: the loudest level the sender marked since the previous stats()
  // call (RFC 6464, -dBov; 127 silence): who speaks now.
  int loudest_dbov = 127;
  // Video: frames decoded and the picture size of the last one.
  std::uint64_t frames = 0;
  std::uint64_t key_frames = 0;
  double longest_frame_gap_ms = 0;  // the longest the picture stood still
  int width = 0;
  int height = 0;
};

// Retransmission, both ways (call_repair.cpp).
struct CallRepairStats {
  std::uint64_t nacks_received = 0;  // NACKs naming our streams
  std::uint64_t retransmitted = 0;   // packets we sent again on RTX
  std::uint64_t retransmitted_bytes = 0;
  std::uint64_t not_in_history = 0;  // asked for, but too old or never sent
  std::uint64_t nacks_sent = 0;
  std::uint64_t rtx_received = 0;
  std::uint64_t rtx_received_bytes = 0;
  std::uint64_t rtx_duplicates = 0;  // the original had come after all
  std::uint64_t rtx_malformed = 0;
};

struct CallStats {
  std::string path;  // "udp", "tcp", "probing", "off"
  double audio_sent_kbps = 0;
  std::uint64_t audio_packets_sent = 0;
  std::uint64_t dtx_skipped = 0;
  // Voice under loss: the loss the receivers report for our voice (smoothed,
  // %), the earlier frames each packet carries (RED), what that added.
  double audio_reported_loss_pct = 0;
  int audio_encoder_loss_pct = 0;  // OPUS_SET_PACKET_LOSS_PERC as the encoder last got it
  int audio_redundancy = 0;
  std::uint64_t audio_red_packets = 0;
  double audio_red_kbps = 0;
  // Audio ticks that woke more than a frame late (the machine starved the
  // audio thread): each one is a glitch a listener may hear.
  std::uint64_t audio_late_ticks = 0;
  double received_kbps = 0;
  std::optional<double> rtt_ms;  // over UDP, from the probe answers
  double video_sent_kbps = 0;
  std::int64_t send_budget_bps = 0;              // what the server's estimate allows us
  std::int64_t receive_estimate_bps = 0;         // what we tell the server we can take
  std::vector<media::VideoSenderStats> senders;  // camera, then screen (when sending)
  std::vector<CallStreamStats> streams;
  CallRepairStats repair;
  // What the video receiver asked for and got back (VideoReceiverStats).
  std::uint64_t video_packets_missing = 0;
  std::uint64_t video_nack_requested = 0;
  std::uint64_t video_packets_recovered = 0;
  std::uint64_t video_repair_given_up = 0;
  std::uint64_t video_key_frame_requests = 0;
  MediaTransport::Counters transport;
  // Where media goes: "via server", "connecting", "peer-to-peer",
  // "relayed (TURN)"; the peer path's round trip and what it carried.
  std::string peer_path = "via server";
  std::optional<double> peer_rtt_ms;
  std::vector<std::string> peer_candidates;  // ours, as offered
  std::uint64_t peer_sent = 0;
  std::uint64_t peer_received = 0;
  std::uint64_t duplicates_dropped = 0;  // both paths delivered it (a switch)
  // Attempts that failed in this call, why the last one did ("slug: detail"),
  // and the peer's candidates refused over all attempts.
  std::uint64_t peer_failures = 0;
  std::string peer_last_failure;
  std::uint64_t peer_rejected_candidates = 0;
  // The current attempt's steps, in ms from the server's PeerPathStart:
  // ("started", ..), ("first_candidate", ..), ("remote_credentials", ..),
  // ("ice_connected", ..), ("dtls_done", ..), ("verified", ..); those reached.
  std::vector<std::pair<std::string, double>> peer_connect_ms;
};

class Call final : public MediaLink {
 public:
  Call(const asio::any_io_executor& executor, CallConfig config, media::AudioInput& input,
       media::AudioOutput& output, const Clock& clock);
  ~Call() override;
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  // What to send as video (before start()): either may be null.
  void setVideoSources(std::unique_ptr<media::VideoSource> camera,
                       std::unique_ptr<media::VideoSource> screen);
  // Where decoded remote video goes (before start()).
  void setRemoteVideoSink(RemoteVideoSink sink) { video_sink_ = std::move(sink); }
  // Starts, replaces or (null) stops the camera / the shared screen during
  // the call, after start(). Any thread; asynchronous: the sender is built
  // here and swapped in on the call strand, which announces nothing (the
  // front end tells the session with ClientSession::setMediaState). The old
  // sender's thread is joined on the strand (at most one frame interval).
  // A source that fails to start is dropped and reported through `done`
  // (on the call strand; may be empty).
  void setCameraSource(std::unique_ptr<media::VideoSource> source,
                       std::function<void(Result<void>)> done = {});
  void setScreenSource(std::unique_ptr<media::VideoSource> source,
                       std::function<void(Result<void>)> done = {});

  // Creates the audio engine and the video threads and starts them. Synchronous.
  Result<void> start();
  // Stops the engine (joins its thread) and the transport. Call after the
  // session has stopped; do not call from the call's strand.
  void stop();

  void setMuted(bool muted);
  // The microphone's level now, in -dBov (0 loudest, 127 silence), muted or
  // not; 127 before the call started. Any thread (an atomic read).
  [[nodiscard]] int inputLevelDbov() const;
  // Path changes, on the call strand.
  void setPathObserver(std::function<void(MediaPath)> observer);
  // Collects statistics on the call strand and hands them to `done` there.
  void stats(std::function<void(CallStats)> done);

  // MediaLink (any thread; posted to the call strand).
  void onMediaOffer(MediaOfferInfo offer) override;
  void onMediaPacket(std::string packet) override;
  void onVideoCodecChanged(const std::string& codec, std::uint8_t payload_type) override;
  void onParticipantsChanged(const std::vector<ParticipantInfo>& participants) override;
  void onMediaStopped() override;
  void onPeerPathStart(PeerPathStartInfo start, PeerSignalSender send_signal,
                       PeerStateSender send_state) override;
  void onPeerSignal(PeerSignalInfo signal) override;
  void onPeerPathStop(std::uint64_t attempt, std::string reason) override;

 private:
  // Where outgoing media goes (call_peer.cpp): the server, both paths
  // during a switch, or the peer path alone.
  enum class Route { Server, Both, Peer };
  void sendMedia(std::span<const std::byte> plain, bool rtcp, net::TrafficClass traffic_class);
  void onPeerState(PeerPath::State state, const std::string& why);
  void setRoute(Route route);
  void endPeerPath(bool overlap, const std::string& why);
  void dropPeerPath();  // destroys the path, keeping its counts
  void startPeerPath(PeerPathStartInfo start, int tries_left);
  void requestOwnKeyFrames();
  void onPlain(std::span<const std::byte> plain, bool rtcp, bool from_peer = false);
  void onRtcp(std::span<const std::byte> plain, bool from_peer);
  void sendWaitingAudio();  // on the strand: the audio ring's one consumer
  void drainVideo();
  void restartPausedVideo(Clock::TimePoint now);
  void scheduleDrain(std::atomic<bool>& flag, void (Call::*drain)());
  Result<std::unique_ptr<media::VideoSender>> makeSender(std::unique_ptr<media::VideoSource> source,
                                                         bool screen);
  void swapSender(bool screen, std::unique_ptr<media::VideoSource> source,
                  std::function<void(Result<void>)> done);
  void sendKeyFrameRequest(std::uint32_t ssrc);
  // Retransmission (call_repair.cpp).
  void rememberSentVideo(std::span<const std::byte> rtp);
  void answerNack(const media::Nack& nack);
  // An RTX packet: false when it is malformed.
  bool onRetransmission(std::span<const std::byte> rtx);
  void sendNack(std::uint32_t ssrc, const std::vector<std::uint16_t>& sequences);
  // A report block on our own voice (call_voice_loss.cpp).
  void onVoiceLossReport(const media::ReportBlock& block);
  void applySendBudget(std::int64_t bps);
  // Every packet received counts in the downlink estimate's throughput.
  void countForEstimate(std::size_t size);
  void feedEstimator(const media::RtpPacketView& rtp, std::size_t size);
  void sendFeedback();
  void armFeedbackTimer();

  asio::strand<asio::any_io_executor> strand_;
  CallConfig config_;
  media::AudioInput& input_;
  media::AudioOutput& output_;
  const Clock& clock_;
  std::unique_ptr<MediaTransport> transport_;
  std::unique_ptr<media::AudioEngine> engine_;
  // The audio thread's way to the strand (no lock or allocation there).
  std::unique_ptr<AudioWake> audio_wake_;
  std::atomic<bool> video_drain_scheduled_{false};
  std::unique_ptr<media::VideoSource> camera_source_;
  std::unique_ptr<media::VideoSource> screen_source_;
  // Created in start(); after that swapped and used on the call strand only.
  std::unique_ptr<media::VideoSender> camera_;
  std::unique_ptr<media::VideoSender> screen_;
  std::unique_ptr<media::VideoReceiver> video_receiver_;
  RemoteVideoSink video_sink_;
  // Guards users_for_sink_, read by the decode thread for the sink's names.
  std::mutex users_mu_;
  std::map<std::uint64_t, std::string> users_for_sink_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  // Call-strand state.
  bool network_thread_raised_ = false;  // start() raised the strand's thread
  std::uint8_t audio_pt_ = 111;
  std::map<std::uint32_t, std::string> ssrc_users_;
  std::map<std::uint32_t, std::uint64_t> received_bytes_;  // per SSRC, RTP bytes
  Clock::TimePoint last_stats_{};
  std::uint64_t last_sent_bytes_ = 0;
  std::uint64_t last_received_total_ = 0;
  std::map<std::uint32_t, std::uint64_t> last_received_bytes_;
  std::function<void(MediaPath)> path_observer_;
  MediaOfferInfo offer_;  // the current leg's SSRCs
  // Downlink estimate (what we can receive), from one video stream we
  // receive: followed_stream_ says which.
  media::DelayBasedEstimator estimator_;
  std::uint32_t estimator_ssrc_ = 0;
  media::FollowedStream followed_stream_;
  std::int64_t send_budget_bps_ = 0;
  // The budget paused every video layer, and what un-pauses the first one
  // (with voice): see restartPausedVideo().
  bool video_paused_ = false;
  std::int64_t unpause_bps_ = 0;
  Clock::TimePoint last_remb_{};
  Clock::Duration restart_wait_ = std::chrono::seconds(2);  // doubles per restart, to 32 s
  std::uint64_t last_video_sent_bytes_ = 0;
  std::uint64_t last_video_sent_reported_ = 0;
  std::map<media::VideoSourceKey, std::uint64_t> last_source_bytes_;
  std::unique_ptr<asio::steady_timer> feedback_timer_;
  std::uint32_t estimator_last_ts_ = 0;
  std::int64_t estimator_ts_ = 0;  // unwrapped 90 kHz
  bool estimator_has_ts_ = false;
  std::map<std::uint32_t, std::uint64_t> video_stream_bytes_;  // per SSRC, cumulative
  // video_stream_bytes_ at the last few feedback ticks, oldest first: what
  // arrived of each stream over the last second.
  std::deque<std::map<std::uint32_t, std::uint64_t>> video_stream_history_;
  // Loss per source we receive, reported to the server in receiver reports
  // (its loss-based controller lowers what it forwards to us).
  media::ReceptionStatistics reception_;
  Clock::TimePoint last_report_{};
  // What our video senders sent, by SSRC, for NACKs; the RTX sequence of each.
  std::map<std::uint32_t, std::unique_ptr<media::PacketHistory>> sent_video_;
  std::map<std::uint32_t, std::uint16_t> rtx_sequences_;
  CallRepairStats repair_;
  // The loss reported for our voice, smoothed (0..1), and the RED depth it
  // chose (call_voice_loss.cpp).
  double voice_loss_ = 0;
  bool voice_loss_heard_ = false;
  std::uint32_t voice_highest_seq_ = 0;
  int expected_loss_sent_ = -1;
  int redundancy_ = 0;
  std::uint64_t last_red_bytes_ = 0;

  // Peer path (call strand).
  std::unique_ptr<PeerPath> peer_;
  PeerSignalSender peer_signal_;
  PeerStateSender peer_state_;
  Route route_ = Route::Server;
  std::unique_ptr<asio::steady_timer> route_timer_;
  std::uint64_t route_generation_ = 0;  // a stale route timer does nothing
  media::DuplicateFilter duplicates_;
  std::uint64_t duplicates_dropped_ = 0;
  std::uint64_t peer_failures_ = 0;
  std::string peer_last_failure_;
  std::uint64_t peer_rejected_candidates_ = 0;  // of attempts already over
  Clock::TimePoint peer_start_received_{};      // the current attempt's PeerPathStart
  Clock::Duration peer_start_waited_{};         // until its PeerPath started
  // An attempt waiting for the server's media port to resolve, and the
  // peer's signals that arrived meanwhile.
  std::optional<std::uint64_t> pending_attempt_;
  std::vector<PeerSignalInfo> pending_signals_;
  std::unique_ptr<asio::steady_timer> peer_start_timer_;
};

}  // namespace parley::client
