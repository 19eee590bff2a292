#include "media/engine/audio_engine.h"

#include <algorithm>
#include <cstring>

#include "media/audio/audio_mixer.h"
#include "media/rtp/audio_level.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/red_payload.h"
#include "net/platform/realtime_priority.h"

namespace parley::media {
namespace {

// What the echo canceller assumes between playing a frame and hearing it
// again: one frame out, one frame in, plus typical device buffering.
constexpr int kEchoPathDelayMs = 60;

}  // namespace

Result<std::unique_ptr<AudioEngine>> AudioEngine::create(AudioEngineConfig config,
                                                         AudioInput& input, AudioOutput& output,
                                                         const Clock& clock) {
  auto encoder = OpusEncoder::create(config.opus);
  if (!encoder) {
    return makeError(std::move(encoder).error());
  }
  std::unique_ptr<EchoCanceller> aec;
  if (config.echo_cancellation) {
    auto created = EchoCanceller::create();
    if (!created) {
      return makeError(std::move(created).error());
    }
    aec = std::move(*created);
  }
  return std::unique_ptr<AudioEngine>(
      new AudioEngine(config, input, output, clock, std::move(*encoder), std::move(aec)));
}

AudioEngine::AudioEngine(AudioEngineConfig config, AudioInput& input, AudioOutput& output,
                         const Clock& clock, OpusEncoder encoder,
                         std::unique_ptr<EchoCanceller> aec)
    : config_(config),
      input_(input),
      output_(output),
      clock_(clock),
      encoder_(std::move(encoder)),
      aec_(std::move(aec)),
      incoming_(config.ring_capacity),
      outgoing_(config.ring_capacity) {
  streams_.reserve(config_.max_streams);
  mix_frames_.resize(config_.max_streams);
  mix_inputs_.reserve(config_.max_streams);
  rtp_scratch_.reserve(kMaxMediaPacketSize);
  working_.streams.reserve(config_.max_streams);
  published_.streams.reserve(config_.max_streams);
}

AudioEngine::~AudioEngine() { stop(); }

void AudioEngine::start(PacketsReady packets_ready) {
  packets_ready_ = std::move(packets_ready);
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void AudioEngine::stop() {
  running_ = false;
  if (thread_.joinable()) {
    thread_.join();
  }
}

void AudioEngine::run() {
  if (config_.realtime_priority) {
    // Real-time where the system allows it; otherwise the thread keeps
    // working at what it got, and the log says so once.
    (void)net::raiseVoiceThread(net::VoiceThread::Audio);
  }
  // The thread keeps its own deadline schedule on the steady clock: each
  // tick is due 20 ms after the previous one, so a late wake-up is caught up
  // instead of drifting.
  auto due = std::chrono::steady_clock::now();
  while (running_.load(std::memory_order_acquire)) {
    tick(clock_.now());
    due += kAudioFrameDuration;
    const auto now = std::chrono::steady_clock::now();
    if (now > due + kAudioFrameDuration) {
      ++working_.late_ticks;
      due = now;  // far behind (suspended, debugger): start a new schedule
    }
    std::this_thread::sleep_until(due);
  }
  publishStats(true);
}

void AudioEngine::tickForTest(Clock::TimePoint now) {
  tick(now);
  publishStats(true);
}

void AudioEngine::tick(Clock::TimePoint now) {
  ++working_.ticks;
  receive(now);
  playout(now);
  capture();
  if (++ticks_since_publish_ >= 50) {
    publishStats(false);
  }
}

bool AudioEngine::pushIncoming(std::span<const std::byte> rtp, Clock::TimePoint arrival) {
  if (rtp.size() > kMaxMediaPacketSize) {
    return false;
  }
  return incoming_.tryPush([&](Slot& slot) {
    std::memcpy(slot.bytes.data(), rtp.data(), rtp.size());
    slot.size = rtp.size();
    slot.arrival = arrival;
  });
}

void AudioEngine::drainOutgoing(const std::function<void(std::span<const std::byte>)>& use) {
  while (outgoing_.tryPop(
      [&](Slot& slot) { use(std::span<const std::byte>(slot.bytes.data(), slot.size)); })) {
  }
}

void AudioEngine::setSendStream(std::uint32_t ssrc, std::uint8_t payload_type) {
  send_pt_ = payload_type;
  send_ssrc_ = ssrc;
}

void AudioEngine::setMuted(bool muted) { muted_ = muted; }
void AudioEngine::setTargetBitrate(int bits_per_second) { target_bitrate_ = bits_per_second; }
void AudioEngine::setExpectedLoss(int percent) { expected_loss_ = percent; }
void AudioEngine::setRedundancy(int frames) { redundancy_ = std::clamp(frames, 0, 2); }

AudioEngine::Stream* AudioEngine::streamFor(std::uint32_t ssrc, Clock::TimePoint now) {
  for (auto& s : streams_) {
    if (s.ssrc == ssrc) {
      return &s;
    }
  }
  if (streams_.size() >= config_.max_streams) {
    return nullptr;
  }
  auto created = AudioReceiveStream::create(config_.jitter);
  if (!created) {
    return nullptr;
  }
  streams_.push_back(Stream{ssrc, std::make_unique<AudioReceiveStream>(std::move(*created)), now});
  return &streams_.back();
}

void AudioEngine::receive(Clock::TimePoint now) {
  while (incoming_.tryPop([&](Slot& slot) {
    auto rtp = parseRtp(std::span<const std::byte>(slot.bytes.data(), slot.size));
    if (!rtp) {
      ++working_.incoming_malformed;
      return;
    }
    Stream* stream = streamFor(rtp->header.ssrc, now);
    if (stream == nullptr) {
      ++working_.incoming_dropped;
      return;
    }
    stream->last_heard = slot.arrival;
    if (const auto level = findAudioLevel(rtp->header); level) {
      stream->loudest_dbov = std::min<int>(stream->loudest_dbov, level->level);
    }
    if (rtp->header.payload_type == kRedPayloadType) {
      (void)stream->stream->onRedPacket(rtp->header.sequence, rtp->header.timestamp, rtp->payload,
                                        slot.arrival);
    } else {
      (void)stream->stream->onPacket(rtp->header.sequence, rtp->header.timestamp, rtp->payload,
                                     slot.arrival);
    }
  })) {
  }
  // Forget senders that went quiet for good (left, or stopped sending).
  std::erase_if(streams_,
                [&](const Stream& s) { return now - s.last_heard > config_.stream_idle_timeout; });
}

void AudioEngine::playout(Clock::TimePoint now) {
  mix_inputs_.clear();
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    mix_frames_[i] = streams_[i].stream->pullFrame(now);
    mix_inputs_.push_back(&mix_frames_[i]);
  }
  AudioFrame mix{};
  mixFrames(std::span<const AudioFrame* const>(mix_inputs_.data(), mix_inputs_.size()), mix);
  output_.write(mix);
  if (aec_) {
    (void)aec_->processRender(mix);
  }
}

void AudioEngine::capture() {
  // The RTP clock runs with real time, sent or not, so receivers can place
  // the packet after a silence (RFC 7587 section 4.1).
  const std::uint32_t ts = timestamp_;
  timestamp_ += kRtpTicksPerFrame;
  const std::uint32_t ssrc = send_ssrc_.load();
  if (ssrc == 0) {
    input_.idle();  // no call to send to yet
    talkspurt_ = false;
    return;
  }
  AudioFrame frame{};
  const bool captured = input_.read(frame);
  // Measured muted or not: the level meter, and the warning that someone
  // speaks while muted, read it.
  input_level_.store(captured ? pcmLevelDbov(frame) : kSilentDbov, std::memory_order_relaxed);
  if (!captured || muted_.load()) {
    talkspurt_ = false;
    return;
  }
  ++working_.frames_captured;
  if (aec_) {
    (void)aec_->processCapture(frame, kEchoPathDelayMs);
  }
  if (const int bitrate = target_bitrate_.exchange(0); bitrate > 0) {
    (void)encoder_.setBitrate(bitrate);
  }
  if (const int loss = expected_loss_.exchange(-1); loss >= 0) {
    (void)encoder_.setExpectedLossPercent(loss);
    working_.expected_loss_percent = loss;
  }
  auto size = encoder_.encode(frame, opus_scratch_);
  if (!size) {
    return;
  }
  if (OpusEncoder::isDtxPacket(*size)) {
    // Silence: a keep-alive now and then, nothing otherwise.
    if (dtx_run_++ % config_.dtx_keepalive_frames != 0) {
      ++working_.dtx_skipped;
      talkspurt_ = false;
      return;
    }
  } else {
    dtx_run_ = 0;
  }
  RtpHeader& header = send_header_;
  const std::uint8_t opus_pt = send_pt_.load();
  const auto opus = std::span<const std::byte>(opus_scratch_.data(), *size);
  if (ssrc != history_ssrc_) {
    history_ssrc_ = ssrc;
    history_count_ = 0;  // copies from another leg's sequence would land wrong
  }
  // Silence (a DTX keep-alive) goes without copies: nothing to repair.
  const auto red = OpusEncoder::isDtxPacket(*size) ? std::span<const std::byte>{}
                                                   : redPayload(opus, ts, opus_pt);
  remember(opus, ts);
  header.payload_type = red.empty() ? opus_pt : kRedPayloadType;
  header.sequence = sequence_++;
  header.timestamp = ts;
  header.ssrc = ssrc;
  // RFC 3551: the marker flags the first packet of a talkspurt.
  header.marker = !talkspurt_;
  talkspurt_ = !OpusEncoder::isDtxPacket(*size);
  // RFC 6464: the level of what was encoded, so the server can forward only
  // the loudest speakers of a big room without decrypting (docs/media.md).
  setAudioLevel(header, AudioLevel{pcmLevelDbov(frame), talkspurt_});
  writeRtp(header, red.empty() ? opus : red, rtp_scratch_);
  const bool queued = outgoing_.tryPush([&](Slot& slot) {
    std::memcpy(slot.bytes.data(), rtp_scratch_.data(), rtp_scratch_.size());
    slot.size = rtp_scratch_.size();
  });
  if (!queued) {
    ++working_.outgoing_dropped;
    return;
  }
  ++working_.packets_sent;
  working_.bytes_sent += rtp_scratch_.size();
  if (!red.empty()) {
    ++working_.red_packets_sent;
    working_.red_bytes_sent += red.size() - opus.size();
  }
  if (packets_ready_) {
    packets_ready_();
  }
}

std::span<const std::byte> AudioEngine::redPayload(std::span<const std::byte> primary,
                                                   std::uint32_t ts, std::uint8_t opus_pt) {
  const auto wanted = static_cast<std::size_t>(redundancy_.load());
  working_.redundancy = static_cast<int>(wanted);
  // The copies are the packets just before this one, consecutive, oldest
  // first (red_payload.h): the receiver finds their sequence numbers by
  // position. An old copy whose offset the 14 bits cannot hold (the talker
  // paused) is left out, and so is everything older.
  std::array<RedBlock, 2> blocks{};
  std::size_t count = 0;
  for (std::size_t back = std::min(wanted, history_count_); back > 0; --back) {
    const SentFrame& sent = history_[back - 1];
    const std::uint32_t offset = ts - sent.timestamp;
    if (offset > kMaxRedTimestampOffset || sent.size > kMaxRedBlockLength) {
      count = 0;  // only copies consecutive up to the primary count
      continue;
    }
    blocks[count++] =
        RedBlock{opus_pt, offset, std::span<const std::byte>(sent.data.data(), sent.size)};
  }
  if (count == 0) {
    return {};
  }
  // Room for the RTP header and its audio level extension.
  constexpr std::size_t kHeaderRoom = 64;
  auto written =
      writeRed(std::span<const RedBlock>(blocks.data(), count), opus_pt, primary,
               std::span<std::byte>(red_scratch_.data(), red_scratch_.size() - kHeaderRoom));
  if (!written) {
    return {};
  }
  return std::span<const std::byte>(red_scratch_.data(), *written);
}

void AudioEngine::remember(std::span<const std::byte> sent, std::uint32_t ts) {
  std::rotate(history_.rbegin(), history_.rbegin() + 1, history_.rend());
  SentFrame& newest = history_[0];
  std::copy(sent.begin(), sent.end(), newest.data.begin());
  newest.size = sent.size();
  newest.timestamp = ts;
  history_count_ = std::min(history_count_ + 1, history_.size());
}

void AudioEngine::publishStats(bool force) {
  std::unique_lock lock(stats_mu_, std::defer_lock);
  if (force) {
    lock.lock();
  } else if (!lock.try_lock()) {
    return;  // a reader holds it: publish next time, never wait
  }
  ticks_since_publish_ = 0;
  working_.streams.clear();
  for (auto& s : streams_) {
    working_.streams.push_back(AudioStreamStats{s.ssrc, s.stream->stats(), s.loudest_dbov});
    s.loudest_dbov = kAudioLevelSilent;
  }
  // Assignment reuses published_'s capacity (both reserved for max_streams).
  published_ = working_;
}

AudioEngineStats AudioEngine::stats() const {
  std::lock_guard lock(stats_mu_);
  return published_;
}

}  // namespace parley::media
