#include "app/parley-cli/media_options.h"

#include "app/parley-cli/screen_scorer.h"

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/base/thread_check.h"
#include "media/video/frame_convert.h"
#include "media/video/image_source.h"
#include "media/video/png_image.h"
#include "media/video/portal_screen_capture.h"
#include "media/video/screen_capture.h"
#include "media/video/synthetic_source.h"

namespace parley::cli {

void addMediaOptions(CLI::App& command, MediaOptions& options) {
  command.add_option("--send-audio", options.send_audio, "WAV file to speak into the room")
      ->check(CLI::ExistingFile);
  command.add_option("--record-audio", options.record_audio,
                     "WAV file to record what the others say (48 kHz mono)");
  command.add_flag("--stats", options.stats, "print media statistics every second");
  command
      .add_option("--media-transport", options.transport,
                  "auto: UDP when it gets through, else inside the TLS channel; tcp: never UDP")
      ->check(CLI::IsMember({"auto", "tcp"}));
  command.add_option("--video-decoders", options.video_decoders,
                     "video codecs to announce as decodable, best first (e.g. VP9,VP8 or VP8)");
  command.add_flag("--no-dscp", options.no_dscp, "do not mark media packets with DSCP");
  command
      .add_option("--send-video", options.send_video, "send a camera: 'synthetic' (test pattern)")
      ->check(CLI::IsMember({"synthetic"}));
  command.add_option("--share-screen", options.share_screen,
                     "share an X display (':99'; on Windows any name, e.g. 'desktop', means the "
                     "desktop), the screen the Wayland desktop's portal offers ('portal'), or a "
                     "still image (file:IMAGE.png)");
  command.add_option("--share-window", options.share_window,
                     "with --share-screen DISPLAY: share only this window (X window id, e.g. "
                     "0x1e00007; on Windows its handle)");
  command.add_option("--dump-video", options.dump_video,
                     "write decoded remote video to DIR as PNG (USER-video.png, USER-screen.png, "
                     "and numbered frames once a second)");
  auto* reference = command.add_option(
      "--screen-reference", options.screen_reference,
      "score every decoded screen frame (PSNR) against this PNG, the image the sender shares");
  auto* scores = command.add_option("--screen-scores", options.screen_scores,
                                    "with --screen-reference: write the scores to this JSON file");
  reference->needs(scores);
  scores->needs(reference);
  command.add_flag("--no-retransmission", options.no_retransmission,
                   "do not ask for lost video packets again (NACK); losses wait for a key frame "
                   "(for comparison)");
  command.add_flag("--no-p2p", options.no_p2p,
                   "never try a peer-to-peer path in two-person rooms (media via the server)");
  command.add_flag("--no-red", options.no_red,
                   "never send voice with redundancy (RED) however much is lost; Opus FEC "
                   "still follows the loss (for comparison)");
  command
      .add_option("--ice-interfaces", options.ice_interfaces,
                  "peer paths: gather only on these interfaces (names, 'eth*' prefixes; 'lo' "
                  "allows loopback)")
      ->delimiter(',');
  command
      .add_option("--ice-exclude", options.ice_exclude,
                  "peer paths: never gather on these interfaces (e.g. a VPN: 'tun*')")
      ->delimiter(',');
  command.add_flag("--hide-local-addresses", options.hide_local_addresses,
                   "peer paths: do not show the other participant this machine's LAN addresses");
}

// Writes what the decode thread hands over: the newest picture of each
// sender and kind, and a numbered copy at most once a second.
//
// Two threads: onFrame() runs on the call's decode thread and only decides
// and converts (a few ms); PNG encoding, about 230 ms for a 1920x1080 frame
// here, runs on the dumper's own writer thread. Done on the decode thread it
// cost more than a second per second of screen video, so decoding fell
// further behind all the time (found by tests/lab media-tbf). The mailbox
// holds one picture per file name; a newer picture replaces one not yet
// written. Destruction writes what is still pending, then joins the writer:
// USER-screen.png is on disk when the CLI exits.
class VideoDumper {
 public:
  explicit VideoDumper(std::filesystem::path dir)
      : dir_(std::move(dir)), writer_([this] { run(); }) {}
  ~VideoDumper() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_one();
    writer_.join();
  }
  VideoDumper(const VideoDumper&) = delete;
  VideoDumper& operator=(const VideoDumper&) = delete;

  // Decode thread only.
  void onFrame(const std::string& user, bool screen, const media::VideoFrame& frame) {
    const std::string base = safeName(user) + (screen ? "-screen" : "-video");
    const auto now = std::chrono::steady_clock::now();
    auto& last = last_numbered_[base];
    const bool numbered =
        last == std::chrono::steady_clock::time_point{} || now - last >= std::chrono::seconds(1);
    if (!numbered && now - last_latest_[base] < std::chrono::milliseconds(200)) {
      return;
    }
    last_latest_[base] = now;
    auto rgb = converter_.fromI420(frame, media::PixelFormat::Rgb24);
    if (!rgb) {
      return;
    }
    if (numbered) {
      last = now;
    }
    {
      std::lock_guard lock(mu_);
      Job& job = pending_[base];
      job.image = std::move(*rgb);
      if (numbered) {
        job.number = ++counts_[base];
      }
    }
    wake_.notify_one();
  }

