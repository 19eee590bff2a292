#include "core/server/store/sqlite_store.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "tests/core/server/store/raw_sql.h"
#include "tests/core/server/store/store_under_test.h"
#include "tests/support/test_dir.h"

using namespace parley::server;
using parley::ErrorCode;

namespace {

using parley::test::queryInt;
using parley::test::rawSql;
using parley::test::StoreUnderTest;

StoredMessage message(std::int64_t room, std::uint64_t seq, std::uint64_t instance,
                      std::uint64_t msg_id, const std::string& sender = "alice") {
  StoredMessage m;
  m.room_id = room;
  m.seq = seq;
  m.sender = sender;
  m.text = "message " + std::to_string(seq);
  m.server_time_ms = 1000 + static_cast<std::int64_t>(seq);
  m.client_instance = instance;
  m.client_msg_id = msg_id;
  return m;
}

std::int64_t userVersion(const std::string& path) { return queryInt(path, "PRAGMA user_version;"); }

// The schema as parleyd wrote it before the chat dedupe key named the sender
// and before stores carried a version.
constexpr const char* kUnversionedSchema = R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE users(
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE TABLE rooms(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL);
CREATE TABLE messages(
  room_id INTEGER NOT NULL REFERENCES rooms(id),
  seq INTEGER NOT NULL,
  sender TEXT NOT NULL,
  text TEXT NOT NULL,
  server_time_ms INTEGER NOT NULL,
  client_instance INTEGER NOT NULL,
  client_msg_id INTEGER NOT NULL,
  UNIQUE(room_id, seq),
  UNIQUE(room_id, client_instance, client_msg_id));
INSERT INTO users VALUES('alice', '$argon2id$a', 1);
INSERT INTO rooms VALUES(1, 'lobby', 1);
INSERT INTO messages VALUES(1, 1, 'alice', 'first', 1001, 77, 1);
INSERT INTO messages VALUES(1, 2, 'bob', 'second', 1002, 88, 1);
INSERT INTO messages VALUES(1, 3, 'alice', 'third', 1003, 77, 2);
)sql";

}  // namespace

TEST_CASE("store keeps users", "[server][store]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  auto store = where.open();
  REQUIRE(store);
  auto& s = **store;
  REQUIRE(s.addUser("bob", "$argon2id$b", 1));
  REQUIRE(s.addUser("alice", "$argon2id$a", 2));
  auto dup = s.addUser("alice", "$argon2id$x", 3);
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == ErrorCode::AlreadyExists);
  CHECK(*s.listUsers() == std::vector<std::string>{"alice", "bob"});
  CHECK(s.passwordHash("alice")->value() == "$argon2id$a");
  REQUIRE(s.updateUserPassword("alice", "$argon2id$new"));
  CHECK(s.passwordHash("alice")->value() == "$argon2id$new");
  CHECK_FALSE(s.passwordHash("carol")->has_value());
  REQUIRE(s.removeUser("bob"));
  CHECK(s.removeUser("bob").error().code == ErrorCode::NotFound);
  CHECK(s.updateUserPassword("bob", "x").error().code == ErrorCode::NotFound);
}

TEST_CASE("store appends, dedupes by client id, pages history, survives reopen",
          "[server][store]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  std::int64_t room_id = 0;
  {
    auto store = where.open(true, Synchronous::Full);
    REQUIRE(store);
    auto& s = **store;
    auto room = s.openRoom("lobby", 1);
    REQUIRE(room);
    CHECK(room->last_seq == 0);
    room_id = room->id;
    auto other = s.openRoom("other", 1);
    REQUIRE(other);
    CHECK(other->id != room_id);
    for (std::uint64_t seq = 1; seq <= 10; ++seq) {
      REQUIRE(s.appendMessage(message(room_id, seq, 77, 100 + seq)));
    }
    // Same client id again is refused by the schema; the lookup finds it.
    auto dup = s.appendMessage(message(room_id, 11, 77, 105));
    REQUIRE_FALSE(dup);
    CHECK(dup.error().code == ErrorCode::AlreadyExists);
    CHECK(s.findByClientId(room_id, "alice", 77, 105)->value() == 5);
    CHECK_FALSE(s.findByClientId(room_id, "alice", 78, 105)->has_value());
    CHECK_FALSE(s.findByClientId(other->id, "alice", 77, 105)->has_value());
    // Same client id in another room is a different message.
    REQUIRE(s.appendMessage(message(other->id, 1, 77, 105)));
    // Duplicate seq is refused.
    CHECK_FALSE(s.appendMessage(message(room_id, 10, 1, 1)));

    auto after = s.messagesAfter(room_id, 6, 3);
    REQUIRE(after);
    REQUIRE(after->size() == 3);
    CHECK((*after)[0].seq == 7);
    CHECK((*after)[2].seq == 9);
    CHECK((*after)[0].text == "message 7");
    CHECK((*after)[0].client_instance == 77);
    CHECK(s.messagesAfter(room_id, 10, 100)->empty());
  }
  // Reopen: the room keeps its id and its last sequence number.
  auto store = where.open(false);
  REQUIRE(store);
  auto room = (*store)->openRoom("lobby", 2);
  REQUIRE(room);
  CHECK(room->id == room_id);
  CHECK(room->last_seq == 10);
}

TEST_CASE("client ids use the whole u64 range", "[server][store]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  auto store = where.open();
  REQUIRE(store);
  auto room = (*store)->openRoom("r", 1);
  REQUIRE((*store)->appendMessage(message(room->id, 1, UINT64_MAX, UINT64_MAX - 1)));
  CHECK((*store)->findByClientId(room->id, "alice", UINT64_MAX, UINT64_MAX - 1)->value() == 1);
  CHECK((*store)->messagesAfter(room->id, 0, 1)->front().client_instance == UINT64_MAX);
}

