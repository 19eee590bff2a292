// PostgresStore: resume tokens, keyed by the token's SHA-256 (docs/security.md,
// "Resume tokens"), as SqliteStore keeps them.
//
// SQLite serialises writers with BEGIN IMMEDIATE; here each step that reads
// a token's basis first takes the account's row lock (SELECT ... FOR UPDATE),
// the lock a password change or removal on another server takes too, so a
// token is never issued on a password that another server just replaced.

#include "core/server/store/postgres_store.h"

namespace parley::server {
namespace {

// Joined with users: a removed account's tokens are dead even if deleting
// them failed.
constexpr const char* kFindToken =
    "SELECT t.account, t.client_instance, t.expires_ms FROM resume_tokens t JOIN users u ON "
    "u.name = t.account WHERE t.token_sha256 = $1 AND t.expires_ms > $2";

}  // namespace

Result<bool> PostgresStore::basisHoldsLocked(const ResumeTokenBasis& basis, const std::string& user,
                                             std::uint64_t client_instance, std::int64_t now_ms) {
  auto account =
      db_->run("SELECT password_hash FROM users WHERE name = $1 FOR UPDATE", {pg::text(user)});
  if (!account) {
    return makeError(std::move(account).error());
  }
  if (account->count() == 0) {
    return false;  // the account is gone
  }
  if (basis.password_hash && account->text(0, 0) != *basis.password_hash) {
    return false;
  }
  if (basis.presented_token_hash) {
    auto token =
        db_->run(kFindToken, {pg::bytes(*basis.presented_token_hash), pg::integer(now_ms)});
    if (!token) {
      return makeError(std::move(token).error());
    }
    if (token->count() == 0 || token->text(0, 0) != user ||
        static_cast<std::uint64_t>(token->integer(0, 1)) != client_instance) {
      return false;
    }
  }
  return true;
}

Result<bool> PostgresStore::issueResumeToken(const std::string& token_hash, const std::string& user,
                                             std::uint64_t client_instance, std::int64_t now_ms,
                                             std::int64_t expires_ms,
                                             std::int64_t older_valid_until_ms,
                                             const ResumeTokenBasis& basis) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  const auto instance = static_cast<std::int64_t>(client_instance);
  return transaction<bool>([&]() -> Result<bool> {
    auto holds = basisHoldsLocked(basis, user, client_instance, now_ms);
    if (!holds || !*holds) {
      return holds;
    }
    auto capped = db_->run(
        "UPDATE resume_tokens SET expires_ms = LEAST(expires_ms, $3) WHERE account = $1 AND "
        "client_instance = $2",
        {pg::text(user), pg::integer(instance), pg::integer(older_valid_until_ms)});
    if (!capped) {
      return makeError(std::move(capped).error());
    }
    auto dropped =
        db_->run("DELETE FROM resume_tokens WHERE expires_ms <= $1", {pg::integer(now_ms)});
    if (!dropped) {
      return makeError(std::move(dropped).error());
    }
    auto inserted = db_->run(
        "INSERT INTO resume_tokens(token_sha256, account, client_instance, created_ms, "
        "expires_ms) VALUES($1, $2, $3, $4, $5)",
        {pg::bytes(token_hash), pg::text(user), pg::integer(instance), pg::integer(now_ms),
         pg::integer(expires_ms)});
    if (!inserted) {
      return makeError(std::move(inserted).error());
    }
    return true;
  });
}

Result<std::optional<ResumeTokenRecord>> PostgresStore::findResumeToken(
    const std::string& token_hash, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  auto rows = db_->run(kFindToken, {pg::bytes(token_hash), pg::integer(now_ms)});
  if (!rows) {
    return makeError(std::move(rows).error());
  }
  if (rows->count() == 0) {
    return std::optional<ResumeTokenRecord>();
  }
  ResumeTokenRecord record;
  record.user = rows->text(0, 0);
  record.client_instance = static_cast<std::uint64_t>(rows->integer(0, 1));
  record.expires_ms = rows->integer(0, 2);
  return std::optional<ResumeTokenRecord>(std::move(record));
}

Result<int> PostgresStore::revokeResumeTokens(const std::string& user) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  int revoked = 0;
  auto done = transaction<void>([&]() -> Result<void> {
    // The account's row lock: a token being issued on another server
    // commits before this or waits and then sees the revocation.
    if (auto locked = db_->run("SELECT 1 FROM users WHERE name = $1 FOR UPDATE", {pg::text(user)});
        !locked) {
      return makeError(std::move(locked).error());
    }
    return revokeTokensLocked(user, &revoked);
  });
  if (!done) {
    return makeError(std::move(done).error());
  }
  return revoked;
}

Result<void> PostgresStore::revokeTokensLocked(const std::string& user, int* revoked) {
  auto deleted = db_->run("DELETE FROM resume_tokens WHERE account = $1", {pg::text(user)});
  if (!deleted) {
    return makeError(std::move(deleted).error());
  }
  if (revoked != nullptr) {
    *revoked = static_cast<int>(deleted->affected());
  }
  return {};
}

}  // namespace parley::server
