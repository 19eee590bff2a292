// A PipeWire video consumer for one portal node. Everything PipeWire calls
// back runs on its thread loop; the only state shared with the capture
// thread is under `mu`.
#include "media/video/portal/pipewire_screen_stream.h"

#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <utility>

#include <unistd.h>

// PipeWire's and SPA's headers are C; their builder macros use compound
// literals and C casts.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wcast-align"
#include <pipewire/pipewire.h>
#include <spa/buffer/meta.h>
#include <spa/param/format-utils.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/builder.h>

#include "media/video/frame_convert.h"

namespace parley::media {
namespace {

void initPipeWire() {
  static std::once_flag once;
  std::call_once(once, [] { pw_init(nullptr, nullptr); });
}

std::optional<PixelFormat> packedFormat(std::uint32_t format) {
  switch (format) {
    case SPA_VIDEO_FORMAT_BGRx:
    case SPA_VIDEO_FORMAT_BGRA:
      return PixelFormat::Bgra;
    case SPA_VIDEO_FORMAT_RGBx:
    case SPA_VIDEO_FORMAT_RGBA:
      return PixelFormat::Rgba;
    default:
      return std::nullopt;
  }
}

// What we accept: packed 8-bit RGB in the orders FrameConverter reads, any
// size up to the codec's limit, any rate (screen casts are variable-rate,
// 0/1, with a maximum).
const spa_pod* enumFormat(spa_pod_builder* b) {
  spa_rectangle size_default = SPA_RECTANGLE(1920, 1080);
  spa_rectangle size_min = SPA_RECTANGLE(1, 1);
  spa_rectangle size_max = SPA_RECTANGLE(kMaxVideoDimension, kMaxVideoDimension);
  spa_fraction rate_default = SPA_FRACTION(30, 1);
  spa_fraction rate_min = SPA_FRACTION(0, 1);
  spa_fraction rate_max = SPA_FRACTION(240, 1);
  return static_cast<const spa_pod*>(spa_pod_builder_add_object(
      b, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat, SPA_FORMAT_mediaType,
      SPA_POD_Id(SPA_MEDIA_TYPE_video), SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
      SPA_FORMAT_VIDEO_format,
      SPA_POD_CHOICE_ENUM_Id(5, SPA_VIDEO_FORMAT_BGRx, SPA_VIDEO_FORMAT_BGRx, SPA_VIDEO_FORMAT_BGRA,
                             SPA_VIDEO_FORMAT_RGBx, SPA_VIDEO_FORMAT_RGBA),
      SPA_FORMAT_VIDEO_size, SPA_POD_CHOICE_RANGE_Rectangle(&size_default, &size_min, &size_max),
      SPA_FORMAT_VIDEO_framerate,
      SPA_POD_CHOICE_RANGE_Fraction(&rate_default, &rate_min, &rate_max)));
}

// Shared memory only: a DMA-BUF would need a GPU import (the ADR says why
// not yet). The header meta carries the producer's "corrupted" flag.
const spa_pod* bufferParam(spa_pod_builder* b) {
  return static_cast<const spa_pod*>(spa_pod_builder_add_object(
      b, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers, SPA_PARAM_BUFFERS_buffers,
      SPA_POD_CHOICE_RANGE_Int(4, 2, 8), SPA_PARAM_BUFFERS_dataType,
      SPA_POD_CHOICE_FLAGS_Int((1 << SPA_DATA_MemFd) | (1 << SPA_DATA_MemPtr))));
}

const spa_pod* headerMetaParam(spa_pod_builder* b) {
  return static_cast<const spa_pod*>(
      spa_pod_builder_add_object(b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
                                 SPA_POD_Id(SPA_META_Header), SPA_PARAM_META_size,
                                 SPA_POD_Int(sizeof(spa_meta_header))));
}

// What changed since the producer's last buffer: a buffer without damage
// repeats the picture before it and is not converted again.
const spa_pod* damageMetaParam(spa_pod_builder* b) {
  return static_cast<const spa_pod*>(
      spa_pod_builder_add_object(b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
                                 SPA_POD_Id(SPA_META_VideoDamage), SPA_PARAM_META_size,
                                 SPA_POD_CHOICE_RANGE_Int(sizeof(spa_meta_region) * 16,
                                                          sizeof(spa_meta_region) * 1,
                                                          sizeof(spa_meta_region) * 16)));
}

// Whether the producer says nothing changed: a damage list whose first
// region is empty. No damage meta at all says nothing either way.
bool reportsNoDamage(spa_buffer& buffer) {
  spa_meta* damage = spa_buffer_find_meta(&buffer, SPA_META_VideoDamage);
  if (damage == nullptr || damage->size < sizeof(spa_meta_region)) {
    return false;
  }
  const auto* first = static_cast<const spa_meta_region*>(damage->data);
  return first->region.size.width == 0 || first->region.size.height == 0;
}

// A 64-bit digest of the picture's rows (not the padding after them): four
// independent multiply-xor lanes, so it runs near memory speed (well under a
// millisecond for a 1080p frame, against about 7 ms to convert it). A
// compositor may send a picture again with damage (its double buffering
// repeats each change once); an equal digest skips that conversion.
std::uint64_t pictureDigest(const std::uint8_t* pixels, std::size_t row, std::size_t stride,
                            int height) {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  std::array<std::uint64_t, 4> lane = {1, 2, 3, 4};
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* p = pixels + static_cast<std::size_t>(y) * stride;
    std::size_t i = 0;
    for (; i + 32 <= row; i += 32) {
      for (std::size_t k = 0; k < lane.size(); ++k) {
        std::uint64_t w = 0;
        std::memcpy(&w, p + i + k * 8, 8);
        lane[k] = (lane[k] ^ w) * kMul;
      }
    }
    for (; i < row; ++i) {
      lane[0] = (lane[0] ^ p[i]) * kMul;
    }
  }
  return lane[0] ^ (lane[1] >> 1) ^ (lane[2] >> 2) ^ (lane[3] >> 3);
}

std::int64_t monotonicMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct PipeWireScreenStream::Impl {
  pw_thread_loop* loop = nullptr;
  pw_context* context = nullptr;
  pw_core* core = nullptr;
  pw_registry* registry = nullptr;
  pw_stream* stream = nullptr;
  spa_hook core_listener{};
  spa_hook registry_listener{};
  spa_hook stream_listener{};
  std::uint32_t node_id = 0;

  // PipeWire's thread only.
  int width = 0;
  int height = 0;
  std::optional<PixelFormat> pixel_format;
  FrameConverter converter;
  std::optional<std::uint64_t> last_digest;  // of the last picture converted

  mutable std::mutex mu;
  std::condition_variable arrived;
  std::optional<VideoFrame> latest;  // guarded by mu
  std::optional<std::string> ended;  // guarded by mu
  ScreenStreamStats stats;           // guarded by mu

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (loop == nullptr) {
      return;
    }
    pw_thread_loop_lock(loop);
    if (stream != nullptr) {
      pw_stream_destroy(stream);
    }
    if (registry != nullptr) {
      spa_hook_remove(&registry_listener);
      pw_proxy_destroy(reinterpret_cast<pw_proxy*>(registry));
    }
    if (core != nullptr) {
      spa_hook_remove(&core_listener);
      pw_core_disconnect(core);
    }
    pw_thread_loop_unlock(loop);
    pw_thread_loop_stop(loop);
    if (context != nullptr) {
      pw_context_destroy(context);
    }
    pw_thread_loop_destroy(loop);
  }

