#pragma once
// Who may join a room: the rule of docs/server-admin.md ("Rooms"), kept
// apart from the Room so it is tested on its own. Pure: the caller reads the
// policy and the joiner's groups from the store first.

#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/server/store/store.h"

namespace parley::server {

struct AdmissionQuestion {
  std::string user;
  std::vector<std::string> groups;  // the groups the user is in
  // Joined this room since it was last empty: a reconnect after a network
  // drop gets back into a room locked meanwhile.
  bool in_this_meeting = false;
};

// ErrorCode::Ok when admitted, else RoomLocked, NotInvited or
// RemovedFromRoom. In order: the owner always gets in; a removed account
// never does; a locked room takes no one new; a non-empty admission list
// takes only the accounts and groups on it.
ErrorCode decideAdmission(const RoomPolicy& policy, const AdmissionQuestion& question);

// The sentence a refused joiner reads.
std::string refusalReason(ErrorCode code, const std::string& room);

}  // namespace parley::server
