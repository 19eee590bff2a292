// Rooms and who is in them, through a real parleyd: the owner locks the
// room and lists who may join; refused joins read room_locked / not_invited
// (parley-cli, as a person would see them); the owner removes a participant,
// which from then on receives neither chat nor media and may not rejoin
// until admitted again.
//
// The removed participant is a raw TLS client that ignores the removal and
// keeps reading everything the server sends it, so the recording shows what
// the server does, not what a well-behaved client chooses to show. Its media
// arrives inside the TLS channel (it never offers UDP), so every media
// packet for it is in that recording.

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/protocol/message_codec.h"
#include "tests/support/process.h"
#include "tests/support/raw_tls_client.h"
#include "tests/support/server_fixture.h"
#include "tests/support/tone.h"

using namespace parley::test;
using nlohmann::json;
using parley::ErrorCode;
using parley::proto::Envelope;
using namespace std::chrono_literals;

namespace {

constexpr std::chrono::seconds kMustArrive{30};
constexpr int kExitSignInRefused = 3;  // app/parley-cli/exit_codes.h

ServerFixture::Options fourUsers() {
  ServerFixture::Options options;
  options.users["dave"] = "dave-pw";
  return options;
}

// Reads (bounded) until `match` holds for a message; false at the bound.
template <typename Match>
bool readUntil(RawTlsClient& client, Match match, std::vector<Envelope>* seen = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + kMustArrive;
  while (std::chrono::steady_clock::now() < deadline) {
    auto e = client.read(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!e) {
      continue;
    }
    if (seen != nullptr) {
      seen->push_back(*e);
    }
    if (match(*e)) {
      return true;
    }
  }
  return false;
}

void control(RawTlsClient& owner, const std::function<void(parley::proto::RoomControl&)>& set) {
  Envelope e;
  set(*e.mutable_room_control());
  owner.send(e);
}

bool isRoomState(const Envelope& e, const std::function<bool(const parley::proto::RoomState&)>& f) {
  return e.has_room_state() && f(e.room_state());
}

void say(RawTlsClient& client, std::uint64_t id, const std::string& text) {
  Envelope e;
  e.mutable_chat_send()->set_client_msg_id(id);
  e.mutable_chat_send()->set_text(text);
  client.send(e);
}

bool isError(const Envelope& e, ErrorCode code) {
  return e.has_error() && e.error().code() == static_cast<std::uint32_t>(code);
}

// A parley-cli join that the room refuses: it must end at once, with the
// reason as its error event and the "refused" exit code.
void expectCliRefused(const ServerFixture& server, const std::string& code) {
  CliOptions dave;
  dave.user = "dave";
  dave.password = "dave-pw";
  dave.room = "guarded";
  const CliRun run = runCli(server, dave);
  INFO(run.transcript());
  CHECK(run.exit_code == kExitSignInRefused);
  REQUIRE_FALSE(run.eventsOf("error").empty());
  CHECK(json::parse(run.eventsOf("error")[0]).at("code") == code);
  CHECK(run.eventsOf("joined").empty());
  CHECK(run.eventsOf("chat").empty());  // no history for the refused
}

}  // namespace

TEST_CASE("locked room, invite list, removal: the removed get no further media or chat",
          "[integration][rooms]") {
  ServerFixture server(fourUsers());
  server.start();

  // Alice creates the room by joining it first: she owns it.
  RawTlsClient alice(server.port(), server.caFile());
  REQUIRE(alice.signIn("alice", "alice-pw", "guarded"));
  say(alice, 1, "said before anyone was let in");

  control(alice, [](auto& c) { c.set_set_locked(true); });
  REQUIRE(readUntil(alice, [](const Envelope& e) {
    return isRoomState(e, [](const auto& s) {
      return s.locked() && s.owner() == "alice" && s.you_are_owner();
    });
  }));
  expectCliRefused(server, "room_locked");

  control(alice, [](auto& c) { c.set_set_locked(false); });
  control(alice, [](auto& c) {
    c.mutable_set_admission()->add_accounts("bob");
    c.mutable_set_admission()->add_accounts("carol");
  });
  REQUIRE(readUntil(alice, [](const Envelope& e) {
    return isRoomState(e, [](const auto& s) {
      return !s.locked() && s.admission().accounts_size() == 2;
    });
  }));
  expectCliRefused(server, "not_invited");

  // Bob (listed) joins and stays a raw recorder; carol (listed) speaks.
  RawTlsClient bob(server.port(), server.caFile());
  REQUIRE(bob.signIn("bob", "bob-pw", "guarded"));
  std::uint64_t bob_id = 0;
  REQUIRE(readUntil(alice, [&](const Envelope& e) {
    if (e.has_participant_joined() && e.participant_joined().participant().user() == "bob") {
      bob_id = e.participant_joined().participant().id();
      return true;
    }
    return false;
  }));

  const std::string dir = makeTempDir("room-access");
  CliOptions carol_options;
  carol_options.user = "carol";
  carol_options.password = "carol-pw";
  carol_options.room = "guarded";
  carol_options.for_seconds = CliOptions::kUntilStopped;
  carol_options.extra = {"--send-audio", makeTone(dir, 60)};
  CliProcess carol(server, carol_options);
  REQUIRE(carol.waitForEvent("joined"));

  // Before the removal bob receives both: the recording proves the path.
  say(alice, 2, "before the removal");
  bool bob_heard_chat = false;
  bool bob_got_media = false;
  REQUIRE(readUntil(bob, [&](const Envelope& e) {
    bob_heard_chat =
        bob_heard_chat || (e.has_chat_message() && e.chat_message().text() == "before the removal");
    bob_got_media = bob_got_media || e.has_media_packet();
    return bob_heard_chat && bob_got_media;
  }));

  // The owner removes bob, then says something and carol keeps speaking.
  control(alice, [&](auto& c) { c.set_remove_participant(bob_id); });
  say(alice, 3, "after the removal");
  REQUIRE(readUntil(alice, [](const Envelope& e) {
    return e.has_chat_message() && e.chat_message().text() == "after the removal";
  }));
  REQUIRE(carol.waitForEvent("participant_left", [](const json& e) {
    return e.at("user") == "bob" && e.at("reason") == "removed by the room's owner";
  }));

  // Bob's recording: the removal notice, and nothing of the room after it.
  std::vector<Envelope> seen;
  CHECK(bob.readUntilClosed(kMustArrive, &seen));
  const auto notice = std::find_if(seen.begin(), seen.end(), [](const Envelope& e) {
    return isError(e, ErrorCode::RemovedFromRoom);
  });
  REQUIRE(notice != seen.end());
  CHECK(notice->error().fatal());
  for (auto it = notice + 1; it != seen.end(); ++it) {
    INFO("after the removal bob got " << parley::protocol::bodyName(*it));
    CHECK_FALSE(it->has_chat_message());
    CHECK_FALSE(it->has_media_packet());
  }
  for (const auto& e : seen) {
    CHECK_FALSE((e.has_chat_message() && e.chat_message().text() == "after the removal"));
  }

  // Rejoining is refused, before any of the room (no roster, no history).
  {
    RawTlsClient again(server.port(), server.caFile());
    REQUIRE(again.signIn("bob", "bob-pw"));
    Envelope join;
    join.mutable_join_room()->set_room("guarded");
    again.send(join);
    std::vector<Envelope> answer;
    REQUIRE(readUntil(
        again, [](const Envelope& e) { return e.has_error() || e.has_joined(); }, &answer));
    CHECK(isError(answer.back(), ErrorCode::RemovedFromRoom));
    CHECK_FALSE(answer.back().error().fatal());
    for (const auto& e : answer) {
      CHECK_FALSE(e.has_chat_message());
    }
  }

  // Admitted again by the owner, bob is back in.
  control(alice, [](auto& c) { c.set_readmit_account("bob"); });
  REQUIRE(readUntil(alice, [](const Envelope& e) {
    return isRoomState(e, [](const auto& s) { return s.removed_size() == 0; });
  }));
  RawTlsClient back(server.port(), server.caFile());
  CHECK(back.signIn("bob", "bob-pw", "guarded"));

  CHECK(carol.stop().exit_code == 0);
}

