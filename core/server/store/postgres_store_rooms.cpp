// PostgresStore: room policy (owner, lock, admission list, removals) and
// groups, as SqliteStore keeps them (sqlite_store_rooms.cpp). Names sort in
// byte order (COLLATE "C"), as SQLite sorts, whatever the database's locale.

#include <algorithm>

#include "core/server/store/postgres_store.h"

namespace parley::server {
namespace {

const char* kindName(AdmissionKind kind) {
  return kind == AdmissionKind::Account ? "account" : "group";
}

Unexpected noRoom(const std::string& room) {
  return makeError(ErrorCode::NotFound, "no room named '" + room + "'");
}

}  // namespace

Result<std::int64_t> PostgresStore::roomIdLocked(const std::string& room) {
  auto rows = db_->run("SELECT id FROM rooms WHERE name = $1", {pg::text(room)});
  if (!rows) {
    return makeError(std::move(rows).error());
  }
  if (rows->count() == 0) {
    return noRoom(room);
  }
  return rows->integer(0, 0);
}

Result<std::vector<std::string>> PostgresStore::namesLocked(const char* sql, std::int64_t id) {
  auto rows = db_->run(sql, {pg::integer(id)});
  if (!rows) {
    return makeError(std::move(rows).error());
  }
  return rows->column(0);
}

Result<RoomPolicy> PostgresStore::policyLocked(std::int64_t id) {
  auto room = db_->run("SELECT name, created_ms, owner, locked FROM rooms WHERE id = $1",
                       {pg::integer(id)});
  if (!room) {
    return makeError(std::move(room).error());
  }
  if (room->count() != 1) {
    return makeError(ErrorCode::StoreFailed, "cannot read a room's policy");
  }
  RoomPolicy policy;
  policy.name = room->text(0, 0);
  policy.created_ms = room->integer(0, 1);
  if (!room->isNull(0, 2)) {
    policy.owner = room->text(0, 2);
  }
  policy.locked = room->text(0, 3) == "t";
  auto accounts = namesLocked(
      "SELECT name FROM room_admission WHERE room_id = $1 AND kind = 'account' "
      R"(ORDER BY name COLLATE "C")",
      id);
  auto groups = namesLocked(
      "SELECT name FROM room_admission WHERE room_id = $1 AND kind = 'group' "
      R"(ORDER BY name COLLATE "C")",
      id);
  auto removed = namesLocked(
      R"(SELECT account FROM room_removals WHERE room_id = $1 ORDER BY account COLLATE "C")", id);
  if (!accounts || !groups || !removed) {
    return makeError(ErrorCode::StoreFailed,
                     "cannot read the admission list of room '" + policy.name + "'");
  }
  policy.admitted_accounts = std::move(*accounts);
  policy.admitted_groups = std::move(*groups);
  policy.removed_accounts = std::move(*removed);
  return policy;
}

Result<std::optional<RoomPolicy>> PostgresStore::roomPolicy(const std::string& room) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  auto id = roomIdLocked(room);
  if (!id) {
    if (id.error().code == ErrorCode::NotFound) {
      return std::optional<RoomPolicy>();
    }
    return makeError(std::move(id).error());
  }
  auto policy = policyLocked(*id);
  if (!policy) {
    return makeError(std::move(policy).error());
  }
  return std::optional<RoomPolicy>(std::move(*policy));
}

Result<std::vector<RoomPolicy>> PostgresStore::listRooms() {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  auto ids = db_->run(R"(SELECT id FROM rooms ORDER BY name COLLATE "C")");
  if (!ids) {
    return makeError(std::move(ids).error());
  }
  std::vector<RoomPolicy> rooms;
  rooms.reserve(static_cast<std::size_t>(ids->count()));
  for (int i = 0; i < ids->count(); ++i) {
    auto policy = policyLocked(ids->integer(i, 0));
    if (!policy) {
      return makeError(std::move(policy).error());
    }
    rooms.push_back(std::move(*policy));
  }
  return rooms;
}

