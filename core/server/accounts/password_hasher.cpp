#include "core/server/accounts/password_hasher.h"

#include <sodium.h>

#include "core/protocol/protocol_limits.h"

namespace parley::server {
namespace {

bool sodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

Result<std::string> hashPassword(std::string_view password, PasswordCost cost) {
  if (!sodiumReady()) {
    return makeError(ErrorCode::Internal, "libsodium failed to initialize");
  }
  if (password.empty()) {
    return makeError(ErrorCode::InvalidArgument, "the password must not be empty");
  }
  if (password.size() > protocol::kMaxPasswordBytes) {
    return makeError(ErrorCode::InvalidArgument, "the password is longer than " +
                                                     std::to_string(protocol::kMaxPasswordBytes) +
                                                     " bytes");
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.opslimit,
                            static_cast<std::size_t>(cost.memlimit_kib) * 1024,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return makeError(ErrorCode::Internal, "Argon2id hashing failed (out of memory for memlimit " +
                                              std::to_string(cost.memlimit_kib) + " KiB?)");
  }
  return std::string(out);
}

bool verifyPassword(const std::string& hash, std::string_view password) {
  if (!sodiumReady() || hash.size() >= crypto_pwhash_STRBYTES || password.empty()) {
    return false;
  }
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace parley::server
