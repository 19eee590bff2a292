#pragma once
// SqliteStore: the Store in one SQLite file (the default; docs/server-admin.md,
// "The store"). One connection in WAL mode; every statement prepared once.
//
// One mutex (mu_) guards the connection and every prepared statement; each
// public method holds it for its whole duration. Chat appends commit before
// they return, so an acknowledged message survives a crash ("normal") or also
// a power loss ("full").

#include <mutex>

#include "core/base/thread_check.h"
#include "core/server/store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::server {

class SqliteStore final : public Store {
 public:
  // Opens (creating when `create` and missing) and applies the schema.
  static Result<std::unique_ptr<Store>> open(const std::string& path, Synchronous synchronous,
                                             bool create);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

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
  [[nodiscard]] std::string describe() const override { return path_; }

 private:
  SqliteStore() = default;
  Result<void> exec(const char* sql);
  // The first column of the first row, if any (for PRAGMAs and schema checks).
  Result<std::optional<std::int64_t>> queryInt(const char* sql);
  // Brings an older store's schema to the current one, in one transaction.
  Result<void> migrate();
  Result<sqlite3_stmt*> prepare(const char* sql);
  // Room policy helpers (store_rooms.cpp), called with mu_ held.
  Result<std::int64_t> roomIdLocked(const std::string& room);
  Result<std::vector<std::string>> namesLocked(const char* sql, std::int64_t id,
                                               const std::string& text);
  Result<int> changeLocked(const char* sql, std::int64_t id, const std::string& a,
                           const std::string& b, std::optional<std::int64_t> n);
  Result<RoomPolicy> policyLocked(std::int64_t id);
  Result<void> revokeTokensLocked(const std::string& user);
  Result<bool> basisHoldsLocked(const ResumeTokenBasis& basis, const std::string& user,
                                std::uint64_t client_instance, std::int64_t now_ms);
  Result<void> prepareAll();
  Unexpected storeError(const std::string& what);

  // Guards db_ and every statement below. Lock order: innermost (no other
  // lock is ever taken while holding it).
  std::mutex mu_;
  sqlite3* db_ PARLEY_GUARDED_BY(mu_) = nullptr;
  std::string path_;
  sqlite3_stmt* add_user_ = nullptr;
  sqlite3_stmt* update_user_ = nullptr;
  sqlite3_stmt* remove_user_ = nullptr;
  sqlite3_stmt* list_users_ = nullptr;
  sqlite3_stmt* get_hash_ = nullptr;
  sqlite3_stmt* find_room_ = nullptr;
  sqlite3_stmt* insert_room_ = nullptr;
  sqlite3_stmt* max_seq_ = nullptr;
  sqlite3_stmt* find_client_ = nullptr;
  sqlite3_stmt* insert_message_ = nullptr;
  sqlite3_stmt* messages_after_ = nullptr;
  sqlite3_stmt* bind_instance_ = nullptr;
  sqlite3_stmt* instance_owner_ = nullptr;
  sqlite3_stmt* cap_tokens_ = nullptr;
  sqlite3_stmt* drop_expired_tokens_ = nullptr;
  sqlite3_stmt* insert_token_ = nullptr;
  sqlite3_stmt* find_token_ = nullptr;
  sqlite3_stmt* revoke_tokens_ = nullptr;
};

}  // namespace parley::server