Result<void> PostgresStore::createRoom(const std::string& room, const std::string& owner,
                                       std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  auto created =
      db_->run("INSERT INTO rooms(name, created_ms, owner) VALUES($1, $2, $3)",
               {pg::text(room), pg::integer(now_ms), owner.empty() ? pg::null() : pg::text(owner)});
  if (!created) {
    if (created.error().code == ErrorCode::AlreadyExists) {
      return makeError(ErrorCode::AlreadyExists, "room '" + room + "' already exists");
    }
    return makeError(std::move(created).error());
  }
  return {};
}

Result<void> PostgresStore::setRoomOwner(const std::string& room,
                                         const std::optional<std::string>& owner) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  auto changed = db_->run("UPDATE rooms SET owner = $2 WHERE name = $1",
                          {pg::text(room), owner ? pg::text(*owner) : pg::null()});
  if (!changed) {
    return makeError(std::move(changed).error());
  }
  if (changed->affected() == 0) {
    return noRoom(room);
  }
  return {};
}

Result<void> PostgresStore::setRoomLocked(const std::string& room, bool locked) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  auto changed = db_->run("UPDATE rooms SET locked = $2 WHERE name = $1",
                          {pg::text(room), pg::text(locked ? "true" : "false")});
  if (!changed) {
    return makeError(std::move(changed).error());
  }
  if (changed->affected() == 0) {
    return noRoom(room);
  }
  return {};
}

Result<void> PostgresStore::admit(const std::string& room, AdmissionKind kind,
                                  const std::string& name) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  return transaction<void>([&]() -> Result<void> {
    auto id = roomIdLocked(room);
    if (!id) {
      return makeError(std::move(id).error());
    }
    auto added = db_->run(
        "INSERT INTO room_admission(room_id, kind, name) VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
        {pg::integer(*id), pg::text(kindName(kind)), pg::text(name)});
    if (!added) {
      return makeError(std::move(added).error());
    }
    if (kind == AdmissionKind::Account) {
      auto lifted = db_->run("DELETE FROM room_removals WHERE room_id = $1 AND account = $2",
                             {pg::integer(*id), pg::text(name)});
      if (!lifted) {
        return makeError(std::move(lifted).error());
      }
    }
    return {};
  });
}

Result<void> PostgresStore::unadmit(const std::string& room, AdmissionKind kind,
                                    const std::string& name) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  auto removed =
      db_->run("DELETE FROM room_admission WHERE room_id = $1 AND kind = $2 AND name = $3",
               {pg::integer(*id), pg::text(kindName(kind)), pg::text(name)});
  if (!removed) {
    return makeError(std::move(removed).error());
  }
  if (removed->affected() == 0) {
    return makeError(ErrorCode::NotFound, std::string(kindName(kind)) + " '" + name +
                                              "' is not on the admission list of room '" + room +
                                              "'");
  }
  return {};
}

Result<void> PostgresStore::setAdmission(const std::string& room,
                                         const std::vector<std::string>& accounts,
                                         const std::vector<std::string>& groups) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  return transaction<void>([&]() -> Result<void> {
    auto id = roomIdLocked(room);
    if (!id) {
      return makeError(std::move(id).error());
    }
    // The room's row lock: two owners replacing the list at once on two
    // servers apply one after the other, each reading what the last wrote.
    if (auto locked = db_->run("SELECT id FROM rooms WHERE id = $1 FOR UPDATE", {pg::integer(*id)});
        !locked) {
      return makeError(std::move(locked).error());
    }
    auto before =
        namesLocked("SELECT name FROM room_admission WHERE room_id = $1 AND kind = 'account'", *id);
    if (!before) {
      return makeError(std::move(before).error());
    }
    if (auto cleared =
            db_->run("DELETE FROM room_admission WHERE room_id = $1", {pg::integer(*id)});
        !cleared) {
      return makeError(std::move(cleared).error());
    }
    const char* insert =
        "INSERT INTO room_admission(room_id, kind, name) VALUES($1, $2, $3) ON CONFLICT DO NOTHING";
    for (const auto& account : accounts) {
      if (auto ok = db_->run(insert, {pg::integer(*id), pg::text("account"), pg::text(account)});
          !ok) {
        return makeError(std::move(ok).error());
      }
      if (std::find(before->begin(), before->end(), account) == before->end()) {
        auto lifted = db_->run("DELETE FROM room_removals WHERE room_id = $1 AND account = $2",
                               {pg::integer(*id), pg::text(account)});
        if (!lifted) {
          return makeError(std::move(lifted).error());
        }
      }
    }
    for (const auto& group : groups) {
      if (auto ok = db_->run(insert, {pg::integer(*id), pg::text("group"), pg::text(group)}); !ok) {
        return makeError(std::move(ok).error());
      }
    }
    return {};
  });
}

