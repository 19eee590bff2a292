#include "core/server/interconnect/remote_rooms.h"

#include <google/protobuf/util/message_differencer.h>

namespace parley::server {

bool RemoteRooms::set(const std::string& server, const proto::RoomPresence& presence) {
  std::lock_guard lock(mu_);
  auto& servers = rooms_[presence.room()];
  if (presence.participants().empty()) {
    const bool had = servers.erase(server) != 0;
    if (servers.empty()) {
      rooms_.erase(presence.room());
    }
    return had;
  }
  auto& entry = servers[server];
  std::vector<proto::Participant> participants(presence.participants().begin(),
                                               presence.participants().end());
  bool same = entry.presence.server == server && entry.presence.reachable &&
              entry.presence.participants.size() == participants.size();
  for (std::size_t i = 0; same && i < participants.size(); ++i) {
    same = google::protobuf::util::MessageDifferencer::Equals(entry.presence.participants[i],
                                                              participants[i]);
  }
  entry.presence.server = server;
  entry.presence.reachable = true;
  entry.presence.participants = std::move(participants);
  entry.presence.last_seq = presence.last_seq();
  entry.stale = false;
  return !same;
}

void RemoteRooms::setReachable(const std::string& server, bool reachable) {
  std::lock_guard lock(mu_);
  for (auto& [room, servers] : rooms_) {
    if (auto it = servers.find(server); it != servers.end()) {
      it->second.presence.reachable = reachable;
    }
  }
}

void RemoteRooms::markStale(const std::string& server) {
  std::lock_guard lock(mu_);
  for (auto& [room, servers] : rooms_) {
    if (auto it = servers.find(server); it != servers.end()) {
      it->second.stale = true;
    }
  }
}

std::vector<std::string> RemoteRooms::dropStale(const std::string& server) {
  std::lock_guard lock(mu_);
  std::vector<std::string> dropped;
  for (auto it = rooms_.begin(); it != rooms_.end();) {
    auto& servers = it->second;
    if (auto s = servers.find(server); s != servers.end() && s->second.stale) {
      servers.erase(s);
      dropped.push_back(it->first);
    }
    it = servers.empty() ? rooms_.erase(it) : std::next(it);
  }
  return dropped;
}

std::vector<std::string> RemoteRooms::drop(const std::string& server) {
  markStale(server);
  return dropStale(server);
}

std::vector<RemotePresence> RemoteRooms::of(const std::string& room) const {
  std::lock_guard lock(mu_);
  std::vector<RemotePresence> out;
  if (auto it = rooms_.find(room); it != rooms_.end()) {
    for (const auto& [server, entry] : it->second) {
      out.push_back(entry.presence);
    }
  }
  return out;
}

std::vector<std::string> RemoteRooms::roomsOf(const std::string& server) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [room, servers] : rooms_) {
    if (servers.count(server) != 0) {
      out.push_back(room);
    }
  }
  return out;
}

bool RemoteRooms::present(const std::string& server, const std::string& room) const {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(room);
  return it != rooms_.end() && it->second.count(server) != 0;
}

}  // namespace parley::server
