#pragma once
// ChatResumeTracker: the exactly-once side of chat delivery for one room.
// Remembers the highest chat seq handed to the observer; builds the JoinRoom
// resume fields for each (re)join; drops anything at or below that seq, so a
// message is never delivered twice, whatever the server replays.
//
//   first join:     has_resume = false (the server sends recent history)
//   every rejoin:   has_resume = true, resume_after_seq = resumePoint()
//
// resumePoint() is max(last delivered, the room's last_seq at the first join):
// if the connection drops while old history is still arriving, the rejoin
// does not ask for the whole archive, and no live message (seq > that) is lost.
// Pure value type. Not thread-safe: owned by one ClientSession, on its strand.

#include <algorithm>
#include <cstdint>

namespace parley::client {

class ChatResumeTracker {
 public:
  struct JoinRequest {
    bool has_resume = false;
    std::uint64_t resume_after_seq = 0;
  };

  [[nodiscard]] JoinRequest joinRequest() const {
    if (!joined_once_) {
      return {};
    }
    return {true, resumePoint()};
  }

  // The server answered Joined with the room's highest stored seq.
  void onJoined(std::uint64_t room_last_seq) {
    if (!joined_once_) {
      floor_ = room_last_seq;
      joined_once_ = true;
    }
    join_last_seq_ = room_last_seq;
  }

  // A ChatMessage arrived: true when it is new and must be delivered.
  bool accept(std::uint64_t seq) {
    if (seq <= last_delivered_) {
      return false;
    }
    last_delivered_ = seq;
    return true;
  }

  // Whether an accepted seq was already stored when this join happened
  // (history or resume backlog) rather than sent live.
  [[nodiscard]] bool isBacklog(std::uint64_t seq) const { return seq <= join_last_seq_; }

  [[nodiscard]] std::uint64_t lastDelivered() const { return last_delivered_; }
  [[nodiscard]] std::uint64_t resumePoint() const { return std::max(last_delivered_, floor_); }
  [[nodiscard]] bool joinedOnce() const { return joined_once_; }

 private:
  bool joined_once_ = false;
  std::uint64_t last_delivered_ = 0;
  std::uint64_t floor_ = 0;
  std::uint64_t join_last_seq_ = 0;
};

}  // namespace parley::client