  void end(std::string why) {
    {
      std::lock_guard lock(mu);
      if (!ended) {
        ended = std::move(why);
      }
    }
    arrived.notify_all();
  }

  void skipped() {
    std::lock_guard lock(mu);
    ++stats.frames_skipped;
  }

  void unchanged() {
    std::lock_guard lock(mu);
    ++stats.frames_unchanged;
  }

  static void onStateChanged(void* data, pw_stream_state old, pw_stream_state state,
                             const char* error) {
    auto* self = static_cast<Impl*>(data);
    if (state == PW_STREAM_STATE_ERROR) {
      self->end(std::string("the screen-cast stream failed: ") +
                (error != nullptr ? error : "PipeWire error"));
    } else if (state == PW_STREAM_STATE_UNCONNECTED && old != PW_STREAM_STATE_UNCONNECTED) {
      self->end("the desktop ended the screen cast");
    }
  }

  static void onParamChanged(void* data, std::uint32_t id, const spa_pod* param) {
    auto* self = static_cast<Impl*>(data);
    if (param == nullptr || id != SPA_PARAM_Format) {
      return;
    }
    std::uint32_t media_type = 0;
    std::uint32_t media_subtype = 0;
    spa_video_info_raw info{};
    if (spa_format_parse(param, &media_type, &media_subtype) < 0 ||
        media_type != SPA_MEDIA_TYPE_video || media_subtype != SPA_MEDIA_SUBTYPE_raw ||
        spa_format_video_raw_parse(param, &info) < 0) {
      pw_stream_set_error(self->stream, -EINVAL, "not a raw video format");
      return;
    }
    const auto format = packedFormat(info.format);
    const int w = static_cast<int>(info.size.width);
    const int h = static_cast<int>(info.size.height);
    if (!format || w < 2 || h < 2 || w > kMaxVideoDimension || h > kMaxVideoDimension) {
      pw_stream_set_error(self->stream, -EINVAL, "unsupported screen-cast format or size");
      return;
    }
    if (self->width != 0 && (w != self->width || h != self->height)) {
      std::lock_guard lock(self->mu);
      ++self->stats.size_changes;
    }
    self->width = w;
    self->height = h;
    self->pixel_format = format;
    self->last_digest.reset();  // a new format: the next picture is new
    std::array<std::uint8_t, 1024> buffer{};
    spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer.data(), buffer.size());
    std::array<const spa_pod*, 3> params = {bufferParam(&b), headerMetaParam(&b),
                                            damageMetaParam(&b)};
    pw_stream_update_params(self->stream, params.data(), params.size());
  }

  static void onProcess(void* data) {
    auto* self = static_cast<Impl*>(data);
    // Only the newest frame matters: give the older ones straight back. Their
    // damage still counts: a change in a buffer given back is in the pixels
    // of the newest, whose own damage list may be empty.
    pw_buffer* newest = nullptr;
    bool damaged = false;
    while (pw_buffer* b = pw_stream_dequeue_buffer(self->stream)) {
      damaged = damaged || !reportsNoDamage(*b->buffer);
      if (newest != nullptr) {
        pw_stream_queue_buffer(self->stream, newest);
      }
      newest = b;
    }
    if (newest == nullptr) {
      return;
    }
    self->consume(*newest->buffer, damaged);
    pw_stream_queue_buffer(self->stream, newest);
  }

  // Converts one buffer, after checking that its chunk lies inside the
  // mapped memory: a producer is another process and may be wrong.
  // `damaged`: whether this buffer or one given back before it changed
  // anything (or did not say).
  void consume(spa_buffer& buffer, bool damaged) {
    if (!pixel_format || buffer.n_datas < 1) {
      skipped();
      return;
    }
    const auto* header = static_cast<const spa_meta_header*>(
        spa_buffer_find_meta_data(&buffer, SPA_META_Header, sizeof(spa_meta_header)));
    if (header != nullptr && (header->flags & SPA_META_HEADER_FLAG_CORRUPTED) != 0) {
      skipped();
      return;
    }
    const spa_data& d = buffer.datas[0];
    if (d.data == nullptr || d.chunk == nullptr || d.chunk->size == 0 ||
        (d.chunk->flags & SPA_CHUNK_FLAG_CORRUPTED) != 0) {
      skipped();
      return;
    }
    const std::size_t row = static_cast<std::size_t>(width) * 4;
    const std::size_t stride =
        d.chunk->stride > 0 ? static_cast<std::size_t>(d.chunk->stride) : row;
    const std::size_t offset = d.chunk->offset;
    const std::size_t needed = offset + stride * static_cast<std::size_t>(height - 1) + row;
    if (stride < row || needed > d.maxsize) {
      skipped();
      return;
    }
    if (!damaged) {
      unchanged();
      return;
    }
    const auto started = std::chrono::steady_clock::now();
    const auto* pixels = static_cast<const std::uint8_t*>(d.data) + offset;
    const std::uint64_t digest = pictureDigest(pixels, row, stride, height);
    if (last_digest == digest) {
      unchanged();
      return;
    }
    last_digest = digest;
    PackedImageView view;
    view.pixels = pixels;
    view.width = width;
    view.height = height;
    view.stride = static_cast<int>(stride);
    view.format = *pixel_format;
    auto frame = converter.toI420(view);
    if (!frame) {
      skipped();
      return;
    }
    frame->setTimestamp(std::chrono::microseconds(monotonicMicros()));
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    {
      std::lock_guard lock(mu);
      latest = std::move(*frame);
      ++stats.frames_received;
      stats.last_convert_us = took.count();
    }
    arrived.notify_all();
  }

  static void onCoreError(void* data, std::uint32_t id, int /*seq*/, int res, const char* message) {
    auto* self = static_cast<Impl*>(data);
    if (id == PW_ID_CORE) {
      // The connection to PipeWire is gone (-EPIPE) or refused us.
      self->end(std::string("lost the connection to PipeWire: ") +
                (message != nullptr ? message : std::strerror(-res)));
    }
  }

  static void onGlobalRemove(void* data, std::uint32_t id) {
    auto* self = static_cast<Impl*>(data);
    if (id == self->node_id) {
      self->end("the desktop ended the screen cast");
    }
  }
};