TEST_CASE("a removed parley-cli ends with removed_from_room, not a reconnect loop",
          "[integration][rooms]") {
  ServerFixture server;
  server.start();
  RawTlsClient alice(server.port(), server.caFile());
  REQUIRE(alice.signIn("alice", "alice-pw", "den"));

  CliOptions bob_options;
  bob_options.user = "bob";
  bob_options.password = "bob-pw";
  bob_options.room = "den";
  bob_options.for_seconds = CliOptions::kUntilStopped;
  CliProcess bob(server, bob_options);
  REQUIRE(bob.waitForEvent("joined"));
  std::uint64_t bob_id = 0;
  REQUIRE(readUntil(alice, [&](const Envelope& e) {
    if (e.has_participant_joined() && e.participant_joined().participant().user() == "bob") {
      bob_id = e.participant_joined().participant().id();
      return true;
    }
    return false;
  }));
  control(alice, [&](auto& c) { c.set_remove_participant(bob_id); });
  const CliRun run = bob.wait(kMustArrive);
  INFO(run.transcript());
  CHECK(run.exit_code == kExitSignInRefused);
  REQUIRE_FALSE(run.eventsOf("error").empty());
  CHECK(json::parse(run.eventsOf("error")[0]).at("code") == "removed_from_room");
  CHECK(run.eventsOf("disconnected").empty());  // no will_retry: it does not come back
}

TEST_CASE("parleyd room and group change who may join a running server's rooms",
          "[integration][rooms]") {
  ServerFixture server(fourUsers());
  server.start();
  const auto admin = [&](std::vector<std::string> args) {
    args.insert(args.begin(), parleydPath());
    args.push_back("--config=" + server.configFile());
    return runProgram(args);
  };
  // Created by an admin with an owner who is not there; locked.
  REQUIRE(admin({"room", "create", "guarded", "--owner", "alice"}).exit_code == 0);
  REQUIRE(admin({"room", "lock", "guarded"}).exit_code == 0);
  expectCliRefused(server, "room_locked");
  // Unlocked, open only to the group staff; dave is not in it yet.
  REQUIRE(admin({"room", "unlock", "guarded"}).exit_code == 0);
  REQUIRE(admin({"room", "admit", "guarded", "--group", "staff"}).exit_code == 0);
  expectCliRefused(server, "not_invited");
  REQUIRE(admin({"group", "add", "staff", "dave"}).exit_code == 0);
  CliOptions dave;
  dave.user = "dave";
  dave.password = "dave-pw";
  dave.room = "guarded";
  const CliRun admitted = runCli(server, dave);
  INFO(admitted.transcript());
  CHECK(admitted.exit_code == 0);
  REQUIRE_FALSE(admitted.eventsOf("room_state").empty());
  CHECK(json::parse(admitted.eventsOf("room_state")[0]).at("owner") == "alice");
  // Removed by the admin: refused from the next join on.
  REQUIRE(admin({"room", "remove", "guarded", "dave"}).exit_code == 0);
  expectCliRefused(server, "removed_from_room");
  const auto shown = admin({"room", "show", "guarded"});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find("owner=alice") != std::string::npos);
  CHECK(shown.out.find("removed:           dave") != std::string::npos);
  CHECK(admin({"room", "lock", "nowhere"}).exit_code == 1);
}
