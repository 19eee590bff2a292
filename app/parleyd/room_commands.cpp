// `parleyd room ...` and `parleyd group ...`: who may be in which room
// (docs/server-admin.md, "Rooms"). They edit the store directly (SQLite WAL
// lets them while the server runs); the server reads a room's policy at
// every join, so a change applies from the next join on.

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/parleyd/commands.h"
#include "core/base/clock.h"
#include "core/protocol/message_codec.h"
#include "core/server/deployment/server_config.h"
#include "core/server/store/store.h"

namespace parley::app {
namespace {

using server::AdmissionKind;
using server::Store;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    out += (out.empty() ? "" : ", ") + name;
  }
  return out.empty() ? "-" : out;
}

void printRoom(const server::RoomPolicy& room, bool details) {
  const bool restricted = !room.admitted_accounts.empty() || !room.admitted_groups.empty();
  std::cout << room.name << "\towner=" << room.owner.value_or("-") << "\t"
            << (room.locked ? "locked" : "unlocked") << "\t" << (restricted ? "listed" : "open")
            << "\n";
  if (details) {
    std::cout << "  admitted accounts: " << joined(room.admitted_accounts) << "\n"
              << "  admitted groups:   " << joined(room.admitted_groups) << "\n"
              << "  removed:           " << joined(room.removed_accounts) << "\n";
  }
}

// Opens the store of the config; prints why not and returns null.
std::unique_ptr<Store> openStore(const std::filesystem::path& config_path, const char* what) {
  auto config = server::loadServerConfig(config_path);
  if (!config) {
    std::cerr << what << ": " << config.error().detail << "\n";
    return nullptr;
  }
  auto store = openStore(storeSettings(*config), false);
  if (!store) {
    std::cerr << what << ": " << store.error().detail << "\n";
    return nullptr;
  }
  return std::move(*store);
}

bool validName(const std::string& name, const std::string& what, const char* command) {
  if (auto valid = protocol::validateUserName(name); !valid) {
    std::cerr << command << ": invalid " << what << " '" << name << "': " << valid.error().detail
              << "\n";
    return false;
  }
  return true;
}

int report(const Result<void>& done, const std::string& command, const std::string& success) {
  if (!done) {
    std::cerr << command << ": " << done.error().detail << "\n";
    return 1;
  }
  std::cout << success << "\n";
  return 0;
}

}  // namespace

int runRoomCommand(const RoomCommand& command) {
  const std::string name = "parleyd room " + command.action;
  if (command.action != "list") {
    if (auto valid = protocol::validateRoomName(command.room); !valid) {
      std::cerr << name << ": invalid room name '" << command.room << "': " << valid.error().detail
                << "\n";
      return 1;
    }
  }
  for (const auto& [value, what] :
       {std::pair{command.user, "user name"}, std::pair{command.group, "group name"}}) {
    if (!value.empty() && !validName(value, what, name.c_str())) {
      return 1;
    }
  }
  auto store = openStore(command.config, name.c_str());
  if (!store) {
    return 1;
  }
  const std::string& room = command.room;
  if (command.action == "list") {
    auto rooms = store->listRooms();
    if (!rooms) {
      std::cerr << name << ": " << rooms.error().detail << "\n";
      return 1;
    }
    for (const auto& r : *rooms) {
      printRoom(r, false);
    }
    return 0;
  }
  if (command.action == "show") {
    auto policy = store->roomPolicy(room);
    if (!policy || !policy->has_value()) {
      std::cerr << name << ": " << (policy ? "no room named '" + room + "'" : policy.error().detail)
                << "\n";
      return 1;
    }
    printRoom(**policy, true);
    return 0;
  }
  if (command.action == "create") {
    return report(store->createRoom(room, command.user, SystemClock::instance().wallMillis()), name,
                  "created room '" + room + "'" +
                      (command.user.empty() ? " without an owner" : " owned by " + command.user));
  }
  if (command.action == "owner") {
    if (command.user.empty() == !command.no_owner) {
      std::cerr << name << ": give either an owner or --none\n";
      return 2;
    }
    const auto owner = command.no_owner ? std::nullopt : std::optional<std::string>(command.user);
    return report(store->setRoomOwner(room, owner), name,
                  "room '" + room + "' is now " +
                      (owner ? "owned by " + *owner : std::string("without an owner")));
  }
  if (command.action == "lock" || command.action == "unlock") {
    const bool lock = command.action == "lock";
    return report(store->setRoomLocked(room, lock), name,
                  "room '" + room + "' is " + (lock ? "locked" : "unlocked"));
  }
  if (command.action == "admit" || command.action == "unadmit") {
    if (command.user.empty() == command.group.empty()) {
      std::cerr << name << ": give exactly one of --user and --group\n";
      return 2;
    }
    const auto kind = command.user.empty() ? AdmissionKind::Group : AdmissionKind::Account;
    const std::string& who = command.user.empty() ? command.group : command.user;
    const bool admit = command.action == "admit";
    return report(admit ? store->admit(room, kind, who) : store->unadmit(room, kind, who), name,
                  std::string(admit ? "admitted " : "no longer lists ") +
                      (kind == AdmissionKind::Group ? "group '" : "account '") + who +
                      "' in room '" + room + "'");
  }
  if (command.action == "remove") {
    return report(
        store->removeFromRoom(room, command.user, SystemClock::instance().wallMillis()), name,
        "removed '" + command.user + "' from room '" + room +
            "': refused from the next join on (a connection already in the room stays until it "
            "leaves or the owner removes it)");
  }
  if (command.action == "readmit") {
    return report(store->readmit(room, command.user), name,
                  "'" + command.user + "' may join room '" + room + "' again");
  }
  std::cerr << name << ": unknown action\n";
  return 2;
}

int runGroupCommand(const GroupCommand& command) {
  const std::string name = "parleyd group " + command.action;
  for (const auto& [value, what] :
       {std::pair{command.user, "user name"}, std::pair{command.group, "group name"}}) {
    if (!value.empty() && !validName(value, what, name.c_str())) {
      return 1;
    }
  }
  auto store = openStore(command.config, name.c_str());
  if (!store) {
    return 1;
  }
  if (command.action == "list") {
    auto groups = store->listGroups();
    if (!groups) {
      std::cerr << name << ": " << groups.error().detail << "\n";
      return 1;
    }
    for (const auto& [group, accounts] : *groups) {
      std::cout << group << "\t" << joined(accounts) << "\n";
    }
    return 0;
  }
  if (command.action == "add") {
    return report(store->addToGroup(command.group, command.user), name,
                  "'" + command.user + "' is in group '" + command.group + "'");
  }
  return report(store->removeFromGroup(command.group, command.user), name,
                "'" + command.user + "' is no longer in group '" + command.group + "'");
}

}  // namespace parley::app
