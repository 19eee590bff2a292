#pragma once
// parley-cli join's media options and the devices they stand for:
//   --send-audio FILE.wav     speak the file into the room (then silence)
//   --record-audio FILE.wav   record what everyone else says (mixed, 48 kHz mono)
//   --stats                   a media statistics line every second
//   --media-transport auto|tcp  tcp: never try UDP (media inside the TLS channel)
//   --video-decoders LIST     what this client says it can decode ("VP9,VP8",
//                             "VP8" to act as a VP8-only participant)
//   --send-video synthetic    a camera: a moving test pattern, 640x360
//   --share-screen DISPLAY    share an X display (":99"), the Wayland desktop's
//                             screen through its portal ("portal"), or
//                             file:IMAGE.png
//   --share-window ID         with --share-screen DISPLAY: only this X window
//   --dump-video DIR          decoded remote video as PNG, per sender and kind
//   --screen-reference PNG --screen-scores OUT.json
//                             PSNR of every decoded screen frame against PNG
//   --no-retransmission       lost video waits for a key frame (no NACK/RTX;
//                             for comparison)
//   --no-p2p                  never a peer-to-peer path (media via the server)
//   --ice-interfaces LIST     gather host candidates only on these interfaces
//                             ("eth0,wlan*"; "lo" allows loopback)
//   --ice-exclude LIST        never on these (added to the container bridges)
//   --hide-local-addresses    offer the peer no LAN address (STUN/TURN only)
// Wiring only: the call itself is core/client/call.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <asio/any_io_executor.hpp>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/client/call/call.h"
#include "core/client/session_observer.h"
#include "media/engine/file_audio_devices.h"

namespace parley::cli {

struct MediaOptions {
  std::string send_audio;
  std::string record_audio;
  bool stats = false;
  std::string transport = "auto";
  std::string video_decoders = "VP9,VP8";
  bool no_dscp = false;
  std::string send_video;
  std::string share_screen;
  std::string share_window;
  std::string dump_video;
  std::string screen_reference;
  std::string screen_scores;
  bool no_retransmission = false;
  bool no_p2p = false;
  bool no_red = false;
  std::vector<std::string> ice_interfaces;
  std::vector<std::string> ice_exclude;
  bool hide_local_addresses = false;
  // Not options: the proxy sign-in, for TURN through the proxy (main.cpp).
  std::string proxy_user;
  std::string proxy_password;
  // Set by SIGINT/SIGTERM: gives up a --share-screen portal whose desktop
  // chooser is still open (main.cpp).
  std::shared_ptr<std::atomic<bool>> portal_withdraw;
};

void addMediaOptions(CLI::App& command, MediaOptions& options);

// The call and its file devices, for one parley-cli join.
class CliCall {
 public:
  static Result<std::unique_ptr<CliCall>> create(asio::any_io_executor executor,
                                                 const MediaOptions& options, const Clock& clock);
  ~CliCall();

  client::Call& call() { return *call_; }
  // What the session announces on join.
  [[nodiscard]] client::MediaStateInfo mediaState() const { return media_state_; }
  // Stops the call and closes the recording (its header is fixed).
  Result<void> finish();

 private:
  CliCall() = default;
  std::unique_ptr<media::AudioInput> input_;
  std::unique_ptr<media::AudioOutput> output_;
  media::WavFileOutput* recording_ = nullptr;
  std::unique_ptr<client::Call> call_;
  client::MediaStateInfo media_state_;
  bool finished_ = false;
  std::shared_ptr<class VideoDumper> dumper_;
  std::shared_ptr<class ScreenScorer> scorer_;
};

}  // namespace parley::cli
