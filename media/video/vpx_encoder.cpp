#include "media/video/vpx_encoder.h"

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include <algorithm>
#include <string>

#include "media/video/vpx_error.h"

namespace parley::media {
namespace {

using detail::vpxError;

Unexpected outOfRange(const char* what, int value, int lo, int hi) {
  return makeError(ErrorCode::MediaUnsupported,
                   std::string("video encoder ") + what + " out of range (" + std::to_string(lo) +
                       ".." + std::to_string(hi) + "): " + std::to_string(value));
}

Result<void> validate(const VpxEncoderConfig& c) {
  if (c.width < 2 || c.width > kMaxVideoDimension) {
    return outOfRange("width", c.width, 2, kMaxVideoDimension);
  }
  if (c.height < 2 || c.height > kMaxVideoDimension) {
    return outOfRange("height", c.height, 2, kMaxVideoDimension);
  }
  if (c.target_bitrate_kbps < 10 || c.target_bitrate_kbps > 50000) {
    return outOfRange("bitrate (kbps)", c.target_bitrate_kbps, 10, 50000);
  }
  if (c.max_framerate < 1 || c.max_framerate > 120) {
    return outOfRange("max frame rate", c.max_framerate, 1, 120);
  }
  if (c.threads < 1 || c.threads > 16) {
    return outOfRange("threads", c.threads, 1, 16);
  }
  if (c.key_frame_interval < 0) {
    return outOfRange("key frame interval", c.key_frame_interval, 0, 1 << 30);
  }
  if (c.cpu_used < -16 || c.cpu_used > 16) {
    return outOfRange("cpu_used", c.cpu_used, -16, 16);
  }
  return {};
}

// Speed presets, measured with tests/bench/video_encode_bench.cpp on one
// core. VP8 takes a negative value in real-time mode to mean "exactly this
// speed" rather than libvpx's adaptive speed, whose guesses at CPU headroom
// make encode time (and so latency) swing; WebRTC uses -6 on desktops. A
// 1080p screen needs the faster -8 to stay far below the 30 ms budget.
// VP9 speeds 7 and 8 are its real-time paths (non-RD mode decision); 8 keeps
// 1080p screen frames well inside the budget, 7 buys camera quality at the
// small sizes where it is cheap.
int defaultCpuUsed(const VpxEncoderConfig& c) {
  const long pixels = static_cast<long>(c.width) * c.height;
  const bool large = pixels > 1280L * 720L;
  if (c.codec == VideoCodec::Vp8) {
    return large ? -8 : -6;
  }
  return large || c.screen_content ? 8 : 7;
}

// log2 of VP9 tile columns. Tiles at least 256 pixels wide (the format's
// minimum) are decoded in parallel by receivers even when we encode on one
// thread; four columns at 1080p is what libvpx's own real-time examples use.
// Each column costs a little compression, so small pictures get none.
int tileColumnsLog2(int width) {
  int log2 = 0;
  while (log2 < 2 && (width >> (log2 + 1)) >= 256 * 2) {
    ++log2;
  }
  return log2;
}

// Rate control drops a frame when its buffer is below this percentage of the
// optimal level (see applyRateControl).
constexpr unsigned kDropFrameThreshold = 30;

// What frames encoded after kMaxDroppedRun drops may add to the bitrate.
constexpr double kForcedShare = 0.4;

std::int64_t to90kHz(std::chrono::microseconds t) {
  return t.count() * 9 / 100;  // 90000 / 1000000
}

}  // namespace

std::string_view videoCodecName(VideoCodec codec) {
  return codec == VideoCodec::Vp8 ? "VP8" : "VP9";
}

struct VpxEncoder::Impl {
  VpxEncoderConfig config;
  vpx_codec_enc_cfg_t cfg{};
  vpx_codec_ctx_t ctx{};
  bool initialized = false;
  bool key_frame_requested = false;
  bool have_pts = false;
  std::int64_t last_pts = 0;  // 90 kHz, of the last frame given to libvpx
  std::int64_t next_due = 0;  // 90 kHz; earlier frames are skipped (max_framerate)
  int dropped_run = 0;        // frames in a row rate control dropped
  bool drops_allowed = true;  // see allowDrops()
  // Bits a screen may still spend on frames encoded against rate control's
  // wish (kForcedShare of the bitrate, at most a second's worth), and the
  // pts it was last topped up at.
  double forced_credit_bits = 0;
  std::int64_t credit_pts = 0;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { destroy(); }