TEST_CASE("opening a missing store without create fails clearly", "[server][store]") {
  parley::testing::TempDir dir;
  auto store = SqliteStore::open((dir.path() / "missing.db").string(), Synchronous::Normal, false);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::StoreFailed);
}

TEST_CASE("a store from before versions migrates and keeps its accounts and history",
          "[server][store]") {
  parley::testing::TempDir dir;
  const auto path = (dir.path() / "old.db").string();
  rawSql(path, kUnversionedSchema);
  REQUIRE(userVersion(path) == 0);
  {
    auto store = SqliteStore::open(path, Synchronous::Normal, false);
    REQUIRE(store);
    auto& s = **store;
    CHECK(s.passwordHash("alice")->value() == "$argon2id$a");
    auto room = s.openRoom("lobby", 2);
    REQUIRE(room);
    CHECK(room->id == 1);
    CHECK(room->last_seq == 3);
    auto history = s.messagesAfter(room->id, 0, 10);
    REQUIRE(history);
    REQUIRE(history->size() == 3);
    CHECK((*history)[0].sender == "alice");
    CHECK((*history)[0].text == "first");
    CHECK((*history)[1].sender == "bob");
    CHECK((*history)[1].client_instance == 88);
    CHECK((*history)[2].text == "third");
    CHECK((*history)[2].server_time_ms == 1003);
    // The old rows are still found by their (now sender-scoped) client ids.
    CHECK(s.findByClientId(room->id, "alice", 77, 2)->value() == 3);
    CHECK_FALSE(s.findByClientId(room->id, "bob", 77, 2)->has_value());
    // The old key would have refused this: bob reusing alice's client id.
    REQUIRE(s.appendMessage(message(room->id, 4, 77, 1, "bob")));
    CHECK_FALSE(s.appendMessage(message(room->id, 5, 77, 1, "alice")));
    // Instances can be bound on a migrated store.
    CHECK(*s.bindClientInstance(77, "alice", 5) == "alice");
  }
  CHECK(userVersion(path) == 4);
  // Opening again migrates nothing and loses nothing.
  auto store = SqliteStore::open(path, Synchronous::Normal, false);
  REQUIRE(store);
  // A room from before owners stays open to everyone until an admin acts.
  auto lobby = (*store)->roomPolicy("lobby");
  REQUIRE(lobby);
  REQUIRE(lobby->has_value());
  CHECK_FALSE((*lobby)->owner.has_value());
  CHECK_FALSE((*lobby)->locked);
  CHECK((*lobby)->admitted_accounts.empty());
  CHECK((*store)->messagesAfter(1, 0, 10)->size() == 4);
  CHECK(*(*store)->bindClientInstance(77, "bob", 6) == "alice");
}

TEST_CASE("a store written by a newer parleyd is refused, not rewritten", "[server][store]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  const bool sqlite = where.backend() == parley::server::StoreBackend::Sqlite;
  where.rawSql(sqlite
                   ? "CREATE TABLE future(x INTEGER); PRAGMA user_version = 99;"
                   : "CREATE TABLE parley_schema(only_row BOOLEAN PRIMARY KEY DEFAULT TRUE, "
                     "version INTEGER NOT NULL); INSERT INTO parley_schema(version) VALUES(99);");
  auto store = where.open(false);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::StoreFailed);
  CHECK(store.error().detail.find("schema version 99") != std::string::npos);
  CHECK(where.queryInt(sqlite ? "PRAGMA user_version;" : "SELECT version FROM parley_schema") ==
        99);
}

TEST_CASE("two senders with the same client ids are two messages", "[server][store]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  auto store = where.open();
  REQUIRE(store);
  auto& s = **store;
  auto room = s.openRoom("r", 1);
  REQUIRE(room);
  REQUIRE(s.appendMessage(message(room->id, 1, 42, 7, "alice")));
  REQUIRE(s.appendMessage(message(room->id, 2, 42, 7, "bob")));
  CHECK(s.findByClientId(room->id, "alice", 42, 7)->value() == 1);
  CHECK(s.findByClientId(room->id, "bob", 42, 7)->value() == 2);
  CHECK_FALSE(s.findByClientId(room->id, "carol", 42, 7)->has_value());
  // The same sender's resend is still one message.
  auto dup = s.appendMessage(message(room->id, 3, 42, 7, "bob"));
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == ErrorCode::AlreadyExists);
  auto history = s.messagesAfter(room->id, 0, 10);
  REQUIRE(history->size() == 2);
  CHECK((*history)[1].sender == "bob");
}

TEST_CASE("a client instance belongs to the first account that used it", "[server][store]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  {
    auto store = where.open();
    REQUIRE(store);
    CHECK(*(*store)->bindClientInstance(UINT64_MAX, "alice", 1) == "alice");
    CHECK(*(*store)->bindClientInstance(UINT64_MAX, "alice", 2) == "alice");
    CHECK(*(*store)->bindClientInstance(UINT64_MAX, "bob", 3) == "alice");
    CHECK(*(*store)->bindClientInstance(5, "bob", 4) == "bob");
  }
  // Kept across a restart.
  auto store = where.open(false);
  REQUIRE(store);
  CHECK(*(*store)->bindClientInstance(UINT64_MAX, "bob", 5) == "alice");
  CHECK(*(*store)->bindClientInstance(5, "alice", 6) == "bob");
}
