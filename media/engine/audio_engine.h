#pragma once
// AudioEngine: the voice half of a call on the client. Every 20 ms, on its
// own high-priority thread (audio is never starved by video or the GUI), it
//
//   1. takes the RTP packets the network handed over (SPSC ring) and feeds
//      each to the receive stream of its SSRC (jitter buffer + Opus decoder);
//   2. pulls 20 ms from every stream, mixes them and plays the mix (and lets
//      the echo canceller hear it);
//   3. reads 20 ms of microphone, cancels echo, encodes Opus (FEC, DTX) and
//      leaves the RTP packet in the outgoing ring for the network.
//
//   network strand --pushIncoming--> [ring] --> streams --> mix --> AudioOutput
//   network strand <--popOutgoing--- [ring] <-- RTP <-- Opus <-- AEC <-- AudioInput
//
// Nothing on the audio thread allocates or locks after start(), except
// creating a stream for an SSRC heard for the first time, and publishing
// statistics with a try_lock that never waits.
//
// Threads: start/stop/set* from any one controlling thread; pushIncoming
// from exactly one producer (the network strand), popOutgoing from exactly
// one consumer (the same strand). Ownership: owned by the Call; the devices
// must outlive it. stop() (and the destructor) joins the audio thread.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "media/audio/audio_receive_stream.h"
#include "media/audio/echo_canceller.h"
#include "media/audio/opus_encoder.h"
#include "media/engine/audio_device.h"
#include "media/engine/spsc_ring.h"
#include "media/rtp/rtp_packet.h"

namespace parley::media {

struct AudioEngineConfig {
  OpusEncoderConfig opus;
  JitterBufferConfig jitter;
  bool echo_cancellation = false;   // on for real microphones and speakers
  std::size_t ring_capacity = 256;  // packets each way (5 s of one stream)
  std::size_t max_streams = 32;     // remote senders mixed at once
  // A stream nobody heard for this long is dropped (frees its decoder).
  std::chrono::seconds stream_idle_timeout{10};
  // Opus DTX: during silence send one packet every this many frames (so
  // receivers know the stream lives), else nothing.
  int dtx_keepalive_frames = 20;
  bool realtime_priority = true;
};

struct AudioStreamStats {
  std::uint32_t ssrc = 0;
  AudioReceiveStats receive;
  // The loudest RFC 6464 level the sender put on its packets since the
  // previous publication, in -dBov (127: silence or no level sent): who is
  // speaking, without decoding.
  int loudest_dbov = 127;
};

struct AudioEngineStats {
  std::uint64_t ticks = 0;
  std::uint64_t frames_captured = 0;
  std::uint64_t packets_sent = 0;  // handed to the network
  std::uint64_t bytes_sent = 0;    // RTP bytes (before SRTP)
  std::uint64_t dtx_skipped = 0;
  std::uint64_t outgoing_dropped = 0;  // outgoing ring full
  std::uint64_t incoming_dropped = 0;  // incoming ring full
  std::uint64_t incoming_malformed = 0;
  std::uint64_t late_ticks = 0;        // the thread woke more than a frame late
  std::uint64_t red_packets_sent = 0;  // sent as RED (with copies of earlier frames)
  std::uint64_t red_bytes_sent = 0;    // what the copies and their headers added
  int expected_loss_percent = 0;       // as last given to the encoder
  int redundancy = 0;                  // earlier frames each packet carries now
  std::vector<AudioStreamStats> streams;
};

class AudioEngine {
 public:
  // Called on the audio thread when packets wait in the outgoing ring. Must
  // not block: post to the network strand and return.
  using PacketsReady = std::function<void()>;

  static Result<std::unique_ptr<AudioEngine>> create(AudioEngineConfig config, AudioInput& input,
                                                     AudioOutput& output, const Clock& clock);
  ~AudioEngine();
  AudioEngine(const AudioEngine&) = delete;
  AudioEngine& operator=(const AudioEngine&) = delete;

  // Starts the audio thread. Call once.
  void start(PacketsReady packets_ready);
  // Stops and joins the audio thread. Idempotent.
  void stop();

  // Network side: one plain RTP packet of some remote sender (copied).
  // False when the ring is full (counted).
  bool pushIncoming(std::span<const std::byte> rtp, Clock::TimePoint arrival);
  // Network side: hands each waiting outgoing RTP packet to `use`.
  void drainOutgoing(const std::function<void(std::span<const std::byte>)>& use);

