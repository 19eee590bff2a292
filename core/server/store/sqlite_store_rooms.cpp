// Store: room policy (owner, lock, admission list, removals) and groups.
// These run at each join and on owner or admin actions, far less often than
// chat: their statements are prepared per call instead of cached.

#include <sqlite3.h>

#include <algorithm>

#include "core/server/store/sqlite_statement.h"
#include "core/server/store/sqlite_store.h"

namespace parley::server {
namespace {

using sqlite::bindText;
using sqlite::columnText;

// A statement prepared for one call, finalized when it goes out of scope.
class OneShot {
 public:
  OneShot(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~OneShot() { sqlite3_finalize(stmt_); }
  OneShot(const OneShot&) = delete;
  OneShot& operator=(const OneShot&) = delete;
  [[nodiscard]] bool prepared() const { return ok_ == SQLITE_OK; }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int ok_ = SQLITE_ERROR;
};

const char* kindName(AdmissionKind kind) {
  return kind == AdmissionKind::Account ? "account" : "group";
}

Unexpected noRoom(const std::string& room) {
  return makeError(ErrorCode::NotFound, "no room named '" + room + "'");
}

}  // namespace

#define PARLEY_STORE_OPEN_OR_FAIL()                                                \
  if (db_ == nullptr) {                                                            \
    return makeError(ErrorCode::StoreFailed, "the store " + path_ + " is closed"); \
  }

Result<std::int64_t> SqliteStore::roomIdLocked(const std::string& room) {
  OneShot q(db_, "SELECT id FROM rooms WHERE name = ?1");
  if (!q.prepared()) {
    return storeError("cannot look up room '" + room + "'");
  }
  bindText(q.get(), 1, room);
  const int rc = sqlite3_step(q.get());
  if (rc == SQLITE_ROW) {
    return sqlite3_column_int64(q.get(), 0);
  }
  if (rc != SQLITE_DONE) {
    return storeError("cannot look up room '" + room + "'");
  }
  return noRoom(room);
}

// ?1 is the room id, ?2 the text (unused parameters stay NULL).
Result<std::vector<std::string>> SqliteStore::namesLocked(const char* sql, std::int64_t id,
                                                          const std::string& text) {
  OneShot q(db_, sql);
  if (!q.prepared()) {
    return storeError(std::string("cannot prepare ") + sql);
  }
  sqlite3_bind_int64(q.get(), 1, id);
  bindText(q.get(), 2, text);
  std::vector<std::string> names;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    names.push_back(columnText(q.get(), 0));
  }
  if (rc != SQLITE_DONE) {
    return storeError(std::string("cannot run ") + sql);
  }
  return names;
}

// ?1 room id, ?2 and ?3 texts, ?4 a number; returns the rows changed.
Result<int> SqliteStore::changeLocked(const char* sql, std::int64_t id, const std::string& a,
                                      const std::string& b, std::optional<std::int64_t> n) {
  OneShot q(db_, sql);
  if (!q.prepared()) {
    return storeError(std::string("cannot prepare ") + sql);
  }
  sqlite3_bind_int64(q.get(), 1, id);
  bindText(q.get(), 2, a);
  bindText(q.get(), 3, b);
  if (n) {
    sqlite3_bind_int64(q.get(), 4, *n);
  }
  if (sqlite3_step(q.get()) != SQLITE_DONE) {
    return storeError(std::string("cannot run ") + sql);
  }
  return sqlite3_changes(db_);
}

Result<RoomPolicy> SqliteStore::policyLocked(std::int64_t id) {
  RoomPolicy policy;
  {
    OneShot q(db_, "SELECT name, created_ms, owner, locked FROM rooms WHERE id = ?1");
    if (!q.prepared()) {
      return storeError("cannot read a room's policy");
    }
    sqlite3_bind_int64(q.get(), 1, id);
    if (sqlite3_step(q.get()) != SQLITE_ROW) {
      return storeError("cannot read a room's policy");
    }
    policy.name = columnText(q.get(), 0);
    policy.created_ms = sqlite3_column_int64(q.get(), 1);
    if (sqlite3_column_type(q.get(), 2) != SQLITE_NULL) {
      policy.owner = columnText(q.get(), 2);
    }
    policy.locked = sqlite3_column_int64(q.get(), 3) != 0;
  }
  auto accounts = namesLocked(
      "SELECT name FROM room_admission WHERE room_id = ?1 AND kind = 'account' ORDER BY name", id,
      "");
  auto groups = namesLocked(
      "SELECT name FROM room_admission WHERE room_id = ?1 AND kind = 'group' ORDER BY name", id,
      "");
  auto removed =
      namesLocked("SELECT account FROM room_removals WHERE room_id = ?1 ORDER BY account", id, "");
  if (!accounts || !groups || !removed) {
    return storeError("cannot read the admission list of room '" + policy.name + "'");
  }
  policy.admitted_accounts = std::move(*accounts);
  policy.admitted_groups = std::move(*groups);
  policy.removed_accounts = std::move(*removed);
  return policy;
}

Result<std::optional<RoomPolicy>> SqliteStore::roomPolicy(const std::string& room) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
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

Result<std::vector<RoomPolicy>> SqliteStore::listRooms() {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  std::vector<std::int64_t> ids;
  {
    OneShot q(db_, "SELECT id FROM rooms ORDER BY name");
    if (!q.prepared()) {
      return storeError("cannot list rooms");
    }
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
      ids.push_back(sqlite3_column_int64(q.get(), 0));
    }
    if (rc != SQLITE_DONE) {
      return storeError("cannot list rooms");
    }
  }
  std::vector<RoomPolicy> rooms;
  for (auto id : ids) {
    auto policy = policyLocked(id);
    if (!policy) {
      return makeError(std::move(policy).error());
    }
    rooms.push_back(std::move(*policy));
  }
  return rooms;
}

