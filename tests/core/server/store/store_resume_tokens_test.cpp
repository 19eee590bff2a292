#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "core/server/accounts/resume_tokens.h"
#include "core/server/store/sqlite_store.h"
#include "tests/core/server/store/raw_sql.h"
#include "tests/core/server/store/store_under_test.h"
#include "tests/fakes/fake_clock.h"
#include "tests/support/test_dir.h"

using namespace parley::server;
using parley::testing::FakeClock;
using Verdict = ResumeTokens::Verdict;

namespace {

using parley::test::queryInt;
using parley::test::rawSql;
using parley::test::StoreUnderTest;

std::unique_ptr<Store> openStore(const StoreUnderTest& where) {
  auto store = where.open();
  REQUIRE(store);
  return std::move(*store);
}

// Tokens are honoured only for accounts that exist.
std::unique_ptr<Store> openStoreWithAccounts(const StoreUnderTest& where) {
  auto store = openStore(where);
  REQUIRE(store->addUser("alice", "$argon2id$a", 1));
  REQUIRE(store->addUser("bob", "$argon2id$b", 1));
  return store;
}

// The layout of schema version 2, as parleyd wrote it before resume tokens.
constexpr const char* kVersion2Schema = R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE users(name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE rooms(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_ms INTEGER NOT NULL,
  owner TEXT, locked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE messages(room_id INTEGER NOT NULL REFERENCES rooms(id), seq INTEGER NOT NULL,
  sender TEXT NOT NULL, text TEXT NOT NULL, server_time_ms INTEGER NOT NULL,
  client_instance INTEGER NOT NULL, client_msg_id INTEGER NOT NULL, UNIQUE(room_id, seq),
  UNIQUE(room_id, sender, client_instance, client_msg_id));
CREATE TABLE client_instances(instance INTEGER PRIMARY KEY, user TEXT NOT NULL,
  first_used_ms INTEGER NOT NULL);
CREATE TABLE room_admission(room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK(kind IN ('account', 'group')), name TEXT NOT NULL,
  PRIMARY KEY(room_id, kind, name));
CREATE TABLE room_removals(room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  account TEXT NOT NULL, removed_ms INTEGER NOT NULL, PRIMARY KEY(room_id, account));
CREATE TABLE group_members(group_name TEXT NOT NULL, account TEXT NOT NULL,
  PRIMARY KEY(group_name, account));
INSERT INTO users VALUES('alice', '$argon2id$a', 1);
INSERT INTO rooms VALUES(1, 'lobby', 1, 'alice', 1);
INSERT INTO messages VALUES(1, 1, 'alice', 'first', 1001, 77, 1);
INSERT INTO client_instances VALUES(77, 'alice', 1);
PRAGMA user_version = 2;
)sql";

}  // namespace

TEST_CASE("resume tokens are random, 32 bytes, and stored only as their SHA-256",
          "[server][store][resume]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  FakeClock clock;
  auto store = openStoreWithAccounts(where);
  ResumeTokens tokens(*store, clock, std::chrono::hours(24));
  auto a = tokens.issue("alice", 7);
  auto b = tokens.issue("alice", 7);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->size() == kResumeTokenBytes);
  CHECK(*a != *b);
  CHECK(ResumeTokens::hashOf(*a).size() == 32);
  CHECK(ResumeTokens::hashOf(*a) != *a);
  // The token itself appears nowhere in the store's rows; its hash does.
  CHECK(where.queryInt("SELECT COUNT(*) FROM resume_tokens") == 2);
  auto found = store->findResumeToken(*a, clock.wallMillis());
  REQUIRE(found);
  CHECK_FALSE(found->has_value());
  found = store->findResumeToken(ResumeTokens::hashOf(*a), clock.wallMillis());
  REQUIRE(found);
  REQUIRE(found->has_value());
  CHECK((*found)->user == "alice");
  CHECK((*found)->client_instance == 7);
}

