#include "core/server/store/store.h"

#include <catch2/catch.hpp>

#include "tests/support/test_dir.h"

using namespace parley::server;
using parley::ErrorCode;

namespace {

StoredMessage message(std::int64_t room, std::uint64_t seq, std::uint64_t instance,
                      std::uint64_t msg_id) {
  StoredMessage m;
  m.room_id = room;
  m.seq = seq;
  m.sender = "alice";
  m.text = "message " + std::to_string(seq);
  m.server_time_ms = 1000 + static_cast<std::int64_t>(seq);
  m.client_instance = instance;
  m.client_msg_id = msg_id;
  return m;
}

}  // namespace

TEST_CASE("store keeps users", "[server][store]") {
  parley::testing::TempDir dir;
  auto store = Store::open((dir.path() / "p.db").string(), Synchronous::Normal, true);
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
  parley::testing::TempDir dir;
  const auto path = (dir.path() / "p.db").string();
  std::int64_t room_id = 0;
  {
    auto store = Store::open(path, Synchronous::Full, true);
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
    CHECK(s.findByClientId(room_id, 77, 105)->value() == 5);
    CHECK_FALSE(s.findByClientId(room_id, 78, 105)->has_value());
    CHECK_FALSE(s.findByClientId(other->id, 77, 105)->has_value());
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
  auto store = Store::open(path, Synchronous::Normal, false);
  REQUIRE(store);
  auto room = (*store)->openRoom("lobby", 2);
  REQUIRE(room);
  CHECK(room->id == room_id);
  CHECK(room->last_seq == 10);
}

TEST_CASE("client ids use the whole u64 range", "[server][store]") {
  parley::testing::TempDir dir;
  auto store = Store::open((dir.path() / "p.db").string(), Synchronous::Normal, true);
  REQUIRE(store);
  auto room = (*store)->openRoom("r", 1);
  REQUIRE((*store)->appendMessage(message(room->id, 1, UINT64_MAX, UINT64_MAX - 1)));
  CHECK((*store)->findByClientId(room->id, UINT64_MAX, UINT64_MAX - 1)->value() == 1);
  CHECK((*store)->messagesAfter(room->id, 0, 1)->front().client_instance == UINT64_MAX);
}

TEST_CASE("opening a missing store without create fails clearly", "[server][store]") {
  parley::testing::TempDir dir;
  auto store = Store::open((dir.path() / "missing.db").string(), Synchronous::Normal, false);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == ErrorCode::StoreFailed);
}