Result<void> SqliteStore::createRoom(const std::string& room, const std::string& owner,
                                     std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  if (auto id = roomIdLocked(room); id) {
    return makeError(ErrorCode::AlreadyExists, "room '" + room + "' already exists");
  }
  OneShot q(db_, "INSERT INTO rooms(name, created_ms, owner) VALUES(?1, ?2, ?3)");
  if (!q.prepared()) {
    return storeError("cannot create room '" + room + "'");
  }
  bindText(q.get(), 1, room);
  sqlite3_bind_int64(q.get(), 2, now_ms);
  if (!owner.empty()) {
    bindText(q.get(), 3, owner);
  }
  if (sqlite3_step(q.get()) != SQLITE_DONE) {
    return storeError("cannot create room '" + room + "'");
  }
  return {};
}

Result<void> SqliteStore::setRoomOwner(const std::string& room,
                                       const std::optional<std::string>& owner) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  OneShot q(db_, "UPDATE rooms SET owner = ?2 WHERE id = ?1");
  if (!q.prepared()) {
    return storeError("cannot set the owner of room '" + room + "'");
  }
  sqlite3_bind_int64(q.get(), 1, *id);
  if (owner) {
    bindText(q.get(), 2, *owner);
  }
  if (sqlite3_step(q.get()) != SQLITE_DONE) {
    return storeError("cannot set the owner of room '" + room + "'");
  }
  return {};
}

Result<void> SqliteStore::setRoomLocked(const std::string& room, bool locked) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  auto changed =
      changeLocked("UPDATE rooms SET locked = ?4 WHERE id = ?1", *id, "", "", locked ? 1 : 0);
  if (!changed) {
    return makeError(std::move(changed).error());
  }
  return {};
}

Result<void> SqliteStore::admit(const std::string& room, AdmissionKind kind,
                                const std::string& name) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  if (auto ok = exec("BEGIN IMMEDIATE;"); !ok) {
    return ok;
  }
  auto added =
      changeLocked("INSERT OR IGNORE INTO room_admission(room_id, kind, name) VALUES(?1, ?2, ?3)",
                   *id, kindName(kind), name, std::nullopt);
  Result<int> lifted = 0;
  if (added && kind == AdmissionKind::Account) {
    lifted = changeLocked("DELETE FROM room_removals WHERE room_id = ?1 AND account = ?2", *id,
                          name, "", std::nullopt);
  }
  if (!added || !lifted) {
    (void)exec("ROLLBACK;");
    return makeError(!added ? std::move(added).error() : std::move(lifted).error());
  }
  return exec("COMMIT;");
}

Result<void> SqliteStore::unadmit(const std::string& room, AdmissionKind kind,
                                  const std::string& name) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  auto removed =
      changeLocked("DELETE FROM room_admission WHERE room_id = ?1 AND kind = ?2 AND name = ?3", *id,
                   kindName(kind), name, std::nullopt);
  if (!removed) {
    return makeError(std::move(removed).error());
  }
  if (*removed == 0) {
    return makeError(ErrorCode::NotFound, std::string(kindName(kind)) + " '" + name +
                                              "' is not on the admission list of room '" + room +
                                              "'");
  }
  return {};
}

