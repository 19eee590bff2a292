#pragma once
// ResumeTokens: what a client presents instead of its password on a
// reconnect, so only the first sign-in pays Argon2 (docs/security.md,
// "Resume tokens"). A token is 32 random bytes, bound to one account and one
// client instance, valid for the configured lifetime, and stored only as its
// SHA-256. Each successful sign-in issues a fresh one; the pair's older
// tokens stay valid for kRotationGrace, for a client that lost the answer.
//
// Threads: any; the Store guards itself. parleyd calls it from the hash
// pool (after Argon2) and from its store thread (token sign-ins), never
// from an I/O thread: every issue writes SQLite.

#include <chrono>
#include <cstdint>
#include <optional>
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

  // A new token for (user, instance), stored hashed; empty when off, or
  // when `basis` no longer holds (the password changed while it was being
  // checked: ResumeTokenBasis). The server always passes the basis; tests
  // may leave it empty (then only the account must exist).
  Result<std::string> issue(const std::string& user, std::uint64_t client_instance,
                            const ResumeTokenBasis& basis = {});
  // Unknown covers wrong length, never issued, expired and revoked alike.
  Verdict check(const std::string& token, const std::string& user, std::uint64_t client_instance);

  // A token sign-in: check(), and for a valid token a fresh one (rotation)
  // stored only while the presented one is still valid, so a revocation
  // between the two is never outlived (then the verdict is Unknown). A
  // store failure while issuing leaves `fresh` empty and the sign-in valid.
  struct Redeemed {
    Verdict verdict = Verdict::Unknown;
    std::string fresh;
  };
  Redeemed redeem(const std::string& token, const std::string& user, std::uint64_t client_instance);

  // The form the store keeps: SHA-256, 32 raw bytes.
  static std::string hashOf(const std::string& token);

 private:
  // nullopt: the basis no longer holds, nothing stored.
  Result<std::optional<std::string>> issueOn(const std::string& user, std::uint64_t client_instance,
                                             const ResumeTokenBasis& basis);

  Store& store_;
  const Clock& clock_;
  const std::chrono::hours lifetime_;
};

}  // namespace parley::server
