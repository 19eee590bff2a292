// Store: room policy and groups (core/server/store/*_store_rooms.cpp).

#include <catch2/catch.hpp>

#include "core/server/store/store.h"
#include "tests/core/server/store/store_under_test.h"

using namespace parley::server;
using parley::ErrorCode;

namespace {

using Names = std::vector<std::string>;

using parley::test::StoreUnderTest;

std::unique_ptr<Store> openStore(const StoreUnderTest& where) {
  auto store = where.open();
  REQUIRE(store);
  return std::move(*store);
}

RoomPolicy policyOf(Store& s, const std::string& room) {
  auto policy = s.roomPolicy(room);
  REQUIRE(policy);
  REQUIRE(policy->has_value());
  return **policy;
}

}  // namespace

TEST_CASE("a room created by its first joiner is owned by it, open and unlocked",
          "[server][store][rooms]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  auto s = openStore(where);
  REQUIRE(s->openRoom("design", 5, "alice"));
  // Opening it again (a later join) changes nothing about its owner.
  REQUIRE(s->openRoom("design", 6, "bob"));
  const auto policy = policyOf(*s, "design");
  CHECK(policy.owner == std::optional<std::string>("alice"));
  CHECK_FALSE(policy.locked);
  CHECK(policy.created_ms == 5);
  CHECK(policy.admitted_accounts.empty());
  CHECK(policy.admitted_groups.empty());
  CHECK_FALSE(s->roomPolicy("nowhere")->has_value());
}

TEST_CASE("admins set a room's owner and lock, and unknown rooms are NotFound",
          "[server][store][rooms]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  auto s = openStore(where);
  REQUIRE(s->createRoom("ops", "", 1));
  CHECK(s->createRoom("ops", "bob", 2).error().code == ErrorCode::AlreadyExists);
  CHECK_FALSE(policyOf(*s, "ops").owner.has_value());
  REQUIRE(s->setRoomOwner("ops", std::string("carol")));
  REQUIRE(s->setRoomLocked("ops", true));
  auto policy = policyOf(*s, "ops");
  CHECK(policy.owner == std::optional<std::string>("carol"));
  CHECK(policy.locked);
  REQUIRE(s->setRoomOwner("ops", std::nullopt));
  REQUIRE(s->setRoomLocked("ops", false));
  policy = policyOf(*s, "ops");
  CHECK_FALSE(policy.owner.has_value());
  CHECK_FALSE(policy.locked);
  CHECK(s->setRoomLocked("nowhere", true).error().code == ErrorCode::NotFound);
  CHECK(s->setRoomOwner("nowhere", std::nullopt).error().code == ErrorCode::NotFound);
  auto rooms = s->listRooms();
  REQUIRE(rooms);
  REQUIRE(rooms->size() == 1);
  CHECK(rooms->front().name == "ops");
}

TEST_CASE("a removal lasts until the account is admitted again", "[server][store][rooms]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  auto s = openStore(where);
  REQUIRE(s->openRoom("r", 1, "alice"));
  REQUIRE(s->setAdmission("r", {"bob", "carol"}, {"staff"}));
  auto policy = policyOf(*s, "r");
  CHECK(policy.admitted_accounts == Names{"bob", "carol"});
  CHECK(policy.admitted_groups == Names{"staff"});

  // Removing records the removal; the list stays as the owner made it.
  REQUIRE(s->removeFromRoom("r", "bob", 7));
  policy = policyOf(*s, "r");
  CHECK(policy.admitted_accounts == Names{"bob", "carol"});
  CHECK(policy.removed_accounts == Names{"bob"});

  // Re-sending a list that keeps bob, or lacks him, lifts nothing.
  REQUIRE(s->setAdmission("r", {"bob", "carol"}, {}));
  CHECK(policyOf(*s, "r").removed_accounts == Names{"bob"});
  REQUIRE(s->setAdmission("r", {"carol"}, {}));
  CHECK(policyOf(*s, "r").removed_accounts == Names{"bob"});

  // Listing bob again (newly) is admitting him again.
  REQUIRE(s->setAdmission("r", {"bob", "carol"}, {}));
  policy = policyOf(*s, "r");
  CHECK(policy.removed_accounts.empty());
  CHECK(policy.admitted_groups.empty());

  // readmit lifts a removal without listing; admit lists and lifts.
  REQUIRE(s->removeFromRoom("r", "dave", 8));
  REQUIRE(s->readmit("r", "dave"));
  CHECK(s->readmit("r", "dave").error().code == ErrorCode::NotFound);
  CHECK(policyOf(*s, "r").admitted_accounts == Names{"bob", "carol"});
  REQUIRE(s->removeFromRoom("r", "erin", 9));
  REQUIRE(s->admit("r", AdmissionKind::Account, "erin"));
  policy = policyOf(*s, "r");
  CHECK(policy.removed_accounts.empty());
  CHECK(policy.admitted_accounts == Names{"bob", "carol", "erin"});
  REQUIRE(s->unadmit("r", AdmissionKind::Account, "erin"));
  CHECK(s->unadmit("r", AdmissionKind::Account, "erin").error().code == ErrorCode::NotFound);
  REQUIRE(s->admit("r", AdmissionKind::Group, "staff"));
  CHECK(policyOf(*s, "r").admitted_groups == Names{"staff"});
}

TEST_CASE("groups hold accounts", "[server][store][rooms]") {
  StoreUnderTest where(PARLEY_EACH_STORE_BACKEND());
  auto s = openStore(where);
  REQUIRE(s->addToGroup("staff", "bob"));
  REQUIRE(s->addToGroup("staff", "carol"));
  REQUIRE(s->addToGroup("ops", "bob"));
  REQUIRE(s->addToGroup("ops", "bob"));  // twice is once
  CHECK(*s->groupsOf("bob") == Names{"ops", "staff"});
  CHECK(s->groupsOf("dave")->empty());
  auto groups = s->listGroups();
  REQUIRE(groups);
  REQUIRE(groups->size() == 2);
  CHECK((*groups)[0].first == "ops");
  CHECK((*groups)[1].second == Names{"bob", "carol"});
  REQUIRE(s->removeFromGroup("staff", "bob"));
  CHECK(s->removeFromGroup("staff", "bob").error().code == ErrorCode::NotFound);
  CHECK(*s->groupsOf("bob") == Names{"ops"});
}
