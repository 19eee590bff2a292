#pragma once
// Store: what parleyd keeps (accounts, rooms, chat history, resume tokens),
// behind one interface with two implementations (docs/server-admin.md,
// "The store"): SqliteStore, a file on one machine (the default), and
// PostgresStore, a database that the servers of one deployment can share.
// Both carry a schema version, migrate an older one forward on open and
// refuse a newer one.
//
// Threads: called from room strands, the hashing pool, the server's store
// thread (token sign-ins) and the CLI; every implementation is safe to call
// from any thread and never calls out while holding its lock (history is
// read in pages into memory, then handed to the caller unlocked). Chat
// appends commit before they return, so an acknowledged message survives a
// crash.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/server/deployment/server_config.h"

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
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Where the store is, for messages: a file path or a PostgreSQL server.
  [[nodiscard]] virtual std::string describe() const = 0;

  // Accounts. addUser fails with AlreadyExists, update/remove with NotFound.
  virtual Result<void> addUser(const std::string& name, const std::string& password_hash,
                               std::int64_t created_ms) = 0;
  virtual Result<void> updateUserPassword(const std::string& name,
                                          const std::string& password_hash) = 0;
  virtual Result<void> removeUser(const std::string& name) = 0;
  virtual Result<std::vector<std::string>> listUsers() = 0;
  virtual Result<std::optional<std::string>> passwordHash(const std::string& name) = 0;

  // Rooms: loads the room (its id and highest seq), creating it when new
  // with `creator` as its owner (empty: no owner).
  virtual Result<RoomRecord> openRoom(const std::string& name, std::int64_t now_ms,
                                      const std::string& creator = "") = 0;

  // Room policy (*_store_rooms.cpp). Each fails with NotFound for a room that
  // does not exist, except roomPolicy (nullopt) and createRoom (creates it,
  // AlreadyExists when it exists).
  virtual Result<std::optional<RoomPolicy>> roomPolicy(const std::string& room) = 0;
  virtual Result<std::vector<RoomPolicy>> listRooms() = 0;
  virtual Result<void> createRoom(const std::string& room, const std::string& owner,
                                  std::int64_t now_ms) = 0;
  virtual Result<void> setRoomOwner(const std::string& room,
                                    const std::optional<std::string>& owner) = 0;
  virtual Result<void> setRoomLocked(const std::string& room, bool locked) = 0;
  // Listing an account also lifts its removal: admitting again is the way
  // back in. unadmit fails with NotFound when the name was not listed.
  virtual Result<void> admit(const std::string& room, AdmissionKind kind,
                             const std::string& name) = 0;
  virtual Result<void> unadmit(const std::string& room, AdmissionKind kind,
                               const std::string& name) = 0;
  // Replaces the whole list; accounts that were not listed before and are
  // now have their removal lifted (one still listed stays removed).
  virtual Result<void> setAdmission(const std::string& room,
                                    const std::vector<std::string>& accounts,
                                    const std::vector<std::string>& groups) = 0;
  // Records the removal; the admission list stays as it is (a removal
  // outranks it until lifted).
  virtual Result<void> removeFromRoom(const std::string& room, const std::string& account,
                                      std::int64_t now_ms) = 0;
  // Lifts a removal; NotFound when the account was not removed.
  virtual Result<void> readmit(const std::string& room, const std::string& account) = 0;

  // Groups: a name for a set of accounts, admitted to rooms as a whole.
  virtual Result<void> addToGroup(const std::string& group, const std::string& account) = 0;
  virtual Result<void> removeFromGroup(const std::string& group, const std::string& account) = 0;
  virtual Result<std::vector<std::string>> groupsOf(const std::string& account) = 0;
  virtual Result<std::vector<std::pair<std::string, std::vector<std::string>>>> listGroups() = 0;

  // Client instances belong to the account that first signed in with them:
  // binds `client_instance` to `user` unless it is bound already, and
  // returns the account it is bound to (the caller compares).
  virtual Result<std::string> bindClientInstance(std::uint64_t client_instance,
                                                 const std::string& user, std::int64_t now_ms) = 0;

  // Resume tokens (*_store_resume_tokens.cpp), keyed by the token's SHA-256.
  // issueResumeToken stores a new one for (user, instance) and cuts the
  // expiry of that pair's older tokens to `older_valid_until_ms` (the
  // rotation grace window), dropping every expired token on the way, all
  // only if `basis` still holds: false (nothing changed) when it does not.
  virtual Result<bool> issueResumeToken(const std::string& token_hash, const std::string& user,
                                        std::uint64_t client_instance, std::int64_t now_ms,
                                        std::int64_t expires_ms, std::int64_t older_valid_until_ms,
                                        const ResumeTokenBasis& basis) = 0;
  // The token's record when it exists and has not expired at now_ms.
  virtual Result<std::optional<ResumeTokenRecord>> findResumeToken(const std::string& token_hash,
                                                                   std::int64_t now_ms) = 0;
  // Revokes every token of the account; returns how many there were.
  // updateUserPassword and removeUser do this too, in the same step.
  virtual Result<int> revokeResumeTokens(const std::string& user) = 0;

  // Chat. A message is identified by (room, sender, client instance, client
  // message id). appendMessage commits before returning.
  virtual Result<std::optional<std::uint64_t>> findByClientId(std::int64_t room_id,
                                                              const std::string& sender,
                                                              std::uint64_t client_instance,
                                                              std::uint64_t client_msg_id) = 0;
  virtual Result<void> appendMessage(const StoredMessage& message) = 0;
  // Up to `limit` messages with seq > after_seq, in seq order.
  virtual Result<std::vector<StoredMessage>> messagesAfter(std::int64_t room_id,
                                                           std::uint64_t after_seq,
                                                           std::size_t limit) = 0;

  // Finishes what is pending (SQLite: flushes the WAL into the main file)
  // and closes; later calls fail with StoreFailed.
  virtual void close() = 0;

 protected:
  Store() = default;
};

// Which store parleyd uses ([store] in its config).
struct StoreSettings {
  StoreBackend backend = StoreBackend::Sqlite;
  std::filesystem::path path;                     // SQLite: the file
  Synchronous synchronous = Synchronous::Normal;  // SQLite: how hard a commit waits
  std::string postgresql;                         // PostgreSQL: a libpq connection string
};

StoreSettings storeSettings(const ServerConfig& config);

// Opens the store (creating a missing SQLite file when `create`) and brings
// its schema to this parleyd's version.
Result<std::unique_ptr<Store>> openStore(const StoreSettings& settings, bool create);

}  // namespace parley::server
