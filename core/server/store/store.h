#pragma once
// Store: parleyd's SQLite database (accounts, rooms, chat history). One
// connection in WAL mode; every statement prepared once.
//
// Threads: called from room strands, the hashing pool, the server's store
// thread (token sign-ins) and the CLI. One mutex
// (mu_) guards the connection and every prepared statement; each public
// method holds it for its whole duration and never calls out while holding it
// (history is read in pages into memory, then handed to the caller unlocked).
// Chat appends commit before they return, so an acknowledged message survives
// a crash ("normal") or also a power loss ("full").

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/base/thread_check.h"
#include "core/server/deployment/server_config.h"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::server {

struct StoredMessage {
  std::int64_t room_id = 0;
  std::uint64_t seq = 0;
  std::string sender;
  std::string text;
  std::int64_t server_time_ms = 0;
  std::uint64_t client_instance = 0;
  std::uint64_t client_msg_id = 0;
};

struct RoomRecord {
  std::int64_t id = 0;
  std::uint64_t last_seq = 0;
};

// Who may be in a room (docs/server-admin.md, "Rooms"). Names sorted.
struct RoomPolicy {
  std::string name;
  std::int64_t created_ms = 0;
  std::optional<std::string> owner;  // none: an open room only admins manage
  bool locked = false;
  std::vector<std::string> admitted_accounts;  // empty with no groups: open
  std::vector<std::string> admitted_groups;
  std::vector<std::string> removed_accounts;  // refused until admitted again
};

enum class AdmissionKind { Account, Group };

// A resume token as the store knows it: only the SHA-256 of the token is
// kept (docs/security.md, "Resume tokens").
struct ResumeTokenRecord {
  std::string user;
  std::uint64_t client_instance = 0;
  std::int64_t expires_ms = 0;
};

// What a new resume token rests on, re-checked in the transaction that
// stores it, so that a token is never issued on a credential that changed
// while the sign-in was being checked (docs/security.md, "Resume tokens").
// Nothing set: only that the account exists.
struct ResumeTokenBasis {
  // The password hash the sign-in verified: no token once the account's hash
  // is another one (a password change while Argon2 ran) or the account is gone.
  std::optional<std::string> password_hash;
  // The SHA-256 of the token presented for a rotation: no token once that
  // one was revoked, expired, or belongs to someone else.
  std::optional<std::string> presented_token_hash;
};

class Store {
 public:
  // Opens (creating when `create` and missing) and applies the schema.
  static Result<std::unique_ptr<Store>> open(const std::string& path, Synchronous synchronous,
                                             bool create);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Accounts. addUser fails with AlreadyExists, update/remove with NotFound.
  Result<void> addUser(const std::string& name, const std::string& password_hash,
                       std::int64_t created_ms);
  Result<void> updateUserPassword(const std::string& name, const std::string& password_hash);
  Result<void> removeUser(const std::string& name);
  Result<std::vector<std::string>> listUsers();
  Result<std::optional<std::string>> passwordHash(const std::string& name);

  // Rooms: loads the room (its id and highest seq), creating it when new
  // with `creator` as its owner (empty: no owner).
  Result<RoomRecord> openRoom(const std::string& name, std::int64_t now_ms,
                              const std::string& creator = "");

  // Room policy (store_rooms.cpp). Each fails with NotFound for a room that
  // does not exist, except roomPolicy (nullopt) and createRoom (creates it,
  // AlreadyExists when it exists).
  Result<std::optional<RoomPolicy>> roomPolicy(const std::string& room);
  Result<std::vector<RoomPolicy>> listRooms();
  Result<void> createRoom(const std::string& room, const std::string& owner, std::int64_t now_ms);
  Result<void> setRoomOwner(const std::string& room, const std::optional<std::string>& owner);
  Result<void> setRoomLocked(const std::string& room, bool locked);
  // Listing an account also lifts its removal: admitting again is the way
  // back in. unadmit fails with NotFound when the name was not listed.
  Result<void> admit(const std::string& room, AdmissionKind kind, const std::string& name);
  Result<void> unadmit(const std::string& room, AdmissionKind kind, const std::string& name);
  // Replaces the whole list; accounts that were not listed before and are
  // now have their removal lifted (one still listed stays removed).
  Result<void> setAdmission(const std::string& room, const std::vector<std::string>& accounts,
                            const std::vector<std::string>& groups);
  // Records the removal; the admission list stays as it is (a removal
  // outranks it until lifted).
  Result<void> removeFromRoom(const std::string& room, const std::string& account,
                              std::int64_t now_ms);
  // Lifts a removal; NotFound when the account was not removed.
  Result<void> readmit(const std::string& room, const std::string& account);

  // Groups: a name for a set of accounts, admitted to rooms as a whole.
  Result<void> addToGroup(const std::string& group, const std::string& account);
  Result<void> removeFromGroup(const std::string& group, const std::string& account);
  Result<std::vector<std::string>> groupsOf(const std::string& account);
  Result<std::vector<std::pair<std::string, std::vector<std::string>>>> listGroups();

  // Client instances belong to the account that first signed in with them:
  // binds `client_instance` to `user` unless it is bound already, and
  // returns the account it is bound to (the caller compares).
  Result<std::string> bindClientInstance(std::uint64_t client_instance, const std::string& user,
                                         std::int64_t now_ms);

  // Resume tokens (store_resume_tokens.cpp), keyed by the token's SHA-256.
  // issueResumeToken stores a new one for (user, instance) and cuts the
  // expiry of that pair's older tokens to `older_valid_until_ms` (the
  // rotation grace window), dropping every expired token on the way, all
  // only if `basis` still holds: false (nothing changed) when it does not.
  Result<bool> issueResumeToken(const std::string& token_hash, const std::string& user,
                                std::uint64_t client_instance, std::int64_t now_ms,
                                std::int64_t expires_ms, std::int64_t older_valid_until_ms,
                                const ResumeTokenBasis& basis);
  // The token's record when it exists and has not expired at now_ms.
  Result<std::optional<ResumeTokenRecord>> findResumeToken(const std::string& token_hash,
                                                           std::int64_t now_ms);
  // Revokes every token of the account; returns how many there were.
  // updateUserPassword and removeUser do this too, in the same step.
  Result<int> revokeResumeTokens(const std::string& user);

  // Chat. A message is identified by (room, sender, client instance, client
  // message id). appendMessage commits before returning.
  Result<std::optional<std::uint64_t>> findByClientId(std::int64_t room_id,
                                                      const std::string& sender,
                                                      std::uint64_t client_instance,
                                                      std::uint64_t client_msg_id);
  Result<void> appendMessage(const StoredMessage& message);
  // Up to `limit` messages with seq > after_seq, in seq order.
  Result<std::vector<StoredMessage>> messagesAfter(std::int64_t room_id, std::uint64_t after_seq,
                                                   std::size_t limit);

  // Flushes the WAL into the main file and closes; later calls fail.
  void close();

 private:
  Store() = default;
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
