#include "app/parley-cli/media_options.h"

#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>

#include "media/video/frame_convert.h"
#include "media/video/image_source.h"
#include "media/video/png_image.h"
#include "media/video/screen_capture.h"
#include "media/video/synthetic_source.h"

namespace parley::cli {

void addMediaOptions(CLI::App& command, MediaOptions& options) {
  command.add_option("--send-audio", options.send_audio, "WAV file to speak into the room")
      ->check(CLI::ExistingFile);
  command.add_option("--record-audio", options.record_audio,
                     "WAV file to record what the others say (48 kHz mono)");
  command.add_flag("--stats", options.stats, "print media statistics every second");
  command.add_option("--media-transport", options.transport,
                     "auto: UDP when it gets through, else inside the TLS channel; tcp: never UDP")
      ->check(CLI::IsMember({"auto", "tcp"}));
  command.add_option("--video-decoders", options.video_decoders,
                     "video codecs to announce as decodable, best first (e.g. VP9,VP8 or VP8)");
  command.add_flag("--no-dscp", options.no_dscp, "do not mark media packets with DSCP");
  command.add_option("--send-video", options.send_video, "send a camera: 'synthetic' (test pattern)")
      ->check(CLI::IsMember({"synthetic"}));
  command.add_option("--share-screen", options.share_screen,
                     "share an X display (':99') or a still image (file:IMAGE.png)");
  command.add_option("--share-window", options.share_window,
                     "with --share-screen DISPLAY: share only this X window (id, e.g. 0x1e00007)");
  command.add_option("--dump-video", options.dump_video,
                     "write decoded remote video to DIR as PNG (USER-video.png, USER-screen.png, "
                     "and numbered frames once a second)");
}

// Writes what the decode thread hands over: the newest picture of each
// sender and kind, and a numbered copy at most once a second.
class VideoDumper {
 public:
  explicit VideoDumper(std::filesystem::path dir) : dir_(std::move(dir)) {}
  void onFrame(const std::string& user, bool screen, const media::VideoFrame& frame) {
    const std::string base = safeName(user) + (screen ? "-screen" : "-video");
    const auto now = std::chrono::steady_clock::now();
    auto& last = last_numbered_[base];
    const bool numbered = last == std::chrono::steady_clock::time_point{} ||
                          now - last >= std::chrono::seconds(1);
    // PNG encoding of a big picture takes a while: only when a file is due.
    if (!numbered && now - last_latest_[base] < std::chrono::milliseconds(200)) {
      return;
    }
    last_latest_[base] = now;
    auto rgb = converter_.fromI420(frame, media::PixelFormat::Rgb24);
    if (!rgb) {
      return;
    }
    writeAtomically(dir_ / (base + ".png"), *rgb);
    if (numbered) {
      last = now;
      writeAtomically(dir_ / (base + "-" + std::to_string(++counts_[base]) + ".png"), *rgb);
    }
  }