 private:
  struct Job {
    media::PackedImage image;
    int number = 0;  // > 0: also write BASE-number.png
  };

  // Writer thread: one pending picture at a time, the lock released while
  // encoding; ends once stopping and nothing is left.
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) {
        return;
      }
      auto node = pending_.extract(pending_.begin());
      lock.unlock();
      const std::string& base = node.key();
      writeAtomically(dir_ / (base + ".png"), node.mapped().image);
      if (node.mapped().number > 0) {
        writeAtomically(dir_ / (base + "-" + std::to_string(node.mapped().number) + ".png"),
                        node.mapped().image);
      }
      lock.lock();
    }
  }
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
  const std::filesystem::path dir_;
  // Decode thread only.
  media::FrameConverter converter_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_numbered_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_latest_;
  std::map<std::string, int> counts_;
  // Between the decode thread and the writer.
  std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Job> pending_ PARLEY_GUARDED_BY(mu_);
  bool stopping_ PARLEY_GUARDED_BY(mu_) = false;
  std::thread writer_;  // last: starts once the rest exists
};

Result<std::unique_ptr<CliCall>> CliCall::create(asio::any_io_executor executor,
                                                 const MediaOptions& options, const Clock& clock) {
  std::unique_ptr<CliCall> cli_call(new CliCall());
  if (!options.send_audio.empty()) {
    auto input = media::WavFileInput::open(options.send_audio);
    if (!input) {
      return makeError(input.error().code,
                       "--send-audio " + options.send_audio + ": " + input.error().detail);
    }
    cli_call->input_ = std::move(*input);
    cli_call->media_state_.audio_muted = false;
  } else {
    cli_call->input_ = std::make_unique<media::SilentInput>();
  }
  if (!options.record_audio.empty()) {
    auto output = media::WavFileOutput::create(options.record_audio);
    if (!output) {
      return makeError(output.error().code,
                       "--record-audio " + options.record_audio + ": " + output.error().detail);
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
    } else if (options.share_screen == "portal") {
      if (!options.share_window.empty()) {
        return makeError(ErrorCode::InvalidArgument,
                         "--share-window: with --share-screen portal the desktop's own chooser "
                         "picks the window");
      }
      media::PortalCaptureOptions portal;
      portal.withdraw = options.portal_withdraw;
      auto source = media::PortalScreenCapture::open(portal);
      if (!source) {
        return makeError(source.error().code, "--share-screen portal: " + source.error().detail);
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
  config.peer_enabled = !options.no_p2p;
  config.video_retransmission = !options.no_retransmission;
  config.audio_red = !options.no_red;
  config.peer.interfaces.allow = options.ice_interfaces;
  for (const auto& name : options.ice_exclude) {
    config.peer.interfaces.deny.push_back(name);
  }
  config.peer.hide_local_addresses = options.hide_local_addresses;
  config.peer.proxy.username = options.proxy_user;
  config.peer.proxy.password = options.proxy_password;
  cli_call->call_ = std::make_unique<client::Call>(std::move(executor), config, *cli_call->input_,
                                                   *cli_call->output_, clock);
  cli_call->call_->setVideoSources(std::move(camera), std::move(screen));
  if (!options.dump_video.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.dump_video, ec);
    if (ec) {
      return makeError(ErrorCode::Io, "--dump-video " + options.dump_video + ": " + ec.message());
    }
    cli_call->dumper_ = std::make_shared<VideoDumper>(options.dump_video);
  }
  if (!options.screen_reference.empty()) {
    auto scorer = ScreenScorer::create(options.screen_reference, options.screen_scores);
    if (!scorer) {
      return makeError(std::move(scorer).error());
    }
    cli_call->scorer_ = std::move(*scorer);
  }
  if (cli_call->dumper_ || cli_call->scorer_) {
    cli_call->call_->setRemoteVideoSink(
        [dumper = cli_call->dumper_, scorer = cli_call->scorer_](const std::string& user,
                                                                 bool is_screen,
                                                                 const media::VideoFrame& frame) {
          if (scorer) {
            scorer->onFrame(is_screen, frame);
          }
          if (dumper) {
            dumper->onFrame(user, is_screen, frame);
          }
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
  Result<void> scores;
  if (scorer_) {
    scores = scorer_->write();
  }
  if (recording_ != nullptr) {
    if (auto closed = recording_->close(); !closed) {
      return closed;
    }
  }
  return scores;
}

}  // namespace parley::cli