  void destroy() {
    if (initialized) {
      vpx_codec_destroy(&ctx);
      initialized = false;
    }
  }

  [[nodiscard]] std::int64_t frameInterval() const {
    return kVideoRtpClockHz / std::max(1, config.max_framerate);
  }

  // Fills cfg from config; shared by init and the live setters.
  void applyRateControl() {
    const bool screen = config.screen_content;
    cfg.rc_target_bitrate = static_cast<unsigned>(config.target_bitrate_kbps);
    // Quantizer range (0..63). Screen content gets a low floor so a still
    // screen keeps refining until text is crisp; camera pictures gain little
    // below 2 and would only waste bits. Camera ceilings follow WebRTC (56
    // for VP8, 52 for VP9). A screen's ceiling is much lower: at q 52 a
    // 1080p page of small text is a smear (30 dB) however long it stays
    // still, at q 40 it is readable from the key frame on (35-37 dB,
    // measured in media_video_test). Rate control then pays for the bigger
    // frames by dropping the next ones, the trade a shared screen wants.
    cfg.rc_min_quantizer = screen ? 0 : 2;
    if (screen) {
      cfg.rc_max_quantizer = 40;
    } else {
      cfg.rc_max_quantizer = config.codec == VideoCodec::Vp8 ? 56 : 52;
    }
    // How far a frame may miss its share of the budget. VP8 (WebRTC's
    // values) may undershoot freely and overshoot little; VP9's rate control
    // is steadier with 50/50. Overshoot is what fills router queues, so it
    // stays small for both.
    cfg.rc_undershoot_pct = config.codec == VideoCodec::Vp8 ? 100 : 50;
    cfg.rc_overshoot_pct = config.codec == VideoCodec::Vp8 ? 15 : 50;
    // Decoder buffer model in ms: a short buffer keeps the encoder from
    // "saving up" bits and then sending a burst, which on a 1-2 Mbit/s link
    // is queueing delay. WebRTC's values (1000/500/600).
    cfg.rc_buf_sz = 1000;
    cfg.rc_buf_initial_sz = 500;
    cfg.rc_buf_optimal_sz = 600;
    // Let rate control drop a frame when the buffer runs low (30% of it)
    // instead of raising q: for a screen, a skipped frame costs nothing a
    // reader notices while a blurred one does; for a camera, a short stutter
    // is better than a smeared picture.
    cfg.rc_dropframe_thresh = drops_allowed ? kDropFrameThreshold : 0;
    // Never resize internally: scaled text is unreadable, and layer sizes are
    // chosen by the sender (FrameConverter::scale), not by libvpx.
    cfg.rc_resize_allowed = 0;
    cfg.kf_mode = config.key_frame_interval > 0 ? VPX_KF_AUTO : VPX_KF_DISABLED;
    cfg.kf_min_dist = 0;
    cfg.kf_max_dist = static_cast<unsigned>(config.key_frame_interval);
  }

  // WebRTC's cap on a key frame's size, in percent of an average frame:
  // half the optimal buffer's worth of frames (at least 3 frames' worth). A
  // larger key frame would take several frame intervals to leave a 1 Mbit/s
  // link and delay everything behind it.
  [[nodiscard]] unsigned maxIntraBitratePct() const {
    const unsigned pct =
        cfg.rc_buf_optimal_sz * 5 * static_cast<unsigned>(config.max_framerate) / 100;
    return std::max(pct, 300U);
  }

