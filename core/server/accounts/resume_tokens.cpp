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

Result<std::string> ResumeTokens::issue(const std::string& user, std::uint64_t client_instance,
                                        const ResumeTokenBasis& basis) {
  if (!enabled()) {
    return std::string();
  }
  auto issued = issueOn(user, client_instance, basis);
  if (!issued) {
    return makeError(std::move(issued).error());
  }
  if (!issued->has_value()) {
    spdlog::info(
        "no resume token for '{}': its password changed (or the account went) during the sign-in",
        user);
    return std::string();
  }
  return std::move(**issued);
}

ResumeTokens::Redeemed ResumeTokens::redeem(const std::string& token, const std::string& user,
                                            std::uint64_t client_instance) {
  Redeemed out;
  out.verdict = check(token, user, client_instance);
  if (out.verdict != Verdict::Valid) {
    return out;
  }
  ResumeTokenBasis basis;
  basis.presented_token_hash = hashOf(token);
  auto issued = issueOn(user, client_instance, basis);
  if (!issued) {
    spdlog::error("no fresh resume token for '{}': {}", user, issued.error().toString());
  } else if (!issued->has_value()) {
    out.verdict = Verdict::Unknown;  // revoked (or expired) since the check
  } else {
    out.fresh = std::move(**issued);
  }
  return out;
}

Result<std::optional<std::string>> ResumeTokens::issueOn(const std::string& user,
                                                         std::uint64_t client_instance,
                                                         const ResumeTokenBasis& basis) {
  std::string token(kResumeTokenBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(token.data()), static_cast<int>(token.size())) !=
      1) {
    return makeError(ErrorCode::StoreFailed, "no randomness for a resume token");
  }
  const std::int64_t now = clock_.wallMillis();
  const auto lifetime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(lifetime_).count();
  const auto grace_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(kRotationGrace).count();
  auto stored = store_.issueResumeToken(hashOf(token), user, client_instance, now,
                                        now + lifetime_ms, now + grace_ms, basis);
  if (!stored) {
    return makeError(std::move(stored).error());
  }
  if (!*stored) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(std::move(token));
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