TEST_CASE("a resume token is bound to its account and its client instance",
          "[server][store][resume]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  FakeClock clock;
  auto store = openStoreWithAccounts(where);
  ResumeTokens tokens(*store, clock, std::chrono::hours(24));
  auto token = tokens.issue("alice", 7);
  REQUIRE(token);
  CHECK(tokens.check(*token, "alice", 7) == Verdict::Valid);
  CHECK(tokens.check(*token, "bob", 7) == Verdict::OtherAccount);
  CHECK(tokens.check(*token, "alice", 8) == Verdict::OtherInstance);
  CHECK(tokens.check(std::string(32, 'x'), "alice", 7) == Verdict::Unknown);
  // Wrong lengths never reach the store.
  CHECK(tokens.check("", "alice", 7) == Verdict::Unknown);
  CHECK(tokens.check(*token + "x", "alice", 7) == Verdict::Unknown);
  CHECK(tokens.check(token->substr(1), "alice", 7) == Verdict::Unknown);
}

TEST_CASE("a resume token expires after the configured lifetime", "[server][store][resume]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  FakeClock clock;
  auto store = openStoreWithAccounts(where);
  ResumeTokens tokens(*store, clock, std::chrono::hours(24));
  auto token = tokens.issue("alice", 7);
  REQUIRE(token);
  clock.advance(std::chrono::hours(24) - std::chrono::seconds(1));
  CHECK(tokens.check(*token, "alice", 7) == Verdict::Valid);
  clock.advance(std::chrono::seconds(1));
  CHECK(tokens.check(*token, "alice", 7) == Verdict::Unknown);
}

TEST_CASE("a rotated token stays valid for the grace window only", "[server][store][resume]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  FakeClock clock;
  auto store = openStoreWithAccounts(where);
  ResumeTokens tokens(*store, clock, std::chrono::hours(24));
  auto first = tokens.issue("alice", 7);
  auto other_instance = tokens.issue("alice", 8);
  REQUIRE(first);
  REQUIRE(other_instance);
  auto second = tokens.issue("alice", 7);
  REQUIRE(second);
  CHECK(tokens.check(*first, "alice", 7) == Verdict::Valid);
  clock.advance(ResumeTokens::kRotationGrace);
  CHECK(tokens.check(*first, "alice", 7) == Verdict::Unknown);
  CHECK(tokens.check(*second, "alice", 7) == Verdict::Valid);
  // Rotation on one instance leaves the account's other instances alone.
  CHECK(tokens.check(*other_instance, "alice", 8) == Verdict::Valid);
}

TEST_CASE("revoking, a password change and removing the account end its tokens",
          "[server][store][resume]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  FakeClock clock;
  auto store = openStore(where);
  REQUIRE(store->addUser("alice", "$argon2id$a", 1));
  REQUIRE(store->addUser("bob", "$argon2id$b", 1));
  ResumeTokens tokens(*store, clock, std::chrono::hours(24));
  auto a1 = tokens.issue("alice", 7);
  auto a2 = tokens.issue("alice", 8);
  auto b = tokens.issue("bob", 9);
  REQUIRE(a1);
  REQUIRE(a2);
  REQUIRE(b);
  auto revoked = store->revokeResumeTokens("alice");
  REQUIRE(revoked);
  CHECK(*revoked == 2);
  CHECK(tokens.check(*a1, "alice", 7) == Verdict::Unknown);
  CHECK(tokens.check(*a2, "alice", 8) == Verdict::Unknown);
  CHECK(tokens.check(*b, "bob", 9) == Verdict::Valid);  // others untouched

  auto a3 = tokens.issue("alice", 7);
  REQUIRE(a3);
  REQUIRE(store->updateUserPassword("alice", "$argon2id$new"));
  CHECK(tokens.check(*a3, "alice", 7) == Verdict::Unknown);

  REQUIRE(store->removeUser("bob"));
  CHECK(tokens.check(*b, "bob", 9) == Verdict::Unknown);
}

