#pragma once
// VideoSource: where a local video stream's frames come from (a camera in
// ui/, a synthetic pattern, a still image, a captured screen). The send
// pipeline owns its source and polls it from its one capture thread at the
// stream's frame rate; a source is not thread-safe.

#include <optional>
#include <string>

#include "core/base/result.h"
#include "media/video/video_frame.h"

namespace parley::media {

class VideoSource {
 public:
  virtual ~VideoSource() = default;

  // The next frame, or nullopt when nothing new is ready yet (poll again
  // later). Each source says how long it may block; none blocks for more
  // than about one frame interval. An error means the source is finished
  // (display gone, file unreadable); the caller stops the stream.
  virtual Result<std::optional<VideoFrame>> nextFrame() = 0;

  // Size of the frames this source produces.
  [[nodiscard]] virtual int width() const = 0;
  [[nodiscard]] virtual int height() const = 0;
  // For logs and the GUI ("synthetic 640x360", "screen :99").
  [[nodiscard]] virtual std::string name() const = 0;
};

}  // namespace parley::media
