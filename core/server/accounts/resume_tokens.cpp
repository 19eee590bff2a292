#include "core/server/accounts/resume_tokens.h"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

namespace parley::server {

std::string ResumeTokens::hashOf(const std::string& token) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

Result<std::string> ResumeTokens::issue(const std::string& user, std::uint64_t client_instance) {
  if (!enabled()) {
    return std::string();
  }
  std::string token(kResumeTokenBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(token.data()), static_cast<int>(token.size())) !=
      1) {
    return makeError(ErrorCode::StoreFailed, "no randomness for a resume token");
  }
  const std::int64_t now = clock_.wallMillis();
  const auto lifetime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(lifetime_).count();
  const auto grace_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(kRotationGrace).count();
  if (auto ok = store_.issueResumeToken(hashOf(token), user, client_instance, now,
                                        now + lifetime_ms, now + grace_ms);
      !ok) {
    return makeError(std::move(ok).error());
  }
  return token;
}

ResumeTokens::Verdict ResumeTokens::check(const std::string& token, const std::string& user,
                                          std::uint64_t client_instance) {
  if (!enabled() || token.size() != kResumeTokenBytes) {
    return Verdict::Unknown;
  }
  auto record = store_.findResumeToken(hashOf(token), clock_.wallMillis());
  if (!record) {
    spdlog::error("resume token: {}", record.error().toString());
    return Verdict::StoreFailed;
  }
  if (!record->has_value()) {
    return Verdict::Unknown;
  }
  if ((*record)->user != user) {
    return Verdict::OtherAccount;
  }
  if ((*record)->client_instance != client_instance) {
    return Verdict::OtherInstance;
  }
  return Verdict::Valid;
}

}  // namespace parley::server
