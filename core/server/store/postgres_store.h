#pragma once
// PostgresStore: the Store in a PostgreSQL database, which the servers of one
// deployment can share for accounts, rooms and chat history
// (docs/server-admin.md, "The store"). Same behaviour as SqliteStore, held to
// it by the same test suite (tests/core/server/store).
//
// One connection (pg_connection.h), serialised by mu_; each public method
// holds it for its whole duration. Steps that must not interleave with
// another server's (a token issued on a password another server is
// changing) take the account's row lock in their transaction. Chat appends
// commit before they return.

#include <mutex>

#include "core/base/thread_check.h"
#include "core/server/store/pg_connection.h"
#include "core/server/store/store.h"

namespace parley::server {

class PostgresStore final : public Store {
 public:
  // Connects and brings the schema to this parleyd's version (creating it
  // in an empty database); refuses a newer one.
  static Result<std::unique_ptr<Store>> open(const std::string& conninfo);
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  Result<void> addUser(const std::string& name, const std::string& password_hash,
                       std::int64_t created_ms) override;
  Result<void> updateUserPassword(const std::string& name,
                                  const std::string& password_hash) override;
  Result<void> removeUser(const std::string& name) override;
  Result<std::vector<std::string>> listUsers() override;
  Result<std::optional<std::string>> passwordHash(const std::string& name) override;

  Result<RoomRecord> openRoom(const std::string& name, std::int64_t now_ms,
                              const std::string& creator) override;

  Result<std::optional<RoomPolicy>> roomPolicy(const std::string& room) override;
  Result<std::vector<RoomPolicy>> listRooms() override;
  Result<void> createRoom(const std::string& room, const std::string& owner,
                          std::int64_t now_ms) override;
  Result<void> setRoomOwner(const std::string& room,
                            const std::optional<std::string>& owner) override;
  Result<void> setRoomLocked(const std::string& room, bool locked) override;
  Result<void> admit(const std::string& room, AdmissionKind kind, const std::string& name) override;
  Result<void> unadmit(const std::string& room, AdmissionKind kind,
                       const std::string& name) override;
  Result<void> setAdmission(const std::string& room, const std::vector<std::string>& accounts,
                            const std::vector<std::string>& groups) override;
  Result<void> removeFromRoom(const std::string& room, const std::string& account,
                              std::int64_t now_ms) override;
  Result<void> readmit(const std::string& room, const std::string& account) override;

  Result<void> addToGroup(const std::string& group, const std::string& account) override;
  Result<void> removeFromGroup(const std::string& group, const std::string& account) override;
  Result<std::vector<std::string>> groupsOf(const std::string& account) override;
  Result<std::vector<std::pair<std::string, std::vector<std::string>>>> listGroups() override;

  Result<std::string> bindClientInstance(std::uint64_t client_instance, const std::string& user,
                                         std::int64_t now_ms) override;

  Result<bool> issueResumeToken(const std::string& token_hash, const std::string& user,
                                std::uint64_t client_instance, std::int64_t now_ms,
                                std::int64_t expires_ms, std::int64_t older_valid_until_ms,
                                const ResumeTokenBasis& basis) override;
  Result<std::optional<ResumeTokenRecord>> findResumeToken(const std::string& token_hash,
                                                           std::int64_t now_ms) override;
  Result<int> revokeResumeTokens(const std::string& user) override;

  Result<std::optional<std::uint64_t>> findByClientId(std::int64_t room_id,
                                                      const std::string& sender,
                                                      std::uint64_t client_instance,
                                                      std::uint64_t client_msg_id) override;
  Result<void> appendMessage(const StoredMessage& message) override;
  Result<std::vector<StoredMessage>> messagesAfter(std::int64_t room_id, std::uint64_t after_seq,
                                                   std::size_t limit) override;

  void close() override;
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  explicit PostgresStore(std::unique_ptr<pg::Connection> db);
  Result<void> migrate();
  // Runs `steps` between BEGIN and COMMIT, rolling back when they fail.
  template <typename T, typename Steps>
  Result<T> transaction(Steps&& steps);
  Result<void> openOrFail();
  // Helpers for room policy (postgres_store_rooms.cpp), called with mu_ held.
  Result<std::int64_t> roomIdLocked(const std::string& room);
  Result<RoomPolicy> policyLocked(std::int64_t id);
  Result<std::vector<std::string>> namesLocked(const char* sql, std::int64_t id);
  Result<void> revokeTokensLocked(const std::string& user, int* revoked);
  Result<bool> basisHoldsLocked(const ResumeTokenBasis& basis, const std::string& user,
                                std::uint64_t client_instance, std::int64_t now_ms);

  std::mutex mu_;
  std::unique_ptr<pg::Connection> db_ PARLEY_GUARDED_BY(mu_);
  std::string description_;
};

template <typename T, typename Steps>
Result<T> PostgresStore::transaction(Steps&& steps) {
  if (auto ok = db_->exec("BEGIN"); !ok) {
    return makeError(std::move(ok).error());
  }
  Result<T> out = steps();
  if (!out) {
    db_->rollback();
    return out;
  }
  if (auto ok = db_->exec("COMMIT"); !ok) {
    db_->rollback();
    return makeError(std::move(ok).error());
  }
  return out;
}

}  // namespace parley::server
