#include "core/server/store/postgres_store.h"

namespace parley::server {
namespace {

// Version 1 of the PostgreSQL layout: the SQLite layout of schema 4, with
// `account` for SQLite's `user` (a reserved word here). The version is
// counted apart from SQLite's, in parley_schema.
constexpr std::int64_t kSchemaVersion = 1;

// Every server of a deployment may start at once on an empty database: the
// first to take this lock creates the schema, the others then find it.
// The key is arbitrary but fixed ("parley" in ASCII).
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(112697114108101121)";

constexpr const char* kVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS parley_schema(
  only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK(only_row),
  version INTEGER NOT NULL)
)sql";

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE users(
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_ms BIGINT NOT NULL);
CREATE TABLE rooms(
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_ms BIGINT NOT NULL,
  owner TEXT,
  locked BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE messages(
  room_id BIGINT NOT NULL REFERENCES rooms(id),
  seq BIGINT NOT NULL,
  sender TEXT NOT NULL,
  text TEXT NOT NULL,
  server_time_ms BIGINT NOT NULL,
  client_instance BIGINT NOT NULL,
  client_msg_id BIGINT NOT NULL,
  PRIMARY KEY(room_id, seq),
  UNIQUE(room_id, sender, client_instance, client_msg_id));
CREATE TABLE client_instances(
  instance BIGINT PRIMARY KEY,
  account TEXT NOT NULL,
  first_used_ms BIGINT NOT NULL);
CREATE TABLE room_admission(
  room_id BIGINT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK(kind IN ('account', 'group')),
  name TEXT NOT NULL,
  PRIMARY KEY(room_id, kind, name));
CREATE TABLE room_removals(
  room_id BIGINT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  account TEXT NOT NULL,
  removed_ms BIGINT NOT NULL,
  PRIMARY KEY(room_id, account));
CREATE TABLE group_members(
  group_name TEXT NOT NULL,
  account TEXT NOT NULL,
  PRIMARY KEY(group_name, account));
CREATE TABLE resume_tokens(
  token_sha256 BYTEA PRIMARY KEY,
  account TEXT NOT NULL,
  client_instance BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL);
CREATE INDEX resume_tokens_by_account ON resume_tokens(account, client_instance);
CREATE INDEX resume_tokens_by_expiry ON resume_tokens(expires_ms);
)sql";

// BIGINT is signed 64-bit; client ids are u64 bit patterns, as in SQLite.
std::int64_t toSql(std::uint64_t v) { return static_cast<std::int64_t>(v); }
std::uint64_t fromSql(std::int64_t v) { return static_cast<std::uint64_t>(v); }

Unexpected noUser(const std::string& name) {
  return makeError(ErrorCode::NotFound, "no user named '" + name + "'");
}

}  // namespace

PostgresStore::PostgresStore(std::unique_ptr<pg::Connection> db)
    : db_(std::move(db)), description_(db_->describe()) {}

PostgresStore::~PostgresStore() { close(); }

void PostgresStore::close() {
  std::lock_guard lock(mu_);
  db_.reset();
}

Result<void> PostgresStore::openOrFail() {
  if (!db_) {
    return makeError(ErrorCode::StoreFailed, "the store " + description_ + " is closed");
  }
  return {};
}

Result<std::unique_ptr<Store>> PostgresStore::open(const std::string& conninfo) {
  auto db = pg::Connection::open(conninfo);
  if (!db) {
    return makeError(std::move(db).error());
  }
  std::unique_ptr<PostgresStore> store(new PostgresStore(std::move(*db)));
  {
    std::lock_guard lock(store->mu_);
    if (auto ok = store->migrate(); !ok) {
      return makeError(std::move(ok).error());
    }
  }
  return std::unique_ptr<Store>(std::move(store));
}

