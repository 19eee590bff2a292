// Screen capture on X11: FFmpeg's x11grab (libavdevice's xcbgrab) for the
// pixels, libX11 for the list of shareable screens and windows and for a
// window's geometry.
#include "media/video/screen_capture.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/time.h>
#include <libswscale/swscale.h>
}

// Xlib last: its macros (None, Status, Bool) would clash with anything after.
#include <X11/Xlib.h>
#include <X11/Xutil.h>

namespace parley::media {
namespace {

std::string avErrorText(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof(buf));
  return buf;
}

Unexpected captureFailed(std::string detail) {
  return makeError(ErrorCode::CaptureFailed, std::move(detail));
}

std::string resolveDisplay(const std::string& display) {
  if (!display.empty()) {
    return display;
  }
  const char* env = std::getenv("DISPLAY");
  return env != nullptr ? env : "";
}

// Xlib reports protocol errors (a window that vanished between listing and
// asking for its title) through a process-wide handler whose default exits
// the process. While we query, errors are ignored and the calls' return
// values tell us what failed. The handler is process-wide, so concurrent
// Xlib users in other threads would see it too; Parley's only other Xlib
// user is Qt, which has its own connection and installs no handler of this
// kind.
int ignoreXError(Display* /*display*/, XErrorEvent* /*event*/) { return 0; }

class XConnection {
 public:
  explicit XConnection(const std::string& name)
      : display_(XOpenDisplay(name.c_str())), previous_(XSetErrorHandler(ignoreXError)) {}
  XConnection(const XConnection&) = delete;
  XConnection& operator=(const XConnection&) = delete;
  ~XConnection() {
    if (display_ != nullptr) {
      XSync(display_, False);
      XCloseDisplay(display_);
    }
    XSetErrorHandler(previous_);
  }
  [[nodiscard]] Display* get() const { return display_; }

 private:
  Display* display_;
  XErrorHandler previous_;
};

Unexpected noDisplay(const std::string& display) {
  return captureFailed("cannot open X display \"" + display +
                       "\" (is the X server running and may we connect?)");
}

std::string windowTitle(Display* d, Window w) {
  const Atom net_wm_name = XInternAtom(d, "_NET_WM_NAME", False);
  const Atom utf8 = XInternAtom(d, "UTF8_STRING", False);
  Atom type = 0;
  int format = 0;
  unsigned long items = 0;
  unsigned long after = 0;
  unsigned char* data = nullptr;
  std::string title;
  if (XGetWindowProperty(d, w, net_wm_name, 0, 1024, False, utf8, &type, &format, &items, &after,
                         &data) == Success &&
      data != nullptr) {
    if (type == utf8 && format == 8) {
      title.assign(reinterpret_cast<const char*>(data), items);
    }
    XFree(data);
  }
  if (title.empty()) {
    char* name = nullptr;
    if (XFetchName(d, w, &name) != 0 && name != nullptr) {
      title = name;
      XFree(name);
    }
  }
  return title;
}

// The window's rectangle in root coordinates, when it is a mapped
// InputOutput window.
std::optional<CaptureRegion> windowGeometry(Display* d, Window w, bool require_viewable) {
  XWindowAttributes attrs{};
  if (XGetWindowAttributes(d, w, &attrs) == 0) {
    return std::nullopt;
  }
  if (attrs.c_class != InputOutput || (require_viewable && attrs.map_state != IsViewable)) {
    return std::nullopt;
  }
  int x = 0;
  int y = 0;
  Window child = 0;
  if (XTranslateCoordinates(d, w, attrs.root, 0, 0, &x, &y, &child) == 0) {
    return std::nullopt;
  }
  return CaptureRegion{x, y, attrs.width, attrs.height};
}

std::vector<Window> topLevelWindows(Display* d, Window root) {
  std::vector<Window> out;
  // A window manager lists the client windows it manages (the ones with
  // titles, not its frames); without one, the root's children are the
  // top-level windows.
  const Atom client_list = XInternAtom(d, "_NET_CLIENT_LIST", True);
  const Atom window_type = XInternAtom(d, "WINDOW", False);
  if (client_list != 0) {
    Atom type = 0;
    int format = 0;
    unsigned long items = 0;
    unsigned long after = 0;
    unsigned char* data = nullptr;
    if (XGetWindowProperty(d, root, client_list, 0, 4096, False, window_type, &type, &format,
                           &items, &after, &data) == Success &&
        data != nullptr) {
      if (format == 32) {
        // Format-32 properties come back as an array of long.
        const auto* ids = reinterpret_cast<const unsigned long*>(data);
        out.assign(ids, ids + items);
      }
      XFree(data);
    }
    if (!out.empty()) {
      return out;
    }
  }
  Window root_return = 0;
  Window parent = 0;
  Window* children = nullptr;
  unsigned int count = 0;
  if (XQueryTree(d, root, &root_return, &parent, &children, &count) != 0 && children != nullptr) {
    out.assign(children, children + count);
    XFree(children);
  }
  return out;
}

void registerDevices() {
  static std::once_flag once;
  std::call_once(once, [] { avdevice_register_all(); });
}

bool hasWindowIdOption(const AVInputFormat* format) {
  if (format->priv_class == nullptr) {
    return false;
  }
  // av_opt_find() wants an object whose first member is its AVClass
  // pointer; with AV_OPT_SEARCH_FAKE_OBJ a pointer to the class pointer is
  // enough and nothing is written.
  void* fake = const_cast<void*>(static_cast<const void*>(&format->priv_class));
  return av_opt_find(fake, "window_id", nullptr, 0, AV_OPT_SEARCH_FAKE_OBJ) != nullptr;
}

}  // namespace

