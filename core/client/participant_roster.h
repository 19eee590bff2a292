#pragma once
// ParticipantRoster: who is in the room as the session last heard it, so that
// a participant who leaves is reported with what we knew of them and the
// call always gets the whole list. Rebuilt on every (re)join.
//
// Threads: not thread-safe; the session's strand owns it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/client/session_observer.h"

namespace parley::client {

class ParticipantRoster {
 public:
  void reset(const std::vector<ParticipantInfo>& present) {
    by_id_.clear();
    for (const auto& p : present) {
      by_id_[p.id] = p;
    }
  }

  void add(const ParticipantInfo& p) { by_id_[p.id] = p; }

  // What we knew of `p` (the server's leave notice may carry less), now gone.
  ParticipantInfo remove(ParticipantInfo p) {
    if (auto it = by_id_.find(p.id); it != by_id_.end()) {
      p = std::move(it->second);
      by_id_.erase(it);
    }
    return p;
  }

  void setMedia(std::uint64_t id, const MediaStateInfo& media) {
    if (auto it = by_id_.find(id); it != by_id_.end()) {
      it->second.media = media;
    }
  }

  void setPath(std::uint64_t id, const std::string& path) {
    if (auto it = by_id_.find(id); it != by_id_.end()) {
      it->second.media_path = path;
    }
  }

  // By participant id.
  [[nodiscard]] std::vector<ParticipantInfo> list() const {
    std::vector<ParticipantInfo> out;
    out.reserve(by_id_.size());
    for (const auto& [id, p] : by_id_) {
      out.push_back(p);
    }
    return out;
  }

 private:
  std::map<std::uint64_t, ParticipantInfo> by_id_;
};

}  // namespace parley::client