  Result<void> init() {
    destroy();
    drops_allowed = true;  // a new encoder starts with dropping on
    dropped_run = 0;
    vpx_codec_iface_t* iface =
        config.codec == VideoCodec::Vp8 ? vpx_codec_vp8_cx() : vpx_codec_vp9_cx();
    if (vpx_codec_err_t rc = vpx_codec_enc_config_default(iface, &cfg, 0); rc != VPX_CODEC_OK) {
      return makeError(ErrorCode::MediaCodecFailed,
                       std::string("libvpx config_default: ") + vpx_codec_err_to_string(rc));
    }
    cfg.g_w = static_cast<unsigned>(config.width);
    cfg.g_h = static_cast<unsigned>(config.height);
    cfg.g_threads = static_cast<unsigned>(config.threads);
    // RTP's 90 kHz clock as the time base, so packet pts are RTP timestamps.
    cfg.g_timebase.num = 1;
    cfg.g_timebase.den = kVideoRtpClockHz;
    cfg.g_pass = VPX_RC_ONE_PASS;
    // No look-ahead: every frame leaves the encoder as soon as it goes in
    // (no alt-ref frames, no latency added).
    cfg.g_lag_in_frames = 0;
    // Error resilient: no probability context carried from frame to frame
    // (VP9) and partitions decodable on their own (VP8), so a lost frame
    // damages only what references it rather than every later frame's
    // entropy decoding. Costs a few percent of bitrate.
    cfg.g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
    cfg.rc_end_usage = VPX_CBR;  // the congestion controller sets a rate; keep to it
    applyRateControl();

    if (vpx_codec_enc_init(&ctx, iface, &cfg, 0) != VPX_CODEC_OK) {
      Unexpected e = vpxError(&ctx, "enc_init");
      return e;
    }
    initialized = true;
    return configureControls();
  }

  Result<void> control(bool ok, const char* what) {
    if (!ok) {
      return vpxError(&ctx, what);
    }
    return {};
  }