Result<std::vector<ShareableTarget>> listShareableTargets(const std::string& display_name) {
  const std::string name = resolveDisplay(display_name);
  if (name.empty()) {
    return captureFailed("no X display given and $DISPLAY is not set");
  }
  XConnection x(name);
  Display* d = x.get();
  if (d == nullptr) {
    return noDisplay(name);
  }
  std::vector<ShareableTarget> out;
  const int screens = XScreenCount(d);
  for (int s = 0; s < screens; ++s) {
    ShareableTarget t;
    t.kind = ShareableTarget::Kind::Screen;
    t.id = static_cast<std::uint64_t>(s);
    t.geometry = {0, 0, XDisplayWidth(d, s), XDisplayHeight(d, s)};
    t.name = "Screen " + std::to_string(s) + " (" + std::to_string(t.geometry.width) + "x" +
             std::to_string(t.geometry.height) + ")";
    out.push_back(std::move(t));
  }
  for (int s = 0; s < screens; ++s) {
    for (Window w : topLevelWindows(d, XRootWindow(d, s))) {
      XWindowAttributes attrs{};
      if (XGetWindowAttributes(d, w, &attrs) == 0 || attrs.override_redirect != 0) {
        continue;  // gone, or a menu / tooltip
      }
      auto geometry = windowGeometry(d, w, true);
      if (!geometry || geometry->width < 2 || geometry->height < 2) {
        continue;
      }
      std::string title = windowTitle(d, w);
      if (title.empty()) {
        continue;  // helper windows nobody would pick
      }
      ShareableTarget t;
      t.kind = ShareableTarget::Kind::Window;
      t.id = w;
      t.name = std::move(title);
      t.geometry = *geometry;
      out.push_back(std::move(t));
    }
  }
  return out;
}

