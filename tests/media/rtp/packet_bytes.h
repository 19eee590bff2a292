#pragma once
// Test helpers for the media/rtp tests: byte buffers from integer lists.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace parley::media::test {

inline std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  out.reserve(values.size());
  for (const int v : values) {
    out.push_back(static_cast<std::byte>(v & 0xFF));
  }
  return out;
}

inline std::vector<std::byte> filled(std::size_t n, int value) {
  return std::vector<std::byte>(n, static_cast<std::byte>(value & 0xFF));
}

inline void append(std::vector<std::byte>& out, const std::vector<std::byte>& more) {
  out.insert(out.end(), more.begin(), more.end());
}

}  // namespace parley::media::test
