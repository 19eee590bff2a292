#include "core/server/rooms/room_admission.h"

#include <algorithm>

namespace parley::server {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool listed(const RoomPolicy& policy, const AdmissionQuestion& question) {
  if (contains(policy.admitted_accounts, question.user)) {
    return true;
  }
  return std::any_of(question.groups.begin(), question.groups.end(), [&](const std::string& group) {
    return contains(policy.admitted_groups, group);
  });
}

}  // namespace

ErrorCode decideAdmission(const RoomPolicy& policy, const AdmissionQuestion& question) {
  if (policy.owner && *policy.owner == question.user) {
    return ErrorCode::Ok;
  }
  if (contains(policy.removed_accounts, question.user)) {
    return ErrorCode::RemovedFromRoom;
  }
  if (policy.locked && !question.in_this_meeting) {
    return ErrorCode::RoomLocked;
  }
  const bool restricted = !policy.admitted_accounts.empty() || !policy.admitted_groups.empty();
  if (restricted && !listed(policy, question)) {
    return ErrorCode::NotInvited;
  }
  return ErrorCode::Ok;
}

std::string refusalReason(ErrorCode code, const std::string& room) {
  switch (code) {
    case ErrorCode::RoomLocked:
      return "room '" + room + "' is locked: its owner lets no one new in right now";
    case ErrorCode::NotInvited:
      return "room '" + room +
             "' admits only the people its owner listed, and you are not "
             "on the list; ask the owner to add you";
    case ErrorCode::RemovedFromRoom:
      return "the owner removed you from room '" + room +
             "'; you can join again once they admit you";
    default:
      return "you cannot join room '" + room + "'";
  }
}

}  // namespace parley::server