  Result<void> configureControls() {
    const bool screen = config.screen_content;
    const int cpu_used = config.cpu_used != 0 ? config.cpu_used : defaultCpuUsed(config);
    if (auto r = control(vpx_codec_control(&ctx, VP8E_SET_CPUUSED, cpu_used) == VPX_CODEC_OK,
                         "set cpu_used");
        !r) {
      return r;
    }
    if (auto r = control(vpx_codec_control(&ctx, VP8E_SET_MAX_INTRA_BITRATE_PCT,
                                           maxIntraBitratePct()) == VPX_CODEC_OK,
                         "set max_intra_bitrate_pct");
        !r) {
      return r;
    }
    if (config.codec == VideoCodec::Vp8) {
      // Static threshold: macroblocks whose difference from the reference is
      // below this SAD are skipped outright. A camera wants every change
      // coded (1, WebRTC's value); on a screen most of the picture is
      // bit-identical between frames, and skipping near-identical blocks
      // saves most of the encode time, while a changed character's SAD is
      // far above 100.
      if (auto r = control(vpx_codec_control(&ctx, VP8E_SET_STATIC_THRESHOLD, screen ? 100U : 1U) ==
                               VPX_CODEC_OK,
                           "set static_threshold");
          !r) {
        return r;
      }
      // Mode 2: screen tools plus the rate control that drops frames after a
      // large overshoot (a page of new text) rather than lowering quality.
      if (auto r = control(vpx_codec_control(&ctx, VP8E_SET_SCREEN_CONTENT_MODE,
                                             screen ? 2U : 0U) == VPX_CODEC_OK,
                           "set screen_content_mode");
          !r) {
        return r;
      }
      // Noise reduction blurs text and costs CPU; cameras here are webcams
      // where WebRTC's experience is that it is not worth it in real time.
      if (auto r = control(vpx_codec_control(&ctx, VP8E_SET_NOISE_SENSITIVITY, 0) == VPX_CODEC_OK,
                           "set noise_sensitivity");
          !r) {
        return r;
      }
      // One token partition per thread (as a power of two) lets a
      // multi-threaded decoder work in parallel; one thread needs one.
      int partitions = VP8_ONE_TOKENPARTITION;
      if (config.threads >= 8) {
        partitions = VP8_EIGHT_TOKENPARTITION;
      } else if (config.threads >= 4) {
        partitions = VP8_FOUR_TOKENPARTITION;
      } else if (config.threads >= 2) {
        partitions = VP8_TWO_TOKENPARTITION;
      }
      return control(vpx_codec_control(&ctx, VP8E_SET_TOKEN_PARTITIONS, partitions) == VPX_CODEC_OK,
                     "set token_partitions");
    }
    // VP9.
    if (auto r = control(vpx_codec_control(&ctx, VP9E_SET_TUNE_CONTENT,
                                           screen ? int{VP9E_CONTENT_SCREEN}
                                                  : int{VP9E_CONTENT_DEFAULT}) == VPX_CODEC_OK,
                         "set tune_content");
        !r) {
      return r;
    }
    // Row-based multi-threading: threads share a tile column row by row, so
    // extra threads help even at few tile columns (no effect at 1 thread).
    if (auto r =
            control(vpx_codec_control(&ctx, VP9E_SET_ROW_MT, 1U) == VPX_CODEC_OK, "set row_mt");
        !r) {
      return r;
    }
    if (auto r = control(vpx_codec_control(&ctx, VP9E_SET_TILE_COLUMNS,
                                           tileColumnsLog2(config.width)) == VPX_CODEC_OK,
                         "set tile_columns");
        !r) {
      return r;
    }
    // Cyclic refresh (aq-mode 3): each frame spends extra bits on a rotating
    // band of blocks, so a static screen region sharpens over a few frames
    // and loss damage heals without a key frame. libvpx's real-time mode is
    // built around it (as WebRTC uses it).
    if (auto r =
            control(vpx_codec_control(&ctx, VP9E_SET_AQ_MODE, 3U) == VPX_CODEC_OK, "set aq_mode");
        !r) {
      return r;
    }
    if (auto r = control(vpx_codec_control(&ctx, VP8E_SET_STATIC_THRESHOLD, 1U) == VPX_CODEC_OK,
                         "set static_threshold");
        !r) {
      return r;
    }
    if (auto r = control(vpx_codec_control(&ctx, VP9E_SET_NOISE_SENSITIVITY, 0) == VPX_CODEC_OK,
                         "set noise_sensitivity");
        !r) {
      return r;
    }
    // Screen: drop a frame after encoding it if it overshot badly, instead
    // of sending it and starving the following frames (new text appears in
    // one frame rather than as a blurred frame and a slow recovery).
    if (screen) {
      return control(vpx_codec_control(&ctx, VP9E_SET_POSTENCODE_DROP, 1U) == VPX_CODEC_OK,
                     "set postencode_drop");
    }
    return {};
  }

  // Dropping frames is how rate control pays for a large frame, and a
  // screen's first seconds are all large frames (the still picture is
  // refined towards exact): left alone, VP9 at 1 Mbit/s drops 7 frames of a
  // 1080p page in a row (a 530 ms freeze), at 300 kbit/s 46 (3 s). After
  // kMaxDroppedRun drops the next frame is encoded regardless, at the
  // quantizer rate control picks for an empty buffer: of a still or slowly
  // changing picture that frame is small. Busy content makes it large, so
  // what such frames may add is capped (kForcedShare); past the cap rate
  // control drops as before, since the bitrate is what the network can
  // take. WebRTC caps screen-share drops the same way (max_consec_drop).
  // A camera keeps rate control's drops: a stutter beats a smear.
  [[nodiscard]] bool mustEncode(std::int64_t pts) {
    if (!config.screen_content) {
      return false;
    }
    const double per_second = kForcedShare * config.target_bitrate_kbps * 1000.0;
    forced_credit_bits =
        std::min(per_second, forced_credit_bits + per_second *
                                                      static_cast<double>(pts - credit_pts) /
                                                      kVideoRtpClockHz);
    credit_pts = pts;
    return dropped_run >= kMaxDroppedRun && forced_credit_bits > 0;
  }

