// The PostgreSQL store as the servers of one deployment share it: several
// PostgresStore connections on one database, as several parleyd would hold
// (docs/server-admin.md, "The store"). Linux only: no libpq for Windows.

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "core/server/store/store.h"
#include "tests/core/server/store/store_under_test.h"

using namespace parley::server;
using parley::ErrorCode;
using parley::Result;
using parley::test::StoreUnderTest;

#ifndef _WIN32

namespace {

std::unique_ptr<Store> openShared(const StoreUnderTest& where) {
  auto store = where.open();
  REQUIRE(store);
  return std::move(*store);
}

StoredMessage line(std::int64_t room, std::uint64_t seq, const std::string& sender) {
  StoredMessage m;
  m.room_id = room;
  m.seq = seq;
  m.sender = sender;
  m.text = sender + " says " + std::to_string(seq);
  m.server_time_ms = static_cast<std::int64_t>(seq);
  m.client_instance = seq;
  m.client_msg_id = 1;
  return m;
}

}  // namespace

TEST_CASE("servers starting at once on an empty PostgreSQL database make one schema",
          "[server][store][postgresql]") {
  StoreUnderTest where(StoreBackend::Postgresql);
  constexpr int kServers = 4;
  std::vector<std::unique_ptr<Store>> stores(kServers);
  std::vector<std::string> errors(kServers);
  {
    std::vector<std::thread> starting;
    for (int i = 0; i < kServers; ++i) {
      starting.emplace_back([&, i] {
        auto store = parley::server::openStore(where.settings(), true);
        if (store) {
          stores[static_cast<std::size_t>(i)] = std::move(*store);
        } else {
          errors[static_cast<std::size_t>(i)] = store.error().detail;
        }
      });
    }
    for (auto& t : starting) {
      t.join();
    }
  }
  for (int i = 0; i < kServers; ++i) {
    INFO("server " << i << ": " << errors[static_cast<std::size_t>(i)]);
    REQUIRE(stores[static_cast<std::size_t>(i)] != nullptr);
  }
  CHECK(where.queryInt("SELECT COUNT(*) FROM parley_schema") == 1);
  CHECK(where.queryInt("SELECT version FROM parley_schema") == 1);
}

TEST_CASE("servers sharing a PostgreSQL store see one set of accounts, rooms and history",
          "[server][store][postgresql]") {
  StoreUnderTest where(StoreBackend::Postgresql);
  auto inner = openShared(where);
  auto outer = openShared(where);

  REQUIRE(inner->addUser("alice", "$argon2id$a", 1));
  CHECK(outer->passwordHash("alice")->value() == "$argon2id$a");
  CHECK(outer->addUser("alice", "$argon2id$x", 2).error().code == ErrorCode::AlreadyExists);

  // Both open the new room at the same moment: one row, one id.
  Result<RoomRecord> a = RoomRecord{};
  Result<RoomRecord> b = RoomRecord{};
  {
    std::thread first([&] { a = inner->openRoom("lobby", 5, "alice"); });
    std::thread second([&] { b = outer->openRoom("lobby", 5, "bob"); });
    first.join();
    second.join();
  }
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->id == b->id);
  CHECK(where.queryInt("SELECT COUNT(*) FROM rooms") == 1);

  // History written through one is read through the other.
  REQUIRE(inner->appendMessage(line(a->id, 1, "alice")));
  REQUIRE(outer->appendMessage(line(a->id, 2, "bob")));
  auto history = outer->messagesAfter(a->id, 0, 10);
  REQUIRE(history);
  REQUIRE(history->size() == 2);
  CHECK((*history)[0].text == "alice says 1");
  CHECK((*history)[1].sender == "bob");
  CHECK(inner->openRoom("lobby", 6)->last_seq == 2);
  // A sequence number is written once: the second writer is told, and
  // nothing is overwritten.
  auto clash = inner->appendMessage(line(a->id, 2, "carol"));
  REQUIRE_FALSE(clash);
  CHECK(clash.error().code == ErrorCode::AlreadyExists);
  CHECK(outer->messagesAfter(a->id, 1, 10)->front().sender == "bob");

  // A client instance is bound once, whichever server sees it first.
  CHECK(*inner->bindClientInstance(42, "alice", 7) == "alice");
  CHECK(*outer->bindClientInstance(42, "bob", 8) == "alice");

  // Room policy changed on one server holds on the other.
  REQUIRE(outer->setRoomLocked("lobby", true));
  REQUIRE(inner->admit("lobby", AdmissionKind::Account, "bob"));
  auto policy = outer->roomPolicy("lobby");
  REQUIRE(policy);
  REQUIRE(policy->has_value());
  CHECK((*policy)->locked);
  CHECK((*policy)->admitted_accounts == std::vector<std::string>{"bob"});
}

TEST_CASE("a password changed on one server ends the tokens another server issued",
          "[server][store][postgresql][resume]") {
  StoreUnderTest where(StoreBackend::Postgresql);
  auto inner = openShared(where);
  auto outer = openShared(where);
  REQUIRE(inner->addUser("alice", "$argon2id$a", 1));
  const std::string token(32, 't');
  REQUIRE(*outer->issueResumeToken(token, "alice", 7, 10, 1000, 1000,
                                   ResumeTokenBasis{std::string("$argon2id$a"), std::nullopt}));
  CHECK(inner->findResumeToken(token, 20)->has_value());
  REQUIRE(inner->updateUserPassword("alice", "$argon2id$new"));
  CHECK_FALSE(outer->findResumeToken(token, 20)->has_value());
  // A token checked against the old password is not issued afterwards.
  CHECK_FALSE(*outer->issueResumeToken(std::string(32, 'u'), "alice", 7, 30, 1000, 1000,
                                       ResumeTokenBasis{std::string("$argon2id$a"), std::nullopt}));
  CHECK(where.queryInt("SELECT COUNT(*) FROM resume_tokens") == 0);
}

TEST_CASE("an unreachable PostgreSQL server is a clear error, not a crash or a wait",
          "[server][store][postgresql]") {
  StoreSettings settings;
  settings.backend = StoreBackend::Postgresql;
  // Port 1 on loopback: nothing listens there.
  settings.postgresql = "host=127.0.0.1 port=1 dbname=parley user=parley connect_timeout=5";
  auto store = openStore(settings, true);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::StoreFailed);
  CHECK(store.error().detail.find("cannot connect to postgresql parley@127.0.0.1:1") !=
        std::string::npos);
}

TEST_CASE("the PostgreSQL store survives its server's restart of the connection",
          "[server][store][postgresql]") {
  StoreUnderTest where(StoreBackend::Postgresql);
  auto store = openShared(where);
  REQUIRE(store->addUser("alice", "$argon2id$a", 1));
  // An administrator (or a failover) ends the store's session.
  CHECK(where.queryInt("SELECT COUNT(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
                       "application_name = '" +
                       where.postgresSchema() + "'") == 1);
  where.rawSql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
      "application_name = '" +
      where.postgresSchema() + "'");
  // The call that finds the connection gone fails clearly; the next one
  // connects again and works.
  auto first = store->passwordHash("alice");
  if (!first) {
    CHECK(first.error().code == ErrorCode::StoreFailed);
  }
  auto second = store->passwordHash("alice");
  REQUIRE(second);
  CHECK(second->value() == "$argon2id$a");
}

#endif
