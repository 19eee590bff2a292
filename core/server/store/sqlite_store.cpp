#include "core/server/store/sqlite_store.h"
#include "core/server/store/sqlite_statement.h"

#include <sqlite3.h>

#include <cerrno>
#include <initializer_list>

namespace parley::server {
namespace {

using sqlite::bindText;
using sqlite::columnText;
using sqlite::StmtUse;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS users(
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rooms(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  owner TEXT,
  locked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS messages(
  room_id INTEGER NOT NULL REFERENCES rooms(id),
  seq INTEGER NOT NULL,
  sender TEXT NOT NULL,
  text TEXT NOT NULL,
  server_time_ms INTEGER NOT NULL,
  client_instance INTEGER NOT NULL,
  client_msg_id INTEGER NOT NULL,
  UNIQUE(room_id, seq),
  UNIQUE(room_id, sender, client_instance, client_msg_id));
CREATE TABLE IF NOT EXISTS client_instances(
  instance INTEGER PRIMARY KEY,
  user TEXT NOT NULL,
  first_used_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS room_admission(
  room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK(kind IN ('account', 'group')),
  name TEXT NOT NULL,
  PRIMARY KEY(room_id, kind, name));
CREATE TABLE IF NOT EXISTS room_removals(
  room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  account TEXT NOT NULL,
  removed_ms INTEGER NOT NULL,
  PRIMARY KEY(room_id, account));
CREATE TABLE IF NOT EXISTS group_members(
  group_name TEXT NOT NULL,
  account TEXT NOT NULL,
  PRIMARY KEY(group_name, account));
CREATE TABLE IF NOT EXISTS resume_tokens(
  token_sha256 BLOB PRIMARY KEY,
  user TEXT NOT NULL,
  client_instance INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS resume_tokens_by_user ON resume_tokens(user, client_instance);
CREATE INDEX IF NOT EXISTS resume_tokens_by_expiry ON resume_tokens(expires_ms);
)sql";

// PRAGMA user_version of the layout above. Stores written before versions
// were recorded read 0.
constexpr std::int64_t kSchemaVersion = 4;

// 0 -> 1: the chat dedupe key gains the sender, so two accounts that happen
// to present the same (client_instance, client_msg_id) never swallow each
// other's messages. SQLite cannot alter a table constraint in place: the
// table is rebuilt and its rows copied. Nothing references messages, so the
// drop is safe with foreign keys on.
constexpr const char* kMigrateTo1 = R"sql(
CREATE TABLE messages_v1(
  room_id INTEGER NOT NULL REFERENCES rooms(id),
  seq INTEGER NOT NULL,
  sender TEXT NOT NULL,
  text TEXT NOT NULL,
  server_time_ms INTEGER NOT NULL,
  client_instance INTEGER NOT NULL,
  client_msg_id INTEGER NOT NULL,
  UNIQUE(room_id, seq),
  UNIQUE(room_id, sender, client_instance, client_msg_id));
INSERT INTO messages_v1(room_id, seq, sender, text, server_time_ms, client_instance, client_msg_id)
  SELECT room_id, seq, sender, text, server_time_ms, client_instance, client_msg_id FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v1 RENAME TO messages;
)sql";

// 1 -> 2: rooms gain an owner and a lock (docs/server-admin.md, "Rooms").
// Rooms of an older store get no owner: they stay open to every account, as
// they were, until an admin sets one. The admission, removal and group
// tables are new and come from kSchema.
constexpr const char* kMigrateTo2 = R"sql(
ALTER TABLE rooms ADD COLUMN owner TEXT;
ALTER TABLE rooms ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
)sql";

// 2 -> 3: resume tokens (docs/security.md). The table is new and comes from
// kSchema; nothing older changes, so the step is the version number alone.

// 3 -> 4: an index on resume_tokens(expires_ms), for the sweep of expired
// tokens that every issue runs (without it, a scan of the whole table). It
// comes from kSchema (CREATE INDEX IF NOT EXISTS), so again the step is the
// version number alone.

// SQLite integers are signed 64-bit; client ids are u64 bit patterns.
std::int64_t toSql(std::uint64_t v) { return static_cast<std::int64_t>(v); }
std::uint64_t fromSql(std::int64_t v) { return static_cast<std::uint64_t>(v); }

}  // namespace

Unexpected SqliteStore::storeError(const std::string& what) {
  // A full disk is told apart: the caller says "try later" instead of "broken",
  // and nothing needs repair: SQLite rolled the statement back, and the next
  // one succeeds once there is room (the WAL and the checkpoint included).
  // SQLite reports it as SQLITE_FULL, or as an I/O error whose errno is
  // ENOSPC (growing the -shm file, for one).
  // The errno only counts for an I/O error: SQLite never resets it, so after
  // one full disk a later BUSY would otherwise read as "disk full" too.
  const int primary = db_ != nullptr ? (sqlite3_extended_errcode(db_) & 0xff) : SQLITE_OK;
  const bool full =
      primary == SQLITE_FULL || (primary == SQLITE_IOERR && sqlite3_system_errno(db_) == ENOSPC);
  return makeError(full ? ErrorCode::StoreFull : ErrorCode::StoreFailed,
                   what + " (" + path_ + "): " + (db_ != nullptr ? sqlite3_errmsg(db_) : "closed"));
}

Result<std::unique_ptr<Store>> SqliteStore::open(const std::string& path, Synchronous synchronous,
                                                 bool create) {
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->path_ = path;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &store->db_, flags, nullptr) != SQLITE_OK) {
    auto err = store->storeError("cannot open the store");
    return err;
  }
  sqlite3_busy_timeout(store->db_, 5000);
  sqlite3_extended_result_codes(store->db_, 1);
  if (auto ok = store->exec("PRAGMA journal_mode=WAL;"); !ok) {
    return makeError(std::move(ok).error());
  }
  if (auto ok = store->exec(synchronous == Synchronous::Full ? "PRAGMA synchronous=FULL;"
                                                             : "PRAGMA synchronous=NORMAL;");
      !ok) {
    return makeError(std::move(ok).error());
  }
  if (auto ok = store->exec("PRAGMA foreign_keys=ON;"); !ok) {
    return makeError(std::move(ok).error());
  }
  if (auto ok = store->migrate(); !ok) {
    return makeError(std::move(ok).error());
  }
  if (auto ok = store->prepareAll(); !ok) {
    return makeError(std::move(ok).error());
  }
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::close() {
  std::lock_guard lock(mu_);
  if (db_ == nullptr) {
    return;
  }
  for (sqlite3_stmt* stmt :
       {add_user_, update_user_, remove_user_, list_users_, get_hash_, find_room_, insert_room_,
        max_seq_, find_client_, insert_message_, messages_after_, bind_instance_, instance_owner_,
        cap_tokens_, drop_expired_tokens_, insert_token_, find_token_, revoke_tokens_}) {
    sqlite3_finalize(stmt);
  }
  sqlite3_exec(db_, "PRAGMA wal_checkpoint(TRUNCATE);", nullptr, nullptr, nullptr);
  sqlite3_close(db_);
  db_ = nullptr;
}

Result<void> SqliteStore::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    auto error = storeError("store: " + text);
    // A failed COMMIT (BUSY) leaves the transaction open on the one shared
    // connection; later chat appends would run inside it, acknowledged but
    // never committed. SQLite rolls back by itself on FULL and IOERR.
    if (!sqlite3_get_autocommit(db_)) {
      sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
    }
    return error;
  }
  return {};
}

