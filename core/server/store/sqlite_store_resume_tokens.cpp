// Store: resume tokens. Only the token's SHA-256 is stored (docs/security.md,
// "Resume tokens"); the caller hashes. Looked up at every token sign-in, so
// the statements are the cached ones of prepareAll().

#include <sqlite3.h>

#include "core/server/store/sqlite_statement.h"
#include "core/server/store/sqlite_store.h"

namespace parley::server {
namespace {

using sqlite::bindBlob;
using sqlite::bindText;
using sqlite::columnText;
using sqlite::StmtUse;

}  // namespace

Result<bool> SqliteStore::basisHoldsLocked(const ResumeTokenBasis& basis, const std::string& user,
                                           std::uint64_t client_instance, std::int64_t now_ms) {
  if (basis.presented_token_hash) {
    StmtUse use(find_token_);
    bindBlob(find_token_, 1, *basis.presented_token_hash);
    sqlite3_bind_int64(find_token_, 2, now_ms);
    const int rc = sqlite3_step(find_token_);
    if (rc == SQLITE_DONE) {
      return false;
    }
    if (rc != SQLITE_ROW) {
      return storeError("cannot look up a resume token");
    }
    if (columnText(find_token_, 0) != user ||
        static_cast<std::uint64_t>(sqlite3_column_int64(find_token_, 1)) != client_instance) {
      return false;
    }
  }
  StmtUse use(get_hash_);
  bindText(get_hash_, 1, user);
  const int rc = sqlite3_step(get_hash_);
  if (rc == SQLITE_DONE) {
    return false;  // the account is gone
  }
  if (rc != SQLITE_ROW) {
    return storeError("cannot look up user '" + user + "'");
  }
  return !basis.password_hash || columnText(get_hash_, 0) == *basis.password_hash;
}

Result<bool> SqliteStore::issueResumeToken(const std::string& token_hash, const std::string& user,
                                           std::uint64_t client_instance, std::int64_t now_ms,
                                           std::int64_t expires_ms,
                                           std::int64_t older_valid_until_ms,
                                           const ResumeTokenBasis& basis) {
  std::lock_guard lock(mu_);
  if (db_ == nullptr) {
    return makeError(ErrorCode::StoreFailed, "the store " + path_ + " is closed");
  }
  if (auto ok = exec("BEGIN IMMEDIATE;"); !ok) {
    return makeError(std::move(ok).error());
  }
  auto steps = [&]() -> Result<bool> {
    // In the transaction: a password change or revocation (the CLI, another
    // process) commits either before this check or after the token is in,
    // and then revokes it with the others.
    auto holds = basisHoldsLocked(basis, user, client_instance, now_ms);
    if (!holds || !*holds) {
      return holds;
    }
    {
      StmtUse use(cap_tokens_);
      bindText(cap_tokens_, 1, user);
      sqlite3_bind_int64(cap_tokens_, 2, static_cast<std::int64_t>(client_instance));
      sqlite3_bind_int64(cap_tokens_, 3, older_valid_until_ms);
      if (sqlite3_step(cap_tokens_) != SQLITE_DONE) {
        return storeError("cannot rotate the resume tokens of '" + user + "'");
      }
    }
    {
      StmtUse use(drop_expired_tokens_);
      sqlite3_bind_int64(drop_expired_tokens_, 1, now_ms);
      if (sqlite3_step(drop_expired_tokens_) != SQLITE_DONE) {
        return storeError("cannot drop expired resume tokens");
      }
    }
    StmtUse use(insert_token_);
    bindBlob(insert_token_, 1, token_hash);
    bindText(insert_token_, 2, user);
    sqlite3_bind_int64(insert_token_, 3, static_cast<std::int64_t>(client_instance));
    sqlite3_bind_int64(insert_token_, 4, now_ms);
    sqlite3_bind_int64(insert_token_, 5, expires_ms);
    if (sqlite3_step(insert_token_) != SQLITE_DONE) {
      return storeError("cannot store a resume token for '" + user + "'");
    }
    return true;
  };
  auto stored = steps();
  if (!stored || !*stored) {
    sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
    return stored;
  }
  if (auto ok = exec("COMMIT;"); !ok) {
    return makeError(std::move(ok).error());
  }
  return true;
}

Result<std::optional<ResumeTokenRecord>> SqliteStore::findResumeToken(const std::string& token_hash,
                                                                      std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (db_ == nullptr) {
    return makeError(ErrorCode::StoreFailed, "the store " + path_ + " is closed");
  }
  StmtUse use(find_token_);
  bindBlob(find_token_, 1, token_hash);
  sqlite3_bind_int64(find_token_, 2, now_ms);
  const int rc = sqlite3_step(find_token_);
  if (rc == SQLITE_ROW) {
    ResumeTokenRecord record;
    record.user = columnText(find_token_, 0);
    record.client_instance = static_cast<std::uint64_t>(sqlite3_column_int64(find_token_, 1));
    record.expires_ms = sqlite3_column_int64(find_token_, 2);
    return std::optional<ResumeTokenRecord>(std::move(record));
  }
  if (rc != SQLITE_DONE) {
    return storeError("cannot look up a resume token");
  }
  return std::optional<ResumeTokenRecord>();
}

Result<int> SqliteStore::revokeResumeTokens(const std::string& user) {
  std::lock_guard lock(mu_);
  if (db_ == nullptr) {
    return makeError(ErrorCode::StoreFailed, "the store " + path_ + " is closed");
  }
  if (auto ok = revokeTokensLocked(user); !ok) {
    return makeError(std::move(ok).error());
  }
  return sqlite3_changes(db_);
}

Result<void> SqliteStore::revokeTokensLocked(const std::string& user) {
  StmtUse use(revoke_tokens_);
  bindText(revoke_tokens_, 1, user);
  if (sqlite3_step(revoke_tokens_) != SQLITE_DONE) {
    return storeError("cannot revoke the resume tokens of '" + user + "'");
  }
  return {};
}

}  // namespace parley::server