TEST_CASE("with a lifetime of 0 no token is issued or accepted", "[server][store][resume]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  FakeClock clock;
  auto store = openStoreWithAccounts(where);
  ResumeTokens on(*store, clock, std::chrono::hours(24));
  auto token = on.issue("alice", 7);
  REQUIRE(token);
  ResumeTokens off(*store, clock, std::chrono::hours(0));
  auto none = off.issue("alice", 7);
  REQUIRE(none);
  CHECK(none->empty());
  CHECK(off.check(*token, "alice", 7) == Verdict::Unknown);
}

TEST_CASE("a version 2 store migrates to 4 and keeps everything", "[server][store][resume]") {
  parley::testing::TempDir dir;
  const auto path = (dir.path() / "v2.db").string();
  rawSql(path, kVersion2Schema);
  FakeClock clock;
  {
    auto opened = SqliteStore::open(path, Synchronous::Normal, false);
    REQUIRE(opened);
    auto& s = **opened;
    CHECK(s.passwordHash("alice")->value() == "$argon2id$a");
    CHECK(*s.bindClientInstance(77, "bob", 2) == "alice");
    auto lobby = s.roomPolicy("lobby");
    REQUIRE(lobby);
    REQUIRE(lobby->has_value());
    CHECK((*lobby)->owner == std::optional<std::string>("alice"));
    CHECK((*lobby)->locked);
    CHECK(s.messagesAfter(1, 0, 10)->size() == 1);
    ResumeTokens tokens(s, clock, std::chrono::hours(24));
    auto token = tokens.issue("alice", 77);
    REQUIRE(token);
    CHECK(tokens.check(*token, "alice", 77) == Verdict::Valid);
  }
  CHECK(queryInt(path, "PRAGMA user_version;") == 4);
  CHECK(queryInt(path, "SELECT COUNT(*) FROM resume_tokens") == 1);
  // Opening again migrates nothing.
  auto again = SqliteStore::open(path, Synchronous::Normal, false);
  REQUIRE(again);
  CHECK(queryInt(path, "SELECT COUNT(*) FROM resume_tokens") == 1);
}

TEST_CASE("a removed account's tokens are dead, and a new account under its name has none",
          "[server][store][resume]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  FakeClock clock;
  auto store = openStoreWithAccounts(where);
  ResumeTokens tokens(*store, clock, std::chrono::hours(24));
  auto kept = tokens.issue("alice", 7);
  REQUIRE(kept);
  // As if the revocation had failed: the account goes, its token row stays.
  where.rawSql("DELETE FROM users WHERE name = 'alice';");
  CHECK(tokens.check(*kept, "alice", 7) == Verdict::Unknown);
  // Someone else gets the name: the old token does not let its holder in.
  REQUIRE(store->addUser("alice", "$argon2id$someone-else", 2));
  CHECK(tokens.check(*kept, "alice", 7) == Verdict::Unknown);
}