PipeWireScreenStream::PipeWireScreenStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PipeWireScreenStream::~PipeWireScreenStream() = default;

Result<std::unique_ptr<PipeWireScreenStream>> PipeWireScreenStream::connect(int pipewire_fd,
                                                                            std::uint32_t node_id) {
  static const pw_stream_events kStreamEvents = [] {
    pw_stream_events e{};
    e.version = PW_VERSION_STREAM_EVENTS;
    e.state_changed = Impl::onStateChanged;
    e.param_changed = Impl::onParamChanged;
    e.process = Impl::onProcess;
    return e;
  }();
  static const pw_core_events kCoreEvents = [] {
    pw_core_events e{};
    e.version = PW_VERSION_CORE_EVENTS;
    e.error = Impl::onCoreError;
    return e;
  }();
  static const pw_registry_events kRegistryEvents = [] {
    pw_registry_events e{};
    e.version = PW_VERSION_REGISTRY_EVENTS;
    e.global_remove = Impl::onGlobalRemove;
    return e;
  }();

  initPipeWire();
  auto impl = std::make_unique<Impl>();
  impl->node_id = node_id;
  impl->loop = pw_thread_loop_new("parley-screen", nullptr);
  if (impl->loop == nullptr) {
    close(pipewire_fd);
    return makeError(ErrorCode::CaptureFailed, "cannot start PipeWire's thread");
  }
  impl->context = pw_context_new(pw_thread_loop_get_loop(impl->loop), nullptr, 0);
  if (impl->context == nullptr) {
    close(pipewire_fd);
    return makeError(ErrorCode::CaptureFailed,
                     "cannot set up PipeWire (are its modules installed? install pipewire)");
  }
  if (pw_thread_loop_start(impl->loop) < 0) {
    close(pipewire_fd);
    return makeError(ErrorCode::CaptureFailed, "cannot start PipeWire's thread");
  }
  pw_thread_loop_lock(impl->loop);
  // The core owns the socket from here on, and closes it.
  impl->core = pw_context_connect_fd(impl->context, pipewire_fd, nullptr, 0);
  if (impl->core == nullptr) {
    const int err = errno;
    pw_thread_loop_unlock(impl->loop);
    return makeError(ErrorCode::CaptureFailed,
                     std::string("cannot reach PipeWire through the desktop portal (is pipewire "
                                 "running? install pipewire and wireplumber): ") +
                         std::strerror(err));
  }
  pw_core_add_listener(impl->core, &impl->core_listener, &kCoreEvents, impl.get());
  impl->registry = pw_core_get_registry(impl->core, PW_VERSION_REGISTRY, 0);
  if (impl->registry != nullptr) {
    pw_registry_add_listener(impl->registry, &impl->registry_listener, &kRegistryEvents,
                             impl.get());
  }
  impl->stream = pw_stream_new(impl->core, "Parley screen share",
                               pw_properties_new(PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY,
                                                 "Capture", PW_KEY_MEDIA_ROLE, "Screen", nullptr));
  if (impl->stream == nullptr) {
    pw_thread_loop_unlock(impl->loop);
    return makeError(ErrorCode::CaptureFailed, "PipeWire refused a new stream");
  }
  pw_stream_add_listener(impl->stream, &impl->stream_listener, &kStreamEvents, impl.get());
  std::array<std::uint8_t, 1024> buffer{};
  spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer.data(), buffer.size());
  const spa_pod* params[1] = {enumFormat(&b)};
  const int rc = pw_stream_connect(impl->stream, PW_DIRECTION_INPUT, node_id,
                                   static_cast<pw_stream_flags>(PW_STREAM_FLAG_AUTOCONNECT |
                                                                PW_STREAM_FLAG_MAP_BUFFERS),
                                   params, 1);
  pw_thread_loop_unlock(impl->loop);
  if (rc < 0) {
    return makeError(ErrorCode::CaptureFailed,
                     std::string("cannot connect to the screen-cast stream: ") +
                         std::strerror(-rc));
  }
  return std::unique_ptr<PipeWireScreenStream>(new PipeWireScreenStream(std::move(impl)));
}