Result<std::optional<std::int64_t>> SqliteStore::queryInt(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    return storeError(std::string("cannot prepare ") + sql);
  }
  const int rc = sqlite3_step(stmt);
  std::optional<std::int64_t> value;
  if (rc == SQLITE_ROW) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return storeError(std::string("cannot run ") + sql);
  }
  return value;
}

Result<void> SqliteStore::migrate() {
  // IMMEDIATE: a second process opening the same old store waits here and
  // then sees the migrated version instead of migrating again.
  if (auto ok = exec("BEGIN IMMEDIATE;"); !ok) {
    return ok;
  }
  auto steps = [this]() -> Result<void> {
    auto version = queryInt("PRAGMA user_version;");
    if (!version) {
      return makeError(std::move(version).error());
    }
    const std::int64_t found = version->value_or(0);
    if (found > kSchemaVersion) {
      return makeError(ErrorCode::StoreFailed,
                       "the store " + path_ + " has schema version " + std::to_string(found) +
                           ", newer than this parleyd knows (" + std::to_string(kSchemaVersion) +
                           "); run a newer parleyd");
    }
    if (found < 1) {
      auto has_messages =
          queryInt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages';");
      if (!has_messages) {
        return makeError(std::move(has_messages).error());
      }
      if (has_messages->has_value()) {
        if (auto ok = exec(kMigrateTo1); !ok) {
          return ok;
        }
      }
    }
    if (found < 2) {
      auto has_rooms =
          queryInt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rooms';");
      if (!has_rooms) {
        return makeError(std::move(has_rooms).error());
      }
      if (has_rooms->has_value()) {
        if (auto ok = exec(kMigrateTo2); !ok) {
          return ok;
        }
      }
    }
    if (auto ok = exec(kSchema); !ok) {
      return ok;
    }
    return exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";").c_str());
  };
  if (auto ok = steps(); !ok) {
    sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
    return ok;
  }
  return exec("COMMIT;");
}

