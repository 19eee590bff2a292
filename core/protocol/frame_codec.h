#pragma once
// Length-prefixed framing: u32 big-endian payload length, then the payload.
//
// FrameDecoder is incremental: feed it whatever bytes arrived, then pull
// complete frames. It never buffers more than one frame's worth beyond the
// limit check, so a peer cannot make it allocate more than kMaxFrameBytes+4.
// Not thread-safe; owned by one connection.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/protocol_limits.h"

namespace parley::protocol {

// Appends header + payload to `out`. Fails with FrameTooLarge past the limit.
Result<void> appendFrame(std::span<const std::byte> payload, std::string& out,
                         std::size_t max_frame_bytes = kMaxFrameBytes);

class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_frame_bytes = kMaxFrameBytes)
      : max_frame_bytes_(max_frame_bytes) {}

  // Takes effect from the next header checked, never for a frame whose
  // header was already accepted.
  void setMaxFrameBytes(std::size_t max_frame_bytes) { max_frame_bytes_ = max_frame_bytes; }
  [[nodiscard]] std::size_t maxFrameBytes() const { return max_frame_bytes_; }

  // Adds received bytes. Fails (and stays failed) when a header announces a
  // frame over the limit; the caller closes the connection.
  Result<void> feed(std::span<const std::byte> bytes);

  // The next complete frame's payload, nullopt until more bytes arrive, or
  // FrameTooLarge when the next header announces a frame over the limit.
  Result<std::optional<std::string>> next();

  // True when bytes of an incomplete frame are buffered (a truncated frame if
  // the stream ends now).
  [[nodiscard]] bool hasPartialFrame() const { return buffer_.size() > read_pos_; }
  [[nodiscard]] std::size_t bufferedBytes() const { return buffer_.size() - read_pos_; }

 private:
  Result<void> checkHeader();

  std::size_t max_frame_bytes_;
  std::string buffer_;
  std::size_t read_pos_ = 0;
  bool failed_ = false;
};

}  // namespace parley::protocol
