#pragma once
// ResumeTokens: what a client presents instead of its password on a
// reconnect, so only the first sign-in pays Argon2 (docs/security.md,
// "Resume tokens"). A token is 32 random bytes, bound to one account and one
// client instance, valid for the configured lifetime, and stored only as its
// SHA-256. Each successful sign-in issues a fresh one; the pair's older
// tokens stay valid for kRotationGrace, for a client that lost the answer.
//
// Threads: any; the Store guards itself.

#include <chrono>
#include <cstdint>
#include <string>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/server/store/store.h"

namespace parley::server {

inline constexpr std::size_t kResumeTokenBytes = 32;

class ResumeTokens {
 public:
  static constexpr std::chrono::minutes kRotationGrace{2};

  enum class Verdict { Valid, Unknown, OtherAccount, OtherInstance, StoreFailed };

  // lifetime 0: tokens are off (issue() returns an empty token).
  ResumeTokens(Store& store, const Clock& clock, std::chrono::hours lifetime)
      : store_(store), clock_(clock), lifetime_(lifetime) {}

  [[nodiscard]] bool enabled() const { return lifetime_.count() > 0; }
  [[nodiscard]] std::chrono::hours lifetime() const { return lifetime_; }

  // A new token for (user, instance), stored hashed; empty when off.
  Result<std::string> issue(const std::string& user, std::uint64_t client_instance);
  // Unknown covers wrong length, never issued, expired and revoked alike.
  Verdict check(const std::string& token, const std::string& user, std::uint64_t client_instance);

  // The form the store keeps: SHA-256, 32 raw bytes.
  static std::string hashOf(const std::string& token);

 private:
  Store& store_;
  const Clock& clock_;
  const std::chrono::hours lifetime_;
};

}  // namespace parley::server