Result<sqlite3_stmt*> SqliteStore::prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return storeError(std::string("cannot prepare ") + sql);
  }
  return stmt;
}

Result<void> SqliteStore::prepareAll() {
  const std::initializer_list<std::pair<sqlite3_stmt**, const char*>> statements = {
      {&add_user_, "INSERT INTO users(name, password_hash, created_ms) VALUES(?1, ?2, ?3)"},
      {&update_user_, "UPDATE users SET password_hash = ?2 WHERE name = ?1"},
      {&remove_user_, "DELETE FROM users WHERE name = ?1"},
      {&list_users_, "SELECT name FROM users ORDER BY name"},
      {&get_hash_, "SELECT password_hash FROM users WHERE name = ?1"},
      {&find_room_, "SELECT id FROM rooms WHERE name = ?1"},
      {&insert_room_, "INSERT INTO rooms(name, created_ms, owner) VALUES(?1, ?2, ?3)"},
      {&max_seq_, "SELECT COALESCE(MAX(seq), 0) FROM messages WHERE room_id = ?1"},
      {&find_client_,
       "SELECT seq FROM messages WHERE room_id = ?1 AND sender = ?2 AND client_instance = ?3 "
       "AND client_msg_id = ?4"},
      {&insert_message_,
       "INSERT INTO messages(room_id, seq, sender, text, server_time_ms, client_instance, "
       "client_msg_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&messages_after_,
       "SELECT seq, sender, text, server_time_ms, client_instance, client_msg_id FROM messages "
       "WHERE room_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"},
      {&bind_instance_,
       "INSERT OR IGNORE INTO client_instances(instance, user, first_used_ms) VALUES(?1, ?2, ?3)"},
      {&instance_owner_, "SELECT user FROM client_instances WHERE instance = ?1"},
      {&cap_tokens_,
       "UPDATE resume_tokens SET expires_ms = MIN(expires_ms, ?3) WHERE user = ?1 AND "
       "client_instance = ?2"},
      {&drop_expired_tokens_, "DELETE FROM resume_tokens WHERE expires_ms <= ?1"},
      {&insert_token_,
       "INSERT INTO resume_tokens(token_sha256, user, client_instance, created_ms, expires_ms) "
       "VALUES(?1, ?2, ?3, ?4, ?5)"},
      {&find_token_,
       // Joined with users: a removed account's tokens are dead even if
       // deleting them failed.
       "SELECT t.user, t.client_instance, t.expires_ms FROM resume_tokens t JOIN users u ON "
       "u.name = t.user WHERE t.token_sha256 = ?1 AND t.expires_ms > ?2"},
      {&revoke_tokens_, "DELETE FROM resume_tokens WHERE user = ?1"},
  };
  for (const auto& [target, sql] : statements) {
    auto stmt = prepare(sql);
    if (!stmt) {
      return makeError(std::move(stmt).error());
    }
    *target = *stmt;
  }
  return {};
}

#define PARLEY_STORE_OPEN_OR_FAIL()                                                \
  if (db_ == nullptr) {                                                            \
    return makeError(ErrorCode::StoreFailed, "the store " + path_ + " is closed"); \
  }

