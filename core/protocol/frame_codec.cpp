#include "core/protocol/frame_codec.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace parley::protocol {
namespace {

std::uint32_t readBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24U) | (std::uint32_t{u[1]} << 16U) | (std::uint32_t{u[2]} << 8U) |
         std::uint32_t{u[3]};
}

}  // namespace

Result<void> appendFrame(std::span<const std::byte> payload, std::string& out,
                         std::size_t max_frame_bytes) {
  if (payload.size() > max_frame_bytes) {
    return makeError(ErrorCode::FrameTooLarge, "frame of " + std::to_string(payload.size()) +
                                                   " bytes exceeds the limit of " +
                                                   std::to_string(max_frame_bytes));
  }
  const auto n = static_cast<std::uint32_t>(payload.size());
  const char header[kFrameHeaderBytes] = {static_cast<char>(n >> 24U), static_cast<char>(n >> 16U),
                                          static_cast<char>(n >> 8U), static_cast<char>(n)};
  out.append(header, kFrameHeaderBytes);
  out.append(reinterpret_cast<const char*>(payload.data()), payload.size());
  return {};
}

Result<void> FrameDecoder::checkHeader() {
  if (bufferedBytes() < kFrameHeaderBytes) {
    return {};
  }
  const std::uint32_t length = readBigEndian32(buffer_.data() + read_pos_);
  if (length > max_frame_bytes_) {
    failed_ = true;
    return makeError(ErrorCode::FrameTooLarge,
                     "peer announced a frame of " + std::to_string(length) +
                         " bytes; the limit is " + std::to_string(max_frame_bytes_));
  }
  return {};
}

Result<void> FrameDecoder::feed(std::span<const std::byte> bytes) {
  if (failed_) {
    return makeError(ErrorCode::FrameTooLarge, "decoder already failed");
  }
  // Compact consumed bytes before growing so the buffer stays near one frame
  // (a small limit compacts sooner, keeping small connections small).
  constexpr std::size_t kCompactAfterBytes = 64 * 1024;
  if (read_pos_ > 0 &&
      (read_pos_ == buffer_.size() || read_pos_ > std::min(kCompactAfterBytes, max_frame_bytes_))) {
    buffer_.erase(0, read_pos_);
    read_pos_ = 0;
  }
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return checkHeader();
}

Result<std::optional<std::string>> FrameDecoder::next() {
  if (failed_) {
    return makeError(ErrorCode::FrameTooLarge, "decoder already failed");
  }
  if (bufferedBytes() < kFrameHeaderBytes) {
    return std::optional<std::string>{};
  }
  if (auto header = checkHeader(); !header) {
    return makeError(std::move(header).error());
  }
  const std::uint32_t length = readBigEndian32(buffer_.data() + read_pos_);
  if (bufferedBytes() < kFrameHeaderBytes + length) {
    return std::optional<std::string>{};
  }
  std::string payload = buffer_.substr(read_pos_ + kFrameHeaderBytes, length);
  read_pos_ += kFrameHeaderBytes + length;
  if (read_pos_ == buffer_.size()) {
    buffer_.clear();
    read_pos_ = 0;
  }
  return std::optional<std::string>{std::move(payload)};
}

}  // namespace parley::protocol
