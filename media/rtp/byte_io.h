#pragma once
// Big-endian reads and writes for the packet formats in media/rtp. Internal to
// parley_media_packets; callers bounds-check before reading (every read here
// takes a span the caller has already sized).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace parley::media::detail {

inline std::uint8_t readU8(std::span<const std::byte> in, std::size_t pos) {
  return static_cast<std::uint8_t>(in[pos]);
}
inline std::uint16_t readU16(std::span<const std::byte> in, std::size_t pos) {
  return static_cast<std::uint16_t>((readU8(in, pos) << 8U) | readU8(in, pos + 1));
}
inline std::uint32_t readU24(std::span<const std::byte> in, std::size_t pos) {
  return (std::uint32_t{readU8(in, pos)} << 16U) | (std::uint32_t{readU8(in, pos + 1)} << 8U) |
         std::uint32_t{readU8(in, pos + 2)};
}
inline std::uint32_t readU32(std::span<const std::byte> in, std::size_t pos) {
  return (std::uint32_t{readU16(in, pos)} << 16U) | std::uint32_t{readU16(in, pos + 2)};
}

inline void appendU8(std::vector<std::byte>& out, std::uint32_t v) {
  out.push_back(static_cast<std::byte>(v & 0xFFU));
}
inline void appendU16(std::vector<std::byte>& out, std::uint32_t v) {
  appendU8(out, v >> 8U);
  appendU8(out, v);
}
inline void appendU24(std::vector<std::byte>& out, std::uint32_t v) {
  appendU8(out, v >> 16U);
  appendU16(out, v);
}
inline void appendU32(std::vector<std::byte>& out, std::uint32_t v) {
  appendU16(out, v >> 16U);
  appendU16(out, v);
}
// Overwrites two bytes already in `out` (length fields written after the body).
inline void putU16(std::vector<std::byte>& out, std::size_t pos, std::uint32_t v) {
  out[pos] = static_cast<std::byte>((v >> 8U) & 0xFFU);
  out[pos + 1] = static_cast<std::byte>(v & 0xFFU);
}

}  // namespace parley::media::detail