Result<void> SqliteStore::addUser(const std::string& name, const std::string& password_hash,
                                  std::int64_t created_ms) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  if (auto ok = exec("BEGIN IMMEDIATE;"); !ok) {
    return ok;
  }
  auto added = [&]() -> Result<void> {
    StmtUse use(add_user_);
    bindText(add_user_, 1, name);
    bindText(add_user_, 2, password_hash);
    sqlite3_bind_int64(add_user_, 3, created_ms);
    const int rc = sqlite3_step(add_user_);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
      return makeError(ErrorCode::AlreadyExists, "user '" + name + "' already exists");
    }
    if (rc != SQLITE_DONE) {
      return storeError("cannot add user '" + name + "'");
    }
    // A new account under an old name inherits none of the old one's tokens.
    return revokeTokensLocked(name);
  }();
  if (!added) {
    sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
    return added;
  }
  return exec("COMMIT;");
}

Result<void> SqliteStore::updateUserPassword(const std::string& name,
                                             const std::string& password_hash) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  // The new password and the end of the old tokens in one step: never one
  // without the other.
  if (auto ok = exec("BEGIN IMMEDIATE;"); !ok) {
    return ok;
  }
  auto changed = [&]() -> Result<void> {
    StmtUse use(update_user_);
    bindText(update_user_, 1, name);
    bindText(update_user_, 2, password_hash);
    if (sqlite3_step(update_user_) != SQLITE_DONE) {
      return storeError("cannot update user '" + name + "'");
    }
    if (sqlite3_changes(db_) == 0) {
      return makeError(ErrorCode::NotFound, "no user named '" + name + "'");
    }
    return revokeTokensLocked(name);
  }();
  if (!changed) {
    sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
    return changed;
  }
  return exec("COMMIT;");
}

Result<void> SqliteStore::removeUser(const std::string& name) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  if (auto ok = exec("BEGIN IMMEDIATE;"); !ok) {
    return ok;
  }
  auto removed = [&]() -> Result<void> {
    StmtUse use(remove_user_);
    bindText(remove_user_, 1, name);
    if (sqlite3_step(remove_user_) != SQLITE_DONE) {
      return storeError("cannot remove user '" + name + "'");
    }
    if (sqlite3_changes(db_) == 0) {
      return makeError(ErrorCode::NotFound, "no user named '" + name + "'");
    }
    return revokeTokensLocked(name);
  }();
  if (!removed) {
    sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
    return removed;
  }
  return exec("COMMIT;");
}

Result<std::vector<std::string>> SqliteStore::listUsers() {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  StmtUse use(list_users_);
  std::vector<std::string> names;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(list_users_)) == SQLITE_ROW) {
    names.push_back(columnText(list_users_, 0));
  }
  if (rc != SQLITE_DONE) {
    return storeError("cannot list users");
  }
  return names;
}

Result<std::optional<std::string>> SqliteStore::passwordHash(const std::string& name) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  StmtUse use(get_hash_);
  bindText(get_hash_, 1, name);
  const int rc = sqlite3_step(get_hash_);
  if (rc == SQLITE_ROW) {
    return std::optional<std::string>(columnText(get_hash_, 0));
  }
  if (rc != SQLITE_DONE) {
    return storeError("cannot look up user '" + name + "'");
  }
  return std::optional<std::string>();
}

Result<RoomRecord> SqliteStore::openRoom(const std::string& name, std::int64_t now_ms,
                                         const std::string& creator) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  RoomRecord record;
  {
    StmtUse use(find_room_);
    bindText(find_room_, 1, name);
    const int rc = sqlite3_step(find_room_);
    if (rc == SQLITE_ROW) {
      record.id = sqlite3_column_int64(find_room_, 0);
    } else if (rc != SQLITE_DONE) {
      return storeError("cannot look up room '" + name + "'");
    }
  }
  if (record.id == 0) {
    StmtUse use(insert_room_);
    bindText(insert_room_, 1, name);
    sqlite3_bind_int64(insert_room_, 2, now_ms);
    if (!creator.empty()) {
      bindText(insert_room_, 3, creator);
    }  // else NULL: no owner
    if (sqlite3_step(insert_room_) != SQLITE_DONE) {
      return storeError("cannot create room '" + name + "'");
    }
    record.id = sqlite3_last_insert_rowid(db_);
    return record;
  }
  StmtUse use(max_seq_);
  sqlite3_bind_int64(max_seq_, 1, record.id);
  if (sqlite3_step(max_seq_) != SQLITE_ROW) {
    return storeError("cannot read the last sequence number of room '" + name + "'");
  }
  record.last_seq = fromSql(sqlite3_column_int64(max_seq_, 0));
  return record;
}

