#pragma once
// KeyedHash: a 64-bit SipHash (libsodium crypto_shorthash) under a key drawn
// at random when the server starts. Tables indexed by it cannot be aimed at:
// a stranger who does not know the key cannot pick account names that land
// in alice's slot. Immutable after construction; any thread.

#include <array>
#include <cstdint>
#include <string_view>

namespace parley::server {

class KeyedHash {
 public:
  KeyedHash();
  [[nodiscard]] std::uint64_t operator()(std::string_view text) const;

 private:
  std::array<unsigned char, 16> key_{};
};

}  // namespace parley::server