struct ScreenCapture::Impl {
  AVFormatContext* format = nullptr;
  AVCodecContext* decoder = nullptr;
  AVPacket* packet = nullptr;
  AVFrame* frame = nullptr;
  SwsContext* sws = nullptr;
  int stream_index = 0;
  int width = 0;
  int height = 0;
  std::string name;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    sws_freeContext(sws);
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&decoder);
    avformat_close_input(&format);
  }

  Result<VideoFrame> convert(std::chrono::microseconds timestamp) {
    auto out = VideoFrame::create(frame->width, frame->height, timestamp);
    if (!out) {
      return out;
    }
    // Cached: a new context only when the grabbed size or format changes.
    sws = sws_getCachedContext(sws, frame->width, frame->height,
                               static_cast<AVPixelFormat>(frame->format), frame->width,
                               frame->height, AV_PIX_FMT_YUV420P, SWS_BILINEAR | SWS_ACCURATE_RND,
                               nullptr, nullptr, nullptr);
    if (sws == nullptr) {
      return makeError(ErrorCode::CaptureFailed, "swscale: cannot convert the captured format");
    }
    std::uint8_t* dst[4] = {out->data(Plane::Y), out->data(Plane::U), out->data(Plane::V), nullptr};
    const int dst_stride[4] = {out->stride(Plane::Y), out->stride(Plane::U), out->stride(Plane::V),
                               0};
    if (sws_scale(sws, frame->data, frame->linesize, 0, frame->height, dst, dst_stride) !=
        frame->height) {
      return makeError(ErrorCode::CaptureFailed, "swscale: conversion of a captured frame failed");
    }
    return out;
  }
};

