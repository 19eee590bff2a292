#pragma once
// PipeWireScreenStream: receives the frames of a screen cast the desktop
// portal granted (a PipeWire node reached through the portal's socket),
// converted to I420 as they arrive. PipeWire calls us on its own thread
// (pw_thread_loop); the capture thread takes the newest frame. Shared-memory
// buffers only (MemFd, MemPtr): docs/adr/0018-wayland-screen-sharing.md says
// why not DMA-BUF. The size may change mid-share (a resized window, a new
// monitor mode): the next frames simply come at the new size.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/base/result.h"
#include "media/video/video_frame.h"

namespace parley::media {

struct ScreenStreamStats {
  std::uint64_t frames_received = 0;  // converted and offered
  std::uint64_t frames_skipped = 0;   // empty, corrupted or malformed buffers
  // Buffers that repeat the last picture (no damage, or the same pixels):
  // not converted again.
  std::uint64_t frames_unchanged = 0;
  std::uint64_t size_changes = 0;  // formats after the first
  // Time spent converting one frame (the last one), microseconds.
  std::int64_t last_convert_us = 0;
};

class PipeWireScreenStream {
 public:
  // Whether this session's PipeWire daemon answers (its socket in
  // $XDG_RUNTIME_DIR, or $PIPEWIRE_REMOTE). The portal's backends need it
  // to cast, and some wait for it rather than fail: asking first gives a
  // clear refusal instead of a silent chooser. CaptureFailed saying what
  // to install when it does not.
  static Result<void> checkDaemon();

  // Takes ownership of `pipewire_fd`. CaptureFailed when PipeWire cannot be
  // reached through it or refuses the stream.
  static Result<std::unique_ptr<PipeWireScreenStream>> connect(int pipewire_fd,
                                                               std::uint32_t node_id);

  ~PipeWireScreenStream();
  PipeWireScreenStream(const PipeWireScreenStream&) = delete;
  PipeWireScreenStream& operator=(const PipeWireScreenStream&) = delete;

  // The newest frame not taken yet, waiting up to `wait` for one; nullopt
  // when none came. Its timestamp is when it arrived (monotonic clock, us).
  std::optional<VideoFrame> takeFrame(std::chrono::milliseconds wait);

  // Set once the stream is over: the node went away (the portal session
  // ended), PipeWire reported an error, or the connection dropped.
  [[nodiscard]] std::optional<std::string> ended() const;

  [[nodiscard]] ScreenStreamStats stats() const;

  struct Impl;

 private:
  explicit PipeWireScreenStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::media
