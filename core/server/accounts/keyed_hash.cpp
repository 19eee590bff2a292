#include "core/server/accounts/keyed_hash.h"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

namespace parley::server {

static_assert(crypto_shorthash_KEYBYTES == 16 && crypto_shorthash_BYTES == 8);

KeyedHash::KeyedHash() {
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium failed to initialize");
  }
  randombytes_buf(key_.data(), key_.size());
}

std::uint64_t KeyedHash::operator()(std::string_view text) const {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                   key_.data());
  std::uint64_t value = 0;
  std::memcpy(&value, out, sizeof value);
  return value;
}

}  // namespace parley::server
