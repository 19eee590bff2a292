#include "core/client/chat_resume_tracker.h"

#include <catch2/catch.hpp>
#include <vector>

using parley::client::ChatResumeTracker;

namespace {
// One connection: the Joined last_seq, then the seqs the server sends.
struct Connection {
  std::uint64_t joined_last_seq;
  std::vector<std::uint64_t> received;
};

struct Case {
  const char* name;
  std::vector<Connection> connections;
  // What each JoinRoom asked for: has_resume, resume_after_seq.
  std::vector<std::pair<bool, std::uint64_t>> requests;
  std::vector<std::uint64_t> delivered;
};
}  // namespace

TEST_CASE("resume tracker delivers each seq once across reconnects", "[client][resume]") {
  const std::vector<Case> cases{
      {"first join gets history", {{3, {1, 2, 3, 4}}}, {{false, 0}}, {1, 2, 3, 4}},
      {"resume after a cut asks for what was missed",
       {{3, {1, 2, 3, 4, 5}}, {8, {6, 7, 8, 9}}},
       {{false, 0}, {true, 5}},
       {1, 2, 3, 4, 5, 6, 7, 8, 9}},
      {"server replays overlap: duplicates dropped",
       {{2, {1, 2}}, {4, {1, 2, 2, 3, 4}}, {4, {4, 5}}},
       {{false, 0}, {true, 2}, {true, 4}},
       {1, 2, 3, 4, 5}},
      {"cut during history resumes after the room's last seq at first join",
       {{50, {41, 42}}, {50, {51}}},
       {{false, 0}, {true, 50}},
       {41, 42, 51}},
      {"empty room then chat after rejoin",
       {{0, {}}, {0, {1}}, {1, {}}},
       {{false, 0}, {true, 0}, {true, 1}},
       {1}},
      {"out-of-order older seq never delivered", {{0, {5, 3, 6}}}, {{false, 0}}, {5, 6}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    ChatResumeTracker tracker;
    std::vector<std::pair<bool, std::uint64_t>> requests;
    std::vector<std::uint64_t> delivered;
    for (const auto& conn : c.connections) {
      const auto request = tracker.joinRequest();
      requests.emplace_back(request.has_resume, request.resume_after_seq);
      tracker.onJoined(conn.joined_last_seq);
      for (auto seq : conn.received) {
        if (tracker.accept(seq)) {
          delivered.push_back(seq);
        }
      }
    }
    CHECK(requests == c.requests);
    CHECK(delivered == c.delivered);
  }
}

TEST_CASE("resume tracker marks backlog versus live chat", "[client][resume]") {
  ChatResumeTracker tracker;
  tracker.onJoined(10);
  CHECK(tracker.isBacklog(10));
  CHECK_FALSE(tracker.isBacklog(11));
  tracker.onJoined(20);
  CHECK(tracker.isBacklog(15));
  CHECK_FALSE(tracker.isBacklog(21));
}