Result<void> PostgresStore::removeFromRoom(const std::string& room, const std::string& account,
                                           std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  // The admission list is left as it is: the removal outranks it, and
  // lifting the removal later restores exactly what the owner had listed.
  auto recorded = db_->run(
      "INSERT INTO room_removals(room_id, account, removed_ms) VALUES($1, $2, $3) "
      "ON CONFLICT (room_id, account) DO UPDATE SET removed_ms = EXCLUDED.removed_ms",
      {pg::integer(*id), pg::text(account), pg::integer(now_ms)});
  if (!recorded) {
    return makeError(std::move(recorded).error());
  }
  return {};
}

Result<void> PostgresStore::readmit(const std::string& room, const std::string& account) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  auto lifted = db_->run("DELETE FROM room_removals WHERE room_id = $1 AND account = $2",
                         {pg::integer(*id), pg::text(account)});
  if (!lifted) {
    return makeError(std::move(lifted).error());
  }
  if (lifted->affected() == 0) {
    return makeError(ErrorCode::NotFound,
                     "'" + account + "' was not removed from room '" + room + "'");
  }
  return {};
}

Result<void> PostgresStore::addToGroup(const std::string& group, const std::string& account) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  auto added = db_->run(
      "INSERT INTO group_members(group_name, account) VALUES($1, $2) ON CONFLICT DO NOTHING",
      {pg::text(group), pg::text(account)});
  if (!added) {
    return makeError(std::move(added).error());
  }
  return {};
}

Result<void> PostgresStore::removeFromGroup(const std::string& group, const std::string& account) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return ok;
  }
  auto removed = db_->run("DELETE FROM group_members WHERE group_name = $1 AND account = $2",
                          {pg::text(group), pg::text(account)});
  if (!removed) {
    return makeError(std::move(removed).error());
  }
  if (removed->affected() == 0) {
    return makeError(ErrorCode::NotFound, "'" + account + "' is not in group '" + group + "'");
  }
  return {};
}

Result<std::vector<std::string>> PostgresStore::groupsOf(const std::string& account) {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  auto rows = db_->run(
      R"(SELECT group_name FROM group_members WHERE account = $1 ORDER BY group_name COLLATE "C")",
      {pg::text(account)});
  if (!rows) {
    return makeError(std::move(rows).error());
  }
  return rows->column(0);
}

Result<std::vector<std::pair<std::string, std::vector<std::string>>>> PostgresStore::listGroups() {
  std::lock_guard lock(mu_);
  if (auto ok = openOrFail(); !ok) {
    return makeError(std::move(ok).error());
  }
  auto rows = db_->run(
      "SELECT group_name, account FROM group_members "
      R"(ORDER BY group_name COLLATE "C", account COLLATE "C")");
  if (!rows) {
    return makeError(std::move(rows).error());
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (int i = 0; i < rows->count(); ++i) {
    auto group = rows->text(i, 0);
    if (groups.empty() || groups.back().first != group) {
      groups.emplace_back(std::move(group), std::vector<std::string>());
    }
    groups.back().second.push_back(rows->text(i, 1));
  }
  return groups;
}

}  // namespace parley::server