Result<void> SqliteStore::setAdmission(const std::string& room,
                                       const std::vector<std::string>& accounts,
                                       const std::vector<std::string>& groups) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  if (auto ok = exec("BEGIN IMMEDIATE;"); !ok) {
    return ok;
  }
  auto steps = [&]() -> Result<void> {
    auto before =
        namesLocked("SELECT name FROM room_admission WHERE room_id = ?1 AND kind = 'account'", *id,
                    "");
    if (!before) {
      return makeError(std::move(before).error());
    }
    auto cleared =
        changeLocked("DELETE FROM room_admission WHERE room_id = ?1", *id, "", "", std::nullopt);
    if (!cleared) {
      return makeError(std::move(cleared).error());
    }
    const char* insert =
        "INSERT OR IGNORE INTO room_admission(room_id, kind, name) VALUES(?1, ?2, ?3)";
    for (const auto& account : accounts) {
      if (auto ok = changeLocked(insert, *id, "account", account, std::nullopt); !ok) {
        return makeError(std::move(ok).error());
      }
      const bool newly_listed = std::find(before->begin(), before->end(), account) == before->end();
      if (newly_listed) {
        auto lifted = changeLocked("DELETE FROM room_removals WHERE room_id = ?1 AND account = ?2",
                                   *id, account, "", std::nullopt);
        if (!lifted) {
          return makeError(std::move(lifted).error());
        }
      }
    }
    for (const auto& group : groups) {
      if (auto ok = changeLocked(insert, *id, "group", group, std::nullopt); !ok) {
        return makeError(std::move(ok).error());
      }
    }
    return {};
  };
  if (auto ok = steps(); !ok) {
    (void)exec("ROLLBACK;");
    return ok;
  }
  return exec("COMMIT;");
}

Result<void> SqliteStore::removeFromRoom(const std::string& room, const std::string& account,
                                         std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  // The admission list is left as it is: the removal outranks it, and
  // lifting the removal later restores exactly what the owner had listed.
  auto recorded = changeLocked(
      "INSERT OR REPLACE INTO room_removals(room_id, account, removed_ms) VALUES(?1, ?2, ?4)", *id,
      account, "", now_ms);
  if (!recorded) {
    return makeError(std::move(recorded).error());
  }
  return {};
}

Result<void> SqliteStore::readmit(const std::string& room, const std::string& account) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  auto id = roomIdLocked(room);
  if (!id) {
    return makeError(std::move(id).error());
  }
  auto lifted = changeLocked("DELETE FROM room_removals WHERE room_id = ?1 AND account = ?2", *id,
                             account, "", std::nullopt);
  if (!lifted) {
    return makeError(std::move(lifted).error());
  }
  if (*lifted == 0) {
    return makeError(ErrorCode::NotFound,
                     "'" + account + "' was not removed from room '" + room + "'");
  }
  return {};
}

Result<void> SqliteStore::addToGroup(const std::string& group, const std::string& account) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  auto added =
      changeLocked("INSERT OR IGNORE INTO group_members(group_name, account) VALUES(?2, ?3)", 0,
                   group, account, std::nullopt);
  if (!added) {
    return makeError(std::move(added).error());
  }
  return {};
}

Result<void> SqliteStore::removeFromGroup(const std::string& group, const std::string& account) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  auto removed = changeLocked("DELETE FROM group_members WHERE group_name = ?2 AND account = ?3", 0,
                              group, account, std::nullopt);
  if (!removed) {
    return makeError(std::move(removed).error());
  }
  if (*removed == 0) {
    return makeError(ErrorCode::NotFound, "'" + account + "' is not in group '" + group + "'");
  }
  return {};
}

Result<std::vector<std::string>> SqliteStore::groupsOf(const std::string& account) {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  return namesLocked("SELECT group_name FROM group_members WHERE account = ?2 ORDER BY group_name",
                     0, account);
}

Result<std::vector<std::pair<std::string, std::vector<std::string>>>> SqliteStore::listGroups() {
  std::lock_guard lock(mu_);
  PARLEY_STORE_OPEN_OR_FAIL();
  OneShot q(db_, "SELECT group_name, account FROM group_members ORDER BY group_name, account");
  if (!q.prepared()) {
    return storeError("cannot list groups");
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
    auto group = columnText(q.get(), 0);
    if (groups.empty() || groups.back().first != group) {
      groups.emplace_back(std::move(group), std::vector<std::string>());
    }
    groups.back().second.push_back(columnText(q.get(), 1));
  }
  if (rc != SQLITE_DONE) {
    return storeError("cannot list groups");
  }
  return groups;
}

#undef PARLEY_STORE_OPEN_OR_FAIL

}  // namespace parley::server
