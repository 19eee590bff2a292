#pragma once
// Password hashing for accounts: Argon2id (libsodium crypto_pwhash_str_alg).
// Stateless, thread-safe; both calls are CPU and memory heavy by design, so
// the server runs them on its hashing pool, never on a connection strand.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace parley::server {

struct PasswordCost {
  std::uint64_t opslimit = 2;
  std::uint64_t memlimit_kib = 64 * 1024;
};

// "$argon2id$v=19$m=...". Fails on an empty or over-long password.
Result<std::string> hashPassword(std::string_view password, PasswordCost cost);

// True when `password` matches `hash` (constant time inside libsodium).
[[nodiscard]] bool verifyPassword(const std::string& hash, std::string_view password);

}  // namespace parley::server