  Result<void> allowDrops(bool allow) {
    if (allow == drops_allowed) {
      return {};
    }
    drops_allowed = allow;
    cfg.rc_dropframe_thresh = allow ? kDropFrameThreshold : 0;
    if (vpx_codec_enc_config_set(&ctx, &cfg) != VPX_CODEC_OK) {
      return vpxError(&ctx, "enc_config_set (frame dropping)");
    }
    if (config.codec == VideoCodec::Vp9 && config.screen_content) {
      return control(vpx_codec_control(&ctx, VP9E_SET_POSTENCODE_DROP, allow ? 1U : 0U) ==
                         VPX_CODEC_OK,
                     "set postencode_drop");
    }
    return {};
  }

  Result<void> updateConfig() {
    applyRateControl();
    if (vpx_codec_enc_config_set(&ctx, &cfg) != VPX_CODEC_OK) {
      return vpxError(&ctx, "enc_config_set");
    }
    return control(vpx_codec_control(&ctx, VP8E_SET_MAX_INTRA_BITRATE_PCT, maxIntraBitratePct()) ==
                       VPX_CODEC_OK,
                   "set max_intra_bitrate_pct");
  }
};

VpxEncoder::VpxEncoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VpxEncoder::VpxEncoder(VpxEncoder&&) noexcept = default;
VpxEncoder& VpxEncoder::operator=(VpxEncoder&&) noexcept = default;
VpxEncoder::~VpxEncoder() = default;

Result<VpxEncoder> VpxEncoder::create(const VpxEncoderConfig& config) {
  if (auto r = validate(config); !r) {
    return makeError(std::move(r).error());
  }
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  if (auto r = impl->init(); !r) {
    return makeError(std::move(r).error());
  }
  return VpxEncoder(std::move(impl));
}

const VpxEncoderConfig& VpxEncoder::config() const { return impl_->config; }

void VpxEncoder::requestKeyFrame() { impl_->key_frame_requested = true; }

Result<void> VpxEncoder::setBitrate(int kbps) {
  if (kbps < 10 || kbps > 50000) {
    return outOfRange("bitrate (kbps)", kbps, 10, 50000);
  }
  impl_->config.target_bitrate_kbps = kbps;
  return impl_->updateConfig();
}

Result<void> VpxEncoder::setMaxFramerate(int fps) {
  if (fps < 1 || fps > 120) {
    return outOfRange("max frame rate", fps, 1, 120);
  }
  impl_->config.max_framerate = fps;
  // libvpx sizes frames from the pts spacing it sees; the skip logic in
  // encode() makes that spacing follow the new limit.
  return impl_->updateConfig();
}

Result<std::vector<EncodedFrame>> VpxEncoder::encode(const VideoFrame& frame,
                                                     bool force_key_frame) {
  Impl& s = *impl_;
  if (frame.empty()) {
    return makeError(ErrorCode::MediaCodecFailed, "video encode: empty frame");
  }
  if (frame.width() < 2 || frame.height() < 2) {
    return makeError(ErrorCode::MediaUnsupported, "video encode: frame smaller than 2x2");
  }
  if (frame.width() != s.config.width || frame.height() != s.config.height) {
    s.config.width = frame.width();
    s.config.height = frame.height();
    if (auto r = s.init(); !r) {
      return makeError(std::move(r).error());
    }
    s.have_pts = false;
  }

  const std::int64_t interval = s.frameInterval();
  std::int64_t pts = to90kHz(frame.timestamp());
  if (s.have_pts && pts <= s.last_pts) {
    pts = s.last_pts + interval;
  }
  const bool key = force_key_frame || s.key_frame_requested;
  if (s.have_pts && !key && pts < s.next_due - interval / 4) {
    return std::vector<EncodedFrame>{};  // faster than max_framerate
  }
  // Schedule on the ideal grid, but never let it fall more than a frame
  // behind the input (after a pause, do not burst to "catch up").
  s.next_due = s.have_pts ? std::max(s.next_due + interval, pts) : pts + interval;
  const std::int64_t duration =
      s.have_pts ? std::clamp<std::int64_t>(pts - s.last_pts, 1, 90000) : interval;

  vpx_image_t img;
  // vpx_img_wrap() needs one contiguous buffer; point its planes at ours.
  // libvpx only reads the input (the cast drops const for its C API).
  auto* y = const_cast<std::uint8_t*>(frame.data(Plane::Y));
  if (vpx_img_wrap(&img, VPX_IMG_FMT_I420, static_cast<unsigned>(frame.width()),
                   static_cast<unsigned>(frame.height()), 1, y) == nullptr) {
    return makeError(ErrorCode::MediaCodecFailed, "libvpx img_wrap failed");
  }
  img.planes[VPX_PLANE_Y] = y;
  img.planes[VPX_PLANE_U] = const_cast<std::uint8_t*>(frame.data(Plane::U));
  img.planes[VPX_PLANE_V] = const_cast<std::uint8_t*>(frame.data(Plane::V));
  img.stride[VPX_PLANE_Y] = frame.stride(Plane::Y);
  img.stride[VPX_PLANE_U] = frame.stride(Plane::U);
  img.stride[VPX_PLANE_V] = frame.stride(Plane::V);

  const bool forced = s.have_pts && s.mustEncode(pts);
  if (!s.have_pts) {
    s.credit_pts = pts;
  }
  if (auto r = s.allowDrops(!forced); !r) {
    return makeError(std::move(r).error());
  }
  const vpx_enc_frame_flags_t flags = key ? VPX_EFLAG_FORCE_KF : 0;
  if (vpx_codec_encode(&s.ctx, &img, pts, static_cast<unsigned long>(duration), flags,
                       VPX_DL_REALTIME) != VPX_CODEC_OK) {
    return vpxError(&s.ctx, "encode");
  }
  s.key_frame_requested = false;
  s.have_pts = true;
  s.last_pts = pts;

  std::vector<EncodedFrame> out;
  vpx_codec_iter_t iter = nullptr;
  while (const vpx_codec_cx_pkt_t* pkt = vpx_codec_get_cx_data(&s.ctx, &iter)) {
    if (pkt->kind != VPX_CODEC_CX_FRAME_PKT || pkt->data.frame.sz == 0) {
      continue;
    }
    EncodedFrame encoded;
    const auto* begin = static_cast<const std::byte*>(pkt->data.frame.buf);
    encoded.bytes.assign(begin, begin + pkt->data.frame.sz);
    encoded.key_frame = (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0;
    encoded.rtp_timestamp = static_cast<std::uint32_t>(pkt->data.frame.pts);
    encoded.width = frame.width();
    encoded.height = frame.height();
    out.push_back(std::move(encoded));
  }
  s.dropped_run = out.empty() ? s.dropped_run + 1 : 0;
  if (forced) {
    for (const auto& f : out) {
      s.forced_credit_bits -= static_cast<double>(f.bytes.size()) * 8;
    }
  }
  // A requested key frame that rate control dropped must come next time.
  if (key &&
      std::none_of(out.begin(), out.end(), [](const EncodedFrame& f) { return f.key_frame; })) {
    s.key_frame_requested = true;
  }
  return out;
}

}  // namespace parley::media