Result<void> PostgresStore::migrate() {
  return transaction<void>([&]() -> Result<void> {
    if (auto ok = db_->run(kSchemaLock); !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto ok = db_->exec(kVersionTable); !ok) {
      return ok;
    }
    auto version = db_->run("SELECT version FROM parley_schema");
    if (!version) {
      return makeError(std::move(version).error());
    }
    const std::int64_t found = version->count() == 0 ? 0 : version->integer(0, 0);
    if (found > kSchemaVersion) {
      return makeError(ErrorCode::StoreFailed,
                       "the store " + description_ + " has schema version " +
                           std::to_string(found) + ", newer than this parleyd knows (" +
                           std::to_string(kSchemaVersion) + "); run a newer parleyd");
    }
    if (found == kSchemaVersion) {
      return {};
    }
    // Later versions add their steps here, each from the one before.
    if (found < 1) {
      if (auto ok = db_->exec(kSchemaV1); !ok) {
        return ok;
      }
    }
    auto recorded = db_->run(
        "INSERT INTO parley_schema(version) VALUES($1) "
        "ON CONFLICT (only_row) DO UPDATE SET version = EXCLUDED.version",
        {pg::integer(kSchemaVersion)});
    if (!recorded) {
      return makeError(std::move(recorded).error());
    }
    return {};
  });
}

Result<void> PostgresStore::addUser(const std::string& name, const std::string& password_hash,
                                    std::int64_t created_ms) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  return transaction<void>([&]() -> Result<void> {
    auto added = db_->run("INSERT INTO users(name, password_hash, created_ms) VALUES($1, $2, $3)",
                          {pg::text(name), pg::text(password_hash), pg::integer(created_ms)});
    if (!added) {
      if (added.error().code == ErrorCode::AlreadyExists) {
        return makeError(ErrorCode::AlreadyExists, "user '" + name + "' already exists");
      }
      return makeError(std::move(added).error());
    }
    // A new account under an old name inherits none of the old one's tokens.
    return revokeTokensLocked(name, nullptr);
  });
}

Result<void> PostgresStore::updateUserPassword(const std::string& name,
                                               const std::string& password_hash) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  // The new password and the end of the old tokens in one step: never one
  // without the other. The UPDATE holds the account's row lock, which a
  // token being issued elsewhere waits for (basisHoldsLocked).
  return transaction<void>([&]() -> Result<void> {
    auto changed = db_->run("UPDATE users SET password_hash = $2 WHERE name = $1",
                            {pg::text(name), pg::text(password_hash)});
    if (!changed) {
      return makeError(std::move(changed).error());
    }
    if (changed->affected() == 0) {
      return noUser(name);
    }
    return revokeTokensLocked(name, nullptr);
  });
}

Result<void> PostgresStore::removeUser(const std::string& name) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  return transaction<void>([&]() -> Result<void> {
    auto removed = db_->run("DELETE FROM users WHERE name = $1", {pg::text(name)});
    if (!removed) {
      return makeError(std::move(removed).error());
    }
    if (removed->affected() == 0) {
      return noUser(name);
    }
    return revokeTokensLocked(name, nullptr);
  });
}

Result<std::vector<std::string>> PostgresStore::listUsers() {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
  auto rows = db_->run(R"(SELECT name FROM users ORDER BY name COLLATE "C")");
  if (!rows) {
    return makeError(std::move(rows).error());
  }
  return rows->column(0);
}

Result<std::optional<std::string>> PostgresStore::passwordHash(const std::string& name) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  auto rows = db_->run("SELECT password_hash FROM users WHERE name = $1", {pg::text(name)});
  if (!rows) {
    return makeError(std::move(rows).error());
  }
  if (rows->count() == 0) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(rows->text(0, 0));
}

Result<RoomRecord> PostgresStore::openRoom(const std::string& name, std::int64_t now_ms,
                                           const std::string& creator) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  // One statement: two servers opening a new room at once get one row.
  auto created = db_->run(
      "INSERT INTO rooms(name, created_ms, owner) VALUES($1, $2, $3) "
      "ON CONFLICT (name) DO NOTHING RETURNING id",
      {pg::text(name), pg::integer(now_ms), creator.empty() ? pg::null() : pg::text(creator)});
  if (!created) {
    return makeError(std::move(created).error());
  }
  RoomRecord record;
  if (created->count() == 1) {
    record.id = created->integer(0, 0);
    return record;
  }
  auto found = db_->run(
      "SELECT r.id, (SELECT COALESCE(MAX(seq), 0) FROM messages m WHERE m.room_id = r.id) "
      "FROM rooms r WHERE r.name = $1",
      {pg::text(name)});
  if (!found) {
    return makeError(std::move(found).error());
  }
  if (found->count() != 1) {
    return makeError(ErrorCode::StoreFailed, "room '" + name + "' vanished while being opened");
  }
  record.id = found->integer(0, 0);
  record.last_seq = fromSql(found->integer(0, 1));
  return record;
}