 private:
  // A reader never sees half a file: write beside it, then rename over it.
  static void writeAtomically(const std::filesystem::path& path, const media::PackedImage& image) {
    auto tmp = path;
    tmp += ".part";
    if (media::writePng(tmp, image)) {
      std::error_code ec;
      std::filesystem::rename(tmp, path, ec);
    }
  }
  static std::string safeName(const std::string& user) {
    std::string out;
    for (const char c : user) {
      out += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_') ? c : '_';
    }
    return out.empty() ? "unknown" : out;
  }
  std::filesystem::path dir_;
  media::FrameConverter converter_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_numbered_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_latest_;
  std::map<std::string, int> counts_;
};

Result<std::unique_ptr<CliCall>> CliCall::create(asio::any_io_executor executor,
                                                 const MediaOptions& options,
                                                 const Clock& clock) {
  std::unique_ptr<CliCall> cli_call(new CliCall());
  if (!options.send_audio.empty()) {
    auto input = media::WavFileInput::open(options.send_audio);
    if (!input) {
      return makeError(input.error().code, "--send-audio " + options.send_audio + ": " +
                                               input.error().detail);
    }
    cli_call->input_ = std::move(*input);
    cli_call->media_state_.audio_muted = false;
  } else {
    cli_call->input_ = std::make_unique<media::SilentInput>();
  }
  if (!options.record_audio.empty()) {
    auto output = media::WavFileOutput::create(options.record_audio);
    if (!output) {
      return makeError(output.error().code, "--record-audio " + options.record_audio + ": " +
                                                output.error().detail);
    }
    cli_call->recording_ = output->get();
    cli_call->output_ = std::move(*output);
  } else {
    cli_call->output_ = std::make_unique<media::NullOutput>();
  }
  std::stringstream decoders(options.video_decoders);
  for (std::string codec; std::getline(decoders, codec, ',');) {
    if (codec != "VP8" && codec != "VP9") {
      return makeError(ErrorCode::InvalidArgument,
                       "--video-decoders: unknown codec '" + codec + "' (VP9, VP8)");
    }
    cli_call->media_state_.video_decoders.push_back(codec);
  }

  std::unique_ptr<media::VideoSource> camera;
  if (options.send_video == "synthetic") {
    auto source = media::SyntheticSource::create(640, 360, 30);
    if (!source) {
      return makeError(std::move(source).error());
    }
    camera = std::move(*source);
    cli_call->media_state_.camera_on = true;
  }
  std::unique_ptr<media::VideoSource> screen;
  if (!options.share_screen.empty()) {
    if (options.share_screen.rfind("file:", 0) == 0) {
      auto source = media::ImageSource::open(options.share_screen.substr(5));
      if (!source) {
        return makeError(source.error().code,
                         "--share-screen " + options.share_screen + ": " + source.error().detail);
      }
      screen = std::move(*source);
    } else {
      media::ScreenCaptureOptions capture;
      capture.display = options.share_screen;
      if (!options.share_window.empty()) {
        try {
          capture.window_id = std::stoull(options.share_window, nullptr, 0);
        } catch (const std::exception&) {
          return makeError(ErrorCode::InvalidArgument,
                           "--share-window: not a window id: " + options.share_window);
        }
      }
      auto source = media::ScreenCapture::open(capture);
      if (!source) {
        return makeError(source.error().code,
                         "--share-screen " + options.share_screen + ": " + source.error().detail);
      }
      screen = std::move(*source);
    }
    cli_call->media_state_.sharing_screen = true;
  }

  client::CallConfig config;
  config.transport.allow_udp = options.transport != "tcp";
  config.transport.dscp.enabled = !options.no_dscp;
  // Files, not a room with speakers: no echo to cancel.
  config.audio.echo_cancellation = false;
  cli_call->call_ = std::make_unique<client::Call>(std::move(executor), config,
                                                   *cli_call->input_, *cli_call->output_, clock);
  cli_call->call_->setVideoSources(std::move(camera), std::move(screen));
  if (!options.dump_video.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.dump_video, ec);
    if (ec) {
      return makeError(ErrorCode::Io, "--dump-video " + options.dump_video + ": " + ec.message());
    }
    cli_call->dumper_ = std::make_shared<VideoDumper>(options.dump_video);
    cli_call->call_->setRemoteVideoSink(
        [dumper = cli_call->dumper_](const std::string& user, bool is_screen,
                                     const media::VideoFrame& frame) {
          dumper->onFrame(user, is_screen, frame);
        });
  }
  if (auto ok = cli_call->call_->start(); !ok) {
    return makeError(std::move(ok).error());
  }
  return cli_call;
}

CliCall::~CliCall() { (void)finish(); }

Result<void> CliCall::finish() {
  if (finished_) {
    return {};
  }
  finished_ = true;
  if (call_) {
    call_->stop();
  }
  if (recording_ != nullptr) {
    return recording_->close();
  }
  return {};
}

}  // namespace parley::cli