Result<void> PipeWireScreenStream::checkDaemon() {
  initPipeWire();
  pw_main_loop* loop = pw_main_loop_new(nullptr);
  if (loop == nullptr) {
    return makeError(ErrorCode::CaptureFailed, "cannot set up PipeWire's loop");
  }
  pw_context* context = pw_context_new(pw_main_loop_get_loop(loop), nullptr, 0);
  if (context == nullptr) {
    pw_main_loop_destroy(loop);
    return makeError(ErrorCode::CaptureFailed,
                     "cannot set up PipeWire (are its modules installed? install pipewire)");
  }
  // Connecting is synchronous (a local socket); nothing is exchanged.
  pw_core* core = pw_context_connect(context, nullptr, 0);
  const int err = errno;
  if (core != nullptr) {
    pw_core_disconnect(core);
  }
  pw_context_destroy(context);
  pw_main_loop_destroy(loop);
  if (core == nullptr) {
    return makeError(ErrorCode::CaptureFailed,
                     std::string("PipeWire is not running in this session (") + std::strerror(err) +
                         "): a Wayland desktop hands out its screen through PipeWire; install "
                         "pipewire and wireplumber and start them with the desktop session");
  }
  return {};
}

std::optional<VideoFrame> PipeWireScreenStream::takeFrame(std::chrono::milliseconds wait) {
  std::unique_lock lock(impl_->mu);
  impl_->arrived.wait_for(lock, wait,
                          [&] { return impl_->latest.has_value() || impl_->ended.has_value(); });
  return std::exchange(impl_->latest, std::nullopt);
}

std::optional<std::string> PipeWireScreenStream::ended() const {
  std::lock_guard lock(impl_->mu);
  return impl_->ended;
}

ScreenStreamStats PipeWireScreenStream::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

}  // namespace parley::media

#pragma GCC diagnostic pop