Result<std::string> PostgresStore::bindClientInstance(std::uint64_t client_instance,
                                                      const std::string& user,
                                                      std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  auto bound = db_->run(
      "INSERT INTO client_instances(instance, account, first_used_ms) VALUES($1, $2, $3) "
      "ON CONFLICT (instance) DO NOTHING",
      {pg::integer(toSql(client_instance)), pg::text(user), pg::integer(now_ms)});
  if (!bound) {
    return makeError(std::move(bound).error());
  }
  auto owner = db_->run("SELECT account FROM client_instances WHERE instance = $1",
                        {pg::integer(toSql(client_instance))});
  if (!owner) {
    return makeError(std::move(owner).error());
  }
  if (owner->count() != 1) {
    return makeError(ErrorCode::StoreFailed, "cannot look up a client instance");
  }
  return owner->text(0, 0);
}

Result<std::optional<std::uint64_t>> PostgresStore::findByClientId(std::int64_t room_id,
                                                                   const std::string& sender,
                                                                   std::uint64_t client_instance,
                                                                   std::uint64_t client_msg_id) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  auto rows = db_->run(
      "SELECT seq FROM messages WHERE room_id = $1 AND sender = $2 AND client_instance = $3 "
      "AND client_msg_id = $4",
      {pg::integer(room_id), pg::text(sender), pg::integer(toSql(client_instance)),
       pg::integer(toSql(client_msg_id))});
  if (!rows) {
    return makeError(std::move(rows).error());
  }
  if (rows->count() == 0) {
    return std::optional<std::uint64_t>();
  }
  return std::optional<std::uint64_t>(fromSql(rows->integer(0, 0)));
}

Result<void> PostgresStore::appendMessage(const StoredMessage& m) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  // Autocommit: when the statement returns, the row is committed.
  auto inserted = db_->run(
      "INSERT INTO messages(room_id, seq, sender, text, server_time_ms, client_instance, "
      "client_msg_id) VALUES($1, $2, $3, $4, $5, $6, $7)",
      {pg::integer(m.room_id), pg::integer(toSql(m.seq)), pg::text(m.sender), pg::text(m.text),
       pg::integer(m.server_time_ms), pg::integer(toSql(m.client_instance)),
       pg::integer(toSql(m.client_msg_id))});
  if (!inserted) {
    if (inserted.error().code == ErrorCode::AlreadyExists) {
      return makeError(ErrorCode::AlreadyExists, "message seq " + std::to_string(m.seq) +
                                                     " or its client id is already stored");
    }
    return makeError(std::move(inserted).error());
  }
  return {};
}

Result<std::vector<StoredMessage>> PostgresStore::messagesAfter(std::int64_t room_id,
                                                                std::uint64_t after_seq,
                                                                std::size_t limit) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  auto rows = db_->run(
      "SELECT seq, sender, text, server_time_ms, client_instance, client_msg_id FROM messages "
      "WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
      {pg::integer(room_id), pg::integer(toSql(after_seq)),
       pg::integer(static_cast<std::int64_t>(limit))});
  if (!rows) {
    return makeError(std::move(rows).error());
  }
  std::vector<StoredMessage> out;
  out.reserve(static_cast<std::size_t>(rows->count()));
  for (int i = 0; i < rows->count(); ++i) {
    StoredMessage m;
    m.room_id = room_id;
    m.seq = fromSql(rows->integer(i, 0));
    m.sender = rows->text(i, 1);
    m.text = rows->text(i, 2);
    m.server_time_ms = rows->integer(i, 3);
    m.client_instance = fromSql(rows->integer(i, 4));
    m.client_msg_id = fromSql(rows->integer(i, 5));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace parley::server
