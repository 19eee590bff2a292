#include "core/server/interconnect/remote_rooms.h"

#include <catch2/catch.hpp>

using parley::server::RemoteRooms;

namespace {
parley::proto::RoomPresence presence(const std::string& room, std::vector<std::string> users,
                                     std::uint64_t last_seq = 0) {
  parley::proto::RoomPresence p;
  p.set_room(room);
  p.set_last_seq(last_seq);
  std::uint64_t id = 1;
  for (auto& user : users) {
    auto* participant = p.add_participants();
    participant->set_id(id++);
    participant->set_user(user);
  }
  return p;
}
}  // namespace

TEST_CASE("remote rooms follow each server's presence", "[server][interconnect]") {
  RemoteRooms rooms;
  CHECK(rooms.set("outer", presence("bridge", {"alice", "bob"}, 7)));
  CHECK_FALSE(rooms.set("outer", presence("bridge", {"alice", "bob"}, 7)));  // nothing new
  CHECK(rooms.set("hq", presence("bridge", {"erin"})));
  auto seen = rooms.of("bridge");
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].server == "outer");
  CHECK(seen[1].participants.size() == 2);
  CHECK(seen[1].last_seq == 7);
  CHECK(rooms.present("outer", "bridge"));
  CHECK_FALSE(rooms.present("outer", "other"));

  SECTION("an empty presence removes the room there") {
    CHECK(rooms.set("outer", presence("bridge", {})));
    CHECK_FALSE(rooms.present("outer", "bridge"));
    CHECK(rooms.of("bridge").size() == 1);
  }
  SECTION("a lost link keeps the participants, unreachable") {
    rooms.setReachable("outer", false);
    seen = rooms.of("bridge");
    CHECK_FALSE(seen[1].reachable);
    CHECK(seen[1].participants.size() == 2);
    CHECK(rooms.roomsOf("outer") == std::vector<std::string>{"bridge"});
  }
  SECTION("after a new link, rooms not repeated are dropped") {
    rooms.set("outer", presence("lobby", {"carl"}));
    rooms.markStale("outer");
    rooms.set("outer", presence("bridge", {"alice"}));
    CHECK(rooms.dropStale("outer") == std::vector<std::string>{"lobby"});
    CHECK(rooms.present("outer", "bridge"));
    CHECK(rooms.of("lobby").empty());
  }
  SECTION("a server gone too long is forgotten") {
    CHECK(rooms.drop("outer") == std::vector<std::string>{"bridge"});
    CHECK(rooms.of("bridge").size() == 1);
  }
}
