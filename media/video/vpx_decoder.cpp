#include "media/video/vpx_decoder.h"

#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#include <cstring>
#include <string>

#include "media/video/vpx_error.h"

namespace parley::media {
namespace {

using detail::vpxError;

vpx_codec_iface_t* decoderInterface(VideoCodec codec) {
  return codec == VideoCodec::Vp8 ? vpx_codec_vp8_dx() : vpx_codec_vp9_dx();
}

}  // namespace

struct VpxDecoder::Impl {
  VideoCodec codec = VideoCodec::Vp9;
  vpx_codec_ctx_t ctx{};
  bool initialized = false;
  int threads = 1;
  bool waiting_for_key_frame = true;

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

  Result<void> init() {
    destroy();
    vpx_codec_dec_cfg_t cfg{};
    cfg.threads = static_cast<unsigned>(threads);
    if (vpx_codec_dec_init(&ctx, decoderInterface(codec), &cfg, 0) != VPX_CODEC_OK) {
      return vpxError(&ctx, "dec_init");
    }
    initialized = true;
    return {};
  }

  // After an error libvpx's state is suspect (VP9 can be left holding frame
  // buffers it never frees, and then refuses every later frame), so start
  // over: a fresh context needs a key frame, which is what we wait for
  // anyway.
  Unexpected fail(Unexpected error) {
    waiting_for_key_frame = true;
    if (auto r = init(); !r) {
      return makeError(std::move(r).error());
    }
    return error;
  }
};

VpxDecoder::VpxDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VpxDecoder::VpxDecoder(VpxDecoder&&) noexcept = default;
VpxDecoder& VpxDecoder::operator=(VpxDecoder&&) noexcept = default;
VpxDecoder::~VpxDecoder() = default;

Result<VpxDecoder> VpxDecoder::create(VideoCodec codec, int threads) {
  if (threads < 1 || threads > 16) {
    return makeError(ErrorCode::MediaUnsupported,
                     "video decoder threads out of range (1..16): " + std::to_string(threads));
  }
  auto impl = std::make_unique<Impl>();
  impl->codec = codec;
  impl->threads = threads;
  if (auto r = impl->init(); !r) {
    return makeError(std::move(r).error());
  }
  return VpxDecoder(std::move(impl));
}

bool VpxDecoder::waitingForKeyFrame() const { return impl_->waiting_for_key_frame; }
VideoCodec VpxDecoder::codec() const { return impl_->codec; }

Result<std::optional<VideoFrame>> VpxDecoder::decode(std::span<const std::byte> data,
                                                     std::uint32_t rtp_timestamp) {
  Impl& s = *impl_;
  if (data.empty()) {
    return makeError(ErrorCode::MediaCodecFailed, "video decode: empty frame");
  }
  // libvpx takes an unsigned int size; our frames are bounded far below by
  // FrameAssembler, but a caller could pass anything.
  if (data.size() > (std::size_t{1} << 30)) {
    return makeError(ErrorCode::MediaCodecFailed, "video decode: frame too large");
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
  const auto size = static_cast<unsigned>(data.size());

  // Peek first: it parses only the frame header, so we can refuse an inter
  // frame after a loss and a hostile size before libvpx allocates buffers
  // for it (VP9 allows 65536x65536, 6 GiB of reference frames).
  vpx_codec_stream_info_t info{};
  info.sz = sizeof(info);
  const bool peeked =
      vpx_codec_peek_stream_info(decoderInterface(s.codec), bytes, size, &info) == VPX_CODEC_OK;
  const bool key = peeked && info.is_kf != 0;
  if (key && (info.w > static_cast<unsigned>(kMaxVideoDimension) ||
              info.h > static_cast<unsigned>(kMaxVideoDimension))) {
    s.waiting_for_key_frame = true;
    return makeError(ErrorCode::MediaUnsupported, "video decode: picture " +
                                                      std::to_string(info.w) + "x" +
                                                      std::to_string(info.h) + " too large");
  }
  if (s.waiting_for_key_frame && !key) {
    return makeError(ErrorCode::MediaCodecFailed, "video decode: waiting for a key frame");
  }

  if (!s.initialized) {
    // An earlier reset failed (out of memory); try again.
    if (auto r = s.init(); !r) {
      return makeError(std::move(r).error());
    }
  }
  if (vpx_codec_decode(&s.ctx, bytes, size, nullptr, 0) != VPX_CODEC_OK) {
    return s.fail(vpxError(&s.ctx, "decode"));
  }
  // VP8 flags pictures it had to build on missing or corrupt data; showing
  // them would show garbage until the next key frame anyway.
  if (s.codec == VideoCodec::Vp8) {
    int corrupted = 0;
    if (vpx_codec_control(&s.ctx, VP8D_GET_FRAME_CORRUPTED, &corrupted) == VPX_CODEC_OK &&
        corrupted != 0) {
      return s.fail(makeError(ErrorCode::MediaCodecFailed, "video decode: corrupt VP8 frame"));
    }
  }
  s.waiting_for_key_frame = false;

  std::optional<VideoFrame> shown;
  vpx_codec_iter_t iter = nullptr;
  while (vpx_image_t* img = vpx_codec_get_frame(&s.ctx, &iter)) {
    if (img->fmt != VPX_IMG_FMT_I420 || img->bit_depth != 8) {
      return makeError(ErrorCode::MediaUnsupported,
                       "video decode: only 8-bit 4:2:0 streams are supported");
    }
    const auto timestamp = std::chrono::microseconds(static_cast<std::int64_t>(rtp_timestamp) *
                                                     1000000 / kVideoRtpClockHz);
    auto frame =
        VideoFrame::create(static_cast<int>(img->d_w), static_cast<int>(img->d_h), timestamp);
    if (!frame) {
      return s.fail(makeError(std::move(frame).error()));
    }
    const int planes[3] = {VPX_PLANE_Y, VPX_PLANE_U, VPX_PLANE_V};
    for (int p = 0; p < 3; ++p) {
      const auto plane = static_cast<Plane>(p);
      const std::uint8_t* src = img->planes[planes[p]];
      const int src_stride = img->stride[planes[p]];
      for (int row = 0; row < frame->planeHeight(plane); ++row) {
        std::memcpy(frame->row(plane, row), src + static_cast<std::ptrdiff_t>(src_stride) * row,
                    static_cast<std::size_t>(frame->planeWidth(plane)));
      }
    }
    shown = std::move(frame).value();  // a superframe shows its last picture
  }
  return shown;
}

}  // namespace parley::media
