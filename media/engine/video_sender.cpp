#include "media/engine/video_sender.h"

#include <chrono>
#include <cstring>
#include <optional>

#include "media/rtp/payload_types.h"
#include "media/rtp/vp8_payload.h"
#include "media/rtp/vp9_payload.h"
#include "media/video/frame_convert.h"

namespace parley::media {

struct VideoSender::Layer {
  VpxEncoder encoder;
  std::optional<Vp8Packetizer> vp8;
  std::optional<Vp9Packetizer> vp9;
  std::uint16_t sequence = 0;
  int kbps = 0;
  std::vector<std::byte> rtp;
  Clock::TimePoint last_key{};
};

namespace {

int evenHalf(int v) { return std::max(2, (v / 2) & ~1); }

constexpr auto kMinKeyFrameInterval = std::chrono::seconds(1);

}  // namespace

Result<std::unique_ptr<VideoSender>> VideoSender::create(VideoSenderConfig config,
                                                         std::unique_ptr<VideoSource> source,
                                                         const Clock& clock) {
  if (!source) {
    return makeError(ErrorCode::InvalidArgument, "no video source");
  }
  return std::unique_ptr<VideoSender>(new VideoSender(config, std::move(source), clock));
}

VideoSender::VideoSender(VideoSenderConfig config, std::unique_ptr<VideoSource> source,
                         const Clock& clock)
    : config_(config),
      source_(std::move(source)),
      clock_(clock),
      outgoing_(config.ring_capacity),
      high_kbps_(config.high_kbps),
      low_kbps_(config.low_kbps),
      converter_(std::make_unique<FrameConverter>()) {}

VideoSender::~VideoSender() { stop(); }

void VideoSender::start(PacketsReady packets_ready) {
  packets_ready_ = std::move(packets_ready);
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void VideoSender::stop() {
  running_ = false;
  if (thread_.joinable()) {
    thread_.join();
  }
}

void VideoSender::setStream(std::uint32_t high_ssrc, std::uint32_t low_ssrc,
                            std::uint8_t payload_type) {
  payload_type_ = payload_type;
  low_ssrc_ = low_ssrc;
  high_ssrc_ = high_ssrc;
  // A new leg: its receivers start with a key frame.
  key_high_ = true;
  key_low_ = true;
}

void VideoSender::setBitrates(int high_kbps, int low_kbps) {
  high_kbps_ = high_kbps;
  low_kbps_ = low_kbps;
}

void VideoSender::requestKeyFrame(std::uint32_t ssrc) {
  if (ssrc == high_ssrc_.load()) {
    key_high_ = true;
  } else if (ssrc == low_ssrc_.load()) {
    key_low_ = true;
  }
}

void VideoSender::drainOutgoing(const std::function<void(std::span<const std::byte>)>& use) {
  while (outgoing_.tryPop(
      [&](Slot& slot) { use(std::span<const std::byte>(slot.bytes.data(), slot.size)); })) {
  }
}

VideoSenderStats VideoSender::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

void VideoSender::run() {
  const auto interval = std::chrono::microseconds(1'000'000 / std::max(1, config_.max_fps));
  auto due = std::chrono::steady_clock::now();
  const auto start = clock_.now();
  while (running_.load()) {
    auto frame = source_->nextFrame();
    if (!frame) {
      std::lock_guard lock(stats_mu_);
      stats_.error = frame.error().toString();
      return;  // the source is finished (display gone): nothing more to send
    }
    if (*frame && high_ssrc_.load() != 0) {
      // Stamp with our clock: the RTP timestamps must follow real time.
      (*frame)->setTimestamp(
          std::chrono::duration_cast<std::chrono::microseconds>(clock_.now() - start));
      encodeFrame(**frame);
    }
    due += interval;
    const auto now = std::chrono::steady_clock::now();
    if (due < now - interval) {
      due = now;  // fell behind (a slow encode): skip, do not burst
    }
    std::this_thread::sleep_until(due);
  }
}

Result<void> VideoSender::ensureEncoders(int width, int height, std::uint8_t payload_type) {
  if (high_ && active_pt_ == payload_type) {
    return {};
  }
  const VideoCodec codec = payload_type == kVp8PayloadType ? VideoCodec::Vp8 : VideoCodec::Vp9;
  auto makeLayer = [&](int w, int h, int kbps) -> Result<std::unique_ptr<Layer>> {
    VpxEncoderConfig config;
    config.codec = codec;
    config.width = w;
    config.height = h;
    config.target_bitrate_kbps = std::max(kbps, 30);
    config.max_framerate = config_.max_fps;
    config.screen_content = config_.screen;
    config.threads = config_.threads;
    config.key_frame_interval = 0;  // key frames when a receiver asks (PLI)
    auto encoder = VpxEncoder::create(config);
    if (!encoder) {
      return makeError(std::move(encoder).error());
    }
    auto layer = std::unique_ptr<Layer>(new Layer{std::move(*encoder), {}, {}, 0, kbps, {}, {}});
    if (codec == VideoCodec::Vp8) {
      layer->vp8.emplace();
    } else {
      layer->vp9.emplace();
    }
    layer->rtp.reserve(kMaxMediaPacketSize);
    return layer;
  };
  auto high = makeLayer(width, height, high_kbps_.load());
  if (!high) {
    return makeError(std::move(high).error());
  }
  high_ = std::move(*high);
  low_.reset();
  if (config_.simulcast) {
    auto low = makeLayer(evenHalf(width), evenHalf(height), low_kbps_.load());
    if (!low) {
      return makeError(std::move(low).error());
    }
    low_ = std::move(*low);
  }
  active_pt_ = payload_type;
  std::lock_guard lock(stats_mu_);
  stats_.codec = std::string(videoCodecName(codec));
  stats_.width = width;
  stats_.height = height;
  return {};
}

void VideoSender::encodeFrame(const VideoFrame& frame) {
  const std::uint8_t pt = payload_type_.load();
  if (auto ok = ensureEncoders(frame.width(), frame.height(), pt); !ok) {
    std::lock_guard lock(stats_mu_);
    ++stats_.encode_errors;
    stats_.error = ok.error().toString();
    return;
  }
  const auto began = std::chrono::steady_clock::now();
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t dropped = 0;
  std::uint64_t keys = 0;
  std::uint64_t errors = 0;
  bool encoded_high = false;
  bool encoded_low = false;

  auto sendLayer = [&](Layer& layer, const VideoFrame& picture, std::uint32_t ssrc,
                       std::atomic<bool>& key_flag, int kbps) -> bool {
    if (kbps <= 0 || ssrc == 0) {
      return false;  // paused: nobody can take this layer now
    }
    if (kbps != layer.kbps) {
      layer.kbps = kbps;
      (void)layer.encoder.setBitrate(kbps);
    }
    // Key frames on request, but at most one a second per layer: a 1080p
    // screen key frame is over 100 KB, and several receivers switching
    // layers at once would otherwise burst far past the sending budget. A
    // request inside the second waits for it (the flag stays set).
    // On the injected clock, so that tests can step past the spacing.
    const auto now = clock_.now();
    const bool key_due = key_flag.load() && (layer.last_key == Clock::TimePoint{} ||
                                             now - layer.last_key >= kMinKeyFrameInterval);
    if (key_due) {
      key_flag = false;
    }
    auto encoded = layer.encoder.encode(picture, key_due);
    if (!encoded) {
      ++errors;
      return false;
    }
    for (const auto& e : *encoded) {
      keys += e.key_frame ? 1 : 0;
      if (e.key_frame) {
        layer.last_key = now;
      }
      auto payloads =
          layer.vp8 ? layer.vp8->packetize(e.bytes) : layer.vp9->packetize(e.bytes, e.key_frame);
      if (!payloads) {
        ++errors;
        continue;
      }
      for (std::size_t i = 0; i < payloads->size(); ++i) {
        RtpHeader header;
        header.payload_type = pt;
        header.sequence = layer.sequence++;
        header.timestamp = e.rtp_timestamp;
        header.ssrc = ssrc;
        header.marker = i + 1 == payloads->size();
        writeRtp(header, (*payloads)[i], layer.rtp);
        const bool queued = outgoing_.tryPush([&](Slot& slot) {
          std::memcpy(slot.bytes.data(), layer.rtp.data(), layer.rtp.size());
          slot.size = layer.rtp.size();
        });
        if (queued) {
          ++packets;
          bytes += layer.rtp.size();
        } else {
          ++dropped;
        }
      }
    }
    return !encoded->empty();
  };

  encoded_high = sendLayer(*high_, frame, high_ssrc_.load(), key_high_, high_kbps_.load());
  if (low_ && low_kbps_.load() > 0) {
    auto small = converter_->scale(frame, evenHalf(frame.width()), evenHalf(frame.height()));
    if (small) {
      small->setTimestamp(frame.timestamp());
      encoded_low = sendLayer(*low_, *small, low_ssrc_.load(), key_low_, low_kbps_.load());
    } else {
      ++errors;
    }
  }
  if (packets > 0 && packets_ready_) {
    packets_ready_();
  }
  std::lock_guard lock(stats_mu_);
  // The encoders follow the source's size (a resized window, a new monitor
  // mode) without being made again: the size sent is the frame's.
  stats_.width = frame.width();
  stats_.height = frame.height();
  ++stats_.frames_captured;
  stats_.frames_encoded_high += encoded_high ? 1 : 0;
  stats_.frames_encoded_low += encoded_low ? 1 : 0;
  stats_.key_frames += keys;
  stats_.packets += packets;
  stats_.bytes += bytes;
  stats_.ring_dropped += dropped;
  stats_.encode_errors += errors;
  stats_.last_encode_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
}

}  // namespace parley::media