ScreenCapture::ScreenCapture(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScreenCapture::~ScreenCapture() = default;

int ScreenCapture::width() const { return impl_->width; }
int ScreenCapture::height() const { return impl_->height; }
std::string ScreenCapture::name() const { return impl_->name; }

Result<std::unique_ptr<ScreenCapture>> ScreenCapture::open(const ScreenCaptureOptions& options) {
  if (options.framerate < 1 || options.framerate > 60) {
    return makeError(ErrorCode::MediaUnsupported,
                     "screen capture frame rate out of range (1..60): " +
                         std::to_string(options.framerate));
  }
  const std::string display = resolveDisplay(options.display);
  if (display.empty()) {
    return captureFailed("no X display given and $DISPLAY is not set");
  }
  registerDevices();
  const AVInputFormat* input = av_find_input_format("x11grab");
  if (input == nullptr) {
    return makeError(ErrorCode::MediaUnsupported, "this FFmpeg has no x11grab input device");
  }

  // Check with Xlib first: FFmpeg's message for a missing display is just
  // "Input/output error", and we need the window's geometry anyway.
  // A plain value and a flag rather than std::optional: GCC 12 at -O3 warns
  // (wrongly) that the optional's members may be used uninitialized.
  bool use_region = options.region.has_value();
  CaptureRegion region = options.region.value_or(CaptureRegion{});
  std::string target = "screen " + display;
  const bool window_option = hasWindowIdOption(input);
  {
    XConnection x(display);
    if (x.get() == nullptr) {
      return noDisplay(display);
    }
    if (options.window_id) {
      auto geometry = windowGeometry(x.get(), static_cast<Window>(*options.window_id), true);
      if (!geometry) {
        return captureFailed("X window " + std::to_string(*options.window_id) + " on " + display +
                             " does not exist or is not visible");
      }
      char id[32];
      std::snprintf(id, sizeof(id), "0x%llx", static_cast<unsigned long long>(*options.window_id));
      target = std::string("window ") + id + " on " + display;
      if (window_option) {
        use_region = false;
      } else {
        // Clip to the screen: x11grab refuses an area that leaves it.
        const int sw = XDisplayWidth(x.get(), XDefaultScreen(x.get()));
        const int sh = XDisplayHeight(x.get(), XDefaultScreen(x.get()));
        const int x0 = std::max(0, geometry->x);
        const int y0 = std::max(0, geometry->y);
        const int x1 = std::min(sw, geometry->x + geometry->width);
        const int y1 = std::min(sh, geometry->y + geometry->height);
        if (x1 - x0 < 2 || y1 - y0 < 2) {
          return captureFailed(target + " is off the screen");
        }
        use_region = true;
        region = CaptureRegion{x0, y0, x1 - x0, y1 - y0};
      }
    }
  }

  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "framerate", std::to_string(options.framerate).c_str(), 0);
  av_dict_set(&opts, "draw_mouse", options.draw_mouse ? "1" : "0", 0);
  if (options.window_id && window_option) {
    av_dict_set(&opts, "window_id", std::to_string(*options.window_id).c_str(), 0);
  } else if (use_region) {
    if (region.width < 2 || region.height < 2 || region.x < 0 || region.y < 0) {
      av_dict_free(&opts);
      return makeError(ErrorCode::MediaUnsupported, "screen capture region is empty or negative");
    }
    const std::string size = std::to_string(region.width) + "x" + std::to_string(region.height);
    av_dict_set(&opts, "video_size", size.c_str(), 0);
    av_dict_set(&opts, "grab_x", std::to_string(region.x).c_str(), 0);
    av_dict_set(&opts, "grab_y", std::to_string(region.y).c_str(), 0);
    if (!options.window_id) {
      target += " region " + size + "+" + std::to_string(region.x) + "," + std::to_string(region.y);
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->name = target;
  const int rc = avformat_open_input(&impl->format, display.c_str(), input, &opts);
  av_dict_free(&opts);
  if (rc < 0) {
    return captureFailed("x11grab cannot capture " + target + ": " + avErrorText(rc));
  }
  if (impl->format->nb_streams < 1) {
    return captureFailed("x11grab opened " + target + " without a video stream");
  }
  const AVCodecParameters* par = impl->format->streams[0]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) {
    return captureFailed("no decoder for x11grab's packets");
  }
  impl->decoder = avcodec_alloc_context3(codec);
  impl->packet = av_packet_alloc();
  impl->frame = av_frame_alloc();
  if (impl->decoder == nullptr || impl->packet == nullptr || impl->frame == nullptr) {
    return captureFailed("out of memory opening the capture decoder");
  }
  if (int r = avcodec_parameters_to_context(impl->decoder, par); r < 0) {
    return captureFailed("capture decoder parameters: " + avErrorText(r));
  }
  if (int r = avcodec_open2(impl->decoder, codec, nullptr); r < 0) {
    return captureFailed("capture decoder: " + avErrorText(r));
  }
  impl->width = par->width;
  impl->height = par->height;
  if (impl->width < 2 || impl->height < 2 || impl->width > kMaxVideoDimension ||
      impl->height > kMaxVideoDimension) {
    return makeError(ErrorCode::MediaUnsupported,
                     "captured size out of range: " + std::to_string(impl->width) + "x" +
                         std::to_string(impl->height));
  }
  return std::unique_ptr<ScreenCapture>(new ScreenCapture(std::move(impl)));
}

Result<std::optional<VideoFrame>> ScreenCapture::nextFrame() {
  Impl& s = *impl_;
  const int rc = av_read_frame(s.format, s.packet);
  if (rc == AVERROR(EAGAIN)) {
    return std::optional<VideoFrame>();
  }
  if (rc < 0) {
    return captureFailed("capturing " + s.name + ": " + avErrorText(rc));
  }
  std::chrono::microseconds timestamp{av_gettime_relative()};
  if (s.packet->pts != AV_NOPTS_VALUE) {
    const AVRational us{1, 1000000};
    timestamp = std::chrono::microseconds(
        av_rescale_q(s.packet->pts, s.format->streams[s.packet->stream_index]->time_base, us));
  }
  int r = avcodec_send_packet(s.decoder, s.packet);
  av_packet_unref(s.packet);
  if (r < 0) {
    return captureFailed("decoding a captured frame: " + avErrorText(r));
  }
  r = avcodec_receive_frame(s.decoder, s.frame);
  if (r == AVERROR(EAGAIN)) {
    return std::optional<VideoFrame>();
  }
  if (r < 0) {
    return captureFailed("decoding a captured frame: " + avErrorText(r));
  }
  auto frame = s.convert(timestamp);
  av_frame_unref(s.frame);
  if (!frame) {
    return makeError(std::move(frame).error());
  }
  return std::optional<VideoFrame>(std::move(frame).value());
}

}  // namespace parley::media