  // What we send as: changes with each (re)join. Any thread.
  void setSendStream(std::uint32_t ssrc, std::uint8_t payload_type);
  void setMuted(bool muted);
  // The congestion controller's share for voice (bit/s); applied next tick.
  void setTargetBitrate(int bits_per_second);
  // What the receivers report losing (0..100); tunes Opus FEC.
  void setExpectedLoss(int percent);
  // Copies of how many earlier frames each packet carries (RED, RFC 2198;
  // 0..2, 0: plain Opus). Applied next tick.
  void setRedundancy(int frames);

  // The microphone's level in the last frame, in -dBov (0 loudest, 127
  // silence), muted or not; 127 before the first frame. Any thread.
  static constexpr int kSilentDbov = 127;
  [[nodiscard]] int inputLevelDbov() const { return input_level_.load(std::memory_order_relaxed); }

  // Latest statistics (published about once a second by the audio thread).
  [[nodiscard]] AudioEngineStats stats() const;

  // One tick on the calling thread, at `now`, for tests on virtual time.
  // Only when the thread was not started.
  void tickForTest(Clock::TimePoint now);

 private:
  struct Slot {
    std::array<std::byte, kMaxMediaPacketSize> bytes{};
    std::size_t size = 0;
    Clock::TimePoint arrival{};
  };
  struct Stream {
    std::uint32_t ssrc = 0;
    std::unique_ptr<AudioReceiveStream> stream;
    Clock::TimePoint last_heard{};
    int loudest_dbov = 127;  // since the last publication
  };

  AudioEngine(AudioEngineConfig config, AudioInput& input, AudioOutput& output, const Clock& clock,
              OpusEncoder encoder, std::unique_ptr<EchoCanceller> aec);
  void run();
  void tick(Clock::TimePoint now);
  void receive(Clock::TimePoint now);
  void playout(Clock::TimePoint now);
  void capture();
  // The RED payload of `primary` with copies of the frames sent before it,
  // in red_scratch_; empty when none fit (send plain Opus then).
  std::span<const std::byte> redPayload(std::span<const std::byte> primary, std::uint32_t ts,
                                        std::uint8_t opus_pt);
  void remember(std::span<const std::byte> sent, std::uint32_t ts);
  Stream* streamFor(std::uint32_t ssrc, Clock::TimePoint now);
  void publishStats(bool force);

  AudioEngineConfig config_;
  AudioInput& input_;
  AudioOutput& output_;
  const Clock& clock_;
  OpusEncoder encoder_;
  std::unique_ptr<EchoCanceller> aec_;

  SpscRing<Slot> incoming_;
  SpscRing<Slot> outgoing_;
  PacketsReady packets_ready_;
  std::thread thread_;
  std::atomic<bool> running_{false};

  std::atomic<std::uint32_t> send_ssrc_{0};
  std::atomic<std::uint8_t> send_pt_{111};
  std::atomic<bool> muted_{false};
  std::atomic<int> input_level_{kSilentDbov};
  std::atomic<int> target_bitrate_{0};
  std::atomic<int> expected_loss_{-1};
  std::atomic<int> redundancy_{0};

  // Audio-thread state.
  std::vector<Stream> streams_;
  std::vector<AudioFrame> mix_frames_;  // one per possible stream, sized once
  std::vector<const AudioFrame*> mix_inputs_;
  std::uint16_t sequence_ = 0;
  std::uint32_t timestamp_ = 0;
  int dtx_run_ = 0;
  bool talkspurt_ = false;
  std::vector<std::byte> rtp_scratch_;
  // Kept between packets so its audio level extension is not reallocated.
  RtpHeader send_header_;
  std::array<std::byte, kMaxOpusPacketBytes> opus_scratch_{};
  // The last packets sent (their Opus payloads), newest at history_[0]:
  // RED's copies. Only consecutive packets of the current SSRC.
  struct SentFrame {
    std::array<std::byte, kMaxOpusPacketBytes> data{};
    std::size_t size = 0;
    std::uint32_t timestamp = 0;
  };
  std::array<SentFrame, 2> history_{};
  std::size_t history_count_ = 0;
  std::uint32_t history_ssrc_ = 0;
  std::array<std::byte, kMaxMediaPacketSize> red_scratch_{};
  AudioEngineStats working_;
  std::uint64_t ticks_since_publish_ = 0;

  mutable std::mutex stats_mu_;  // try_lock only on the audio thread
  AudioEngineStats published_;
};

}  // namespace parley::media
