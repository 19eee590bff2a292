#pragma once
// RemoteRooms: who is in which room on the other servers, as each said in
// its last RoomPresence. The interconnect writes it; a room reads it when it
// changes and when its first local participant joins (a room does not exist
// on this server while none of ours is in it).
//
// Threads: any; one mutex, held only for map operations.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/base/thread_check.h"
#include "core/protocol/message_codec.h"

namespace parley::server {

struct RemotePresence {
  std::string server;
  bool reachable = true;  // false while the link to `server` is down
  std::vector<proto::Participant> participants;
  std::uint64_t last_seq = 0;
};

class RemoteRooms {
 public:
  // What `server` said of `presence.room()`; no participants: the room is
  // gone there. Returns whether anything changed.
  bool set(const std::string& server, const proto::RoomPresence& presence);
  // The link to `server` went down (false) or came up again (true). Rooms of
  // that server keep their participants meanwhile.
  void setReachable(const std::string& server, bool reachable);
  // Marks every room of `server` stale; `dropStale` then removes those it did
  // not speak of again since. Returns the rooms dropped.
  void markStale(const std::string& server);
  std::vector<std::string> dropStale(const std::string& server);
  // Forgets `server` entirely (unreachable too long). Returns its rooms.
  std::vector<std::string> drop(const std::string& server);

  [[nodiscard]] std::vector<RemotePresence> of(const std::string& room) const;
  [[nodiscard]] std::vector<std::string> roomsOf(const std::string& server) const;
  [[nodiscard]] bool present(const std::string& server, const std::string& room) const;

 private:
  struct Entry {
    RemotePresence presence;
    bool stale = false;
  };
  mutable std::mutex mu_;
  // room -> server -> entry
  std::map<std::string, std::map<std::string, Entry>> rooms_ PARLEY_GUARDED_BY(mu_);
};

}  // namespace parley::server