namespace {

// How SQLite would run `sql` on the store file: EXPLAIN QUERY PLAN's lines.
std::string queryPlan(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  const std::string explain = std::string("EXPLAIN QUERY PLAN ") + sql;
  REQUIRE(sqlite3_prepare_v2(db, explain.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    plan += '\n';
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plan;
}

}  // namespace

TEST_CASE("a version 3 store migrates to 4: the expiry sweep uses an index",
          "[server][store][resume]") {
  parley::testing::TempDir dir;
  const auto path = (dir.path() / "v3.db").string();
  // Version 3 as parleyd wrote it: version 2 plus the tokens table.
  rawSql(path, std::string(kVersion2Schema) + R"sql(
CREATE TABLE resume_tokens(token_sha256 BLOB PRIMARY KEY, user TEXT NOT NULL,
  client_instance INTEGER NOT NULL, created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);
CREATE INDEX resume_tokens_by_user ON resume_tokens(user, client_instance);
INSERT INTO resume_tokens VALUES(x'00', 'alice', 77, 1, 999999999999999);
PRAGMA user_version = 3;
)sql");
  const char* sweep = "DELETE FROM resume_tokens WHERE expires_ms <= 5";
  CHECK(queryPlan(path, sweep).find("resume_tokens_by_expiry") == std::string::npos);
  {
    auto opened = SqliteStore::open(path, Synchronous::Normal, false);
    REQUIRE(opened);
  }
  CHECK(queryInt(path, "PRAGMA user_version;") == 4);
  CHECK(queryInt(path,
                 "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = "
                 "'resume_tokens_by_expiry'") == 1);
  CHECK(queryInt(path, "SELECT COUNT(*) FROM resume_tokens") == 1);  // kept
  const std::string plan = queryPlan(path, sweep);
  INFO(plan);
  CHECK(plan.find("resume_tokens_by_expiry") != std::string::npos);
}

// The race of a password sign-in whose Argon2 check straddles a password
// change, made deterministic: the check read hash A, the change to B (which
// revokes the tokens) commits, then the token would be stored.
TEST_CASE("no token on a password that changed while it was checked", "[server][store][resume]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  FakeClock clock;
  auto store = openStoreWithAccounts(where);
  ResumeTokens tokens(*store, clock, std::chrono::hours(24));
  ResumeTokenBasis verified;
  verified.password_hash = store->passwordHash("alice")->value();  // read before Argon2
  REQUIRE(store->updateUserPassword("alice", "$argon2id$changed"));
  auto late = tokens.issue("alice", 7, verified);
  REQUIRE(late);
  CHECK(late->empty());
  CHECK(where.queryInt("SELECT COUNT(*) FROM resume_tokens") == 0);
  // With the hash that is the account's now, a token is issued as before.
  verified.password_hash = "$argon2id$changed";
  auto current = tokens.issue("alice", 7, verified);
  REQUIRE(current);
  CHECK(current->size() == kResumeTokenBytes);
  CHECK(tokens.check(*current, "alice", 7) == Verdict::Valid);
  // Nor for an account removed meanwhile.
  REQUIRE(store->removeUser("bob"));
  ResumeTokenBasis bob;
  bob.password_hash = "$argon2id$b";
  CHECK(tokens.issue("bob", 9, bob)->empty());
}

TEST_CASE("a rotation stores its fresh token only while the presented one is valid",
          "[server][store][resume]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  FakeClock clock;
  auto store = openStoreWithAccounts(where);
  ResumeTokens tokens(*store, clock, std::chrono::hours(24));
  auto first = tokens.issue("alice", 7);
  REQUIRE(first);
  auto redeemed = tokens.redeem(*first, "alice", 7);
  CHECK(redeemed.verdict == Verdict::Valid);
  CHECK(redeemed.fresh.size() == kResumeTokenBytes);
  CHECK(tokens.check(redeemed.fresh, "alice", 7) == Verdict::Valid);
  CHECK(tokens.redeem(redeemed.fresh, "alice", 8).verdict == Verdict::OtherInstance);
  // Revoked between the check and the write (the store step alone, as the
  // interleaving cannot be forced through redeem()): nothing is stored.
  ResumeTokenBasis presented;
  presented.presented_token_hash = ResumeTokens::hashOf(redeemed.fresh);
  REQUIRE(store->revokeResumeTokens("alice"));
  auto stored = store->issueResumeToken(std::string(32, 'x'), "alice", 7, clock.wallMillis(),
                                        clock.wallMillis() + 1000, clock.wallMillis(), presented);
  REQUIRE(stored);
  CHECK_FALSE(*stored);
  CHECK(where.queryInt("SELECT COUNT(*) FROM resume_tokens") == 0);
  CHECK(tokens.redeem(redeemed.fresh, "alice", 7).verdict == Verdict::Unknown);
}
