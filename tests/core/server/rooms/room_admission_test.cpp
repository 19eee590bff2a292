// Who may join a room (core/server/rooms/room_admission.cpp).

#include "core/server/rooms/room_admission.h"

#include <catch2/catch.hpp>

using namespace parley::server;
using parley::ErrorCode;

namespace {

AdmissionQuestion asking(const std::string& user, std::vector<std::string> groups = {},
                         bool in_this_meeting = false) {
  AdmissionQuestion q;
  q.user = user;
  q.groups = std::move(groups);
  q.in_this_meeting = in_this_meeting;
  return q;
}

}  // namespace

TEST_CASE("an open room admits every account, and so does one without an owner",
          "[server][rooms][admission]") {
  RoomPolicy policy;
  CHECK(decideAdmission(policy, asking("bob")) == ErrorCode::Ok);
  policy.owner = "alice";
  CHECK(decideAdmission(policy, asking("bob")) == ErrorCode::Ok);
}

TEST_CASE("a locked room takes only its owner and those already in the meeting",
          "[server][rooms][admission]") {
  RoomPolicy policy;
  policy.owner = "alice";
  policy.locked = true;
  CHECK(decideAdmission(policy, asking("alice")) == ErrorCode::Ok);
  CHECK(decideAdmission(policy, asking("bob")) == ErrorCode::RoomLocked);
  CHECK(decideAdmission(policy, asking("bob", {}, true)) == ErrorCode::Ok);
  // The lock wins over the list: locking means no one new.
  policy.admitted_accounts = {"bob"};
  CHECK(decideAdmission(policy, asking("bob")) == ErrorCode::RoomLocked);
}

TEST_CASE("a listed room takes the accounts and groups on its list", "[server][rooms][admission]") {
  RoomPolicy policy;
  policy.owner = "alice";
  policy.admitted_accounts = {"bob"};
  policy.admitted_groups = {"staff"};
  CHECK(decideAdmission(policy, asking("alice")) == ErrorCode::Ok);
  CHECK(decideAdmission(policy, asking("bob")) == ErrorCode::Ok);
  CHECK(decideAdmission(policy, asking("carol", {"staff"})) == ErrorCode::Ok);
  CHECK(decideAdmission(policy, asking("dave", {"guests"})) == ErrorCode::NotInvited);
  CHECK(decideAdmission(policy, asking("dave", {}, true)) == ErrorCode::NotInvited);
}

TEST_CASE("a removed account stays out, whatever else admits it", "[server][rooms][admission]") {
  RoomPolicy policy;
  policy.owner = "alice";
  policy.admitted_groups = {"staff"};
  policy.removed_accounts = {"bob"};
  CHECK(decideAdmission(policy, asking("bob", {"staff"}, true)) == ErrorCode::RemovedFromRoom);
  // The owner cannot be shut out of their own room.
  policy.removed_accounts = {"alice"};
  CHECK(decideAdmission(policy, asking("alice")) == ErrorCode::Ok);
  CHECK(refusalReason(ErrorCode::NotInvited, "r").find("'r'") != std::string::npos);
}