Result<std::string> SqliteStore::bindClientInstance(std::uint64_t client_instance,
                                                    const std::string& user, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  {
    StmtUse use(bind_instance_);
    sqlite3_bind_int64(bind_instance_, 1, toSql(client_instance));
    bindText(bind_instance_, 2, user);
    sqlite3_bind_int64(bind_instance_, 3, now_ms);
    if (sqlite3_step(bind_instance_) != SQLITE_DONE) {
      return storeError("cannot record a client instance");
    }
  }
  StmtUse use(instance_owner_);
  sqlite3_bind_int64(instance_owner_, 1, toSql(client_instance));
  if (sqlite3_step(instance_owner_) != SQLITE_ROW) {
    return storeError("cannot look up a client instance");
  }
  return columnText(instance_owner_, 0);
}

Result<std::optional<std::uint64_t>> SqliteStore::findByClientId(std::int64_t room_id,
                                                                 const std::string& sender,
                                                                 std::uint64_t client_instance,
                                                                 std::uint64_t client_msg_id) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  StmtUse use(find_client_);
  sqlite3_bind_int64(find_client_, 1, room_id);
  bindText(find_client_, 2, sender);
  sqlite3_bind_int64(find_client_, 3, toSql(client_instance));
  sqlite3_bind_int64(find_client_, 4, toSql(client_msg_id));
  const int rc = sqlite3_step(find_client_);
  if (rc == SQLITE_ROW) {
    return std::optional<std::uint64_t>(fromSql(sqlite3_column_int64(find_client_, 0)));
  }
  if (rc != SQLITE_DONE) {
    return storeError("cannot look up a chat message");
  }
  return std::optional<std::uint64_t>();
}

Result<void> SqliteStore::appendMessage(const StoredMessage& m) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  StmtUse use(insert_message_);
  sqlite3_bind_int64(insert_message_, 1, m.room_id);
  sqlite3_bind_int64(insert_message_, 2, toSql(m.seq));
  bindText(insert_message_, 3, m.sender);
  bindText(insert_message_, 4, m.text);
  sqlite3_bind_int64(insert_message_, 5, m.server_time_ms);
  sqlite3_bind_int64(insert_message_, 6, toSql(m.client_instance));
  sqlite3_bind_int64(insert_message_, 7, toSql(m.client_msg_id));
  // Autocommit: when step returns DONE the row is committed to the WAL.
  const int rc = sqlite3_step(insert_message_);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    return makeError(ErrorCode::AlreadyExists, "message seq " + std::to_string(m.seq) +
                                                   " or its client id is already stored");
  }
  if (rc != SQLITE_DONE) {
    return storeError("cannot store a chat message");
  }
  return {};
}

Result<std::vector<StoredMessage>> SqliteStore::messagesAfter(std::int64_t room_id,
                                                              std::uint64_t after_seq,
                                                              std::size_t limit) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  StmtUse use(messages_after_);
  sqlite3_bind_int64(messages_after_, 1, room_id);
  sqlite3_bind_int64(messages_after_, 2, toSql(after_seq));
  sqlite3_bind_int64(messages_after_, 3, static_cast<std::int64_t>(limit));
  std::vector<StoredMessage> out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(messages_after_)) == SQLITE_ROW) {
    StoredMessage m;
    m.room_id = room_id;
    m.seq = fromSql(sqlite3_column_int64(messages_after_, 0));
    m.sender = columnText(messages_after_, 1);
    m.text = columnText(messages_after_, 2);
    m.server_time_ms = sqlite3_column_int64(messages_after_, 3);
    m.client_instance = fromSql(sqlite3_column_int64(messages_after_, 4));
    m.client_msg_id = fromSql(sqlite3_column_int64(messages_after_, 5));
    out.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) {
    return storeError("cannot read chat history");
  }
  return out;
}

#undef PARLEY_STORE_OPEN_OR_FAIL

}  // namespace parley::server
