// Peer paths through a real parleyd on loopback: two parley-cli clients
// (gathering on "lo" only, so no check leaves the machine) go peer-to-peer,
// a tone sent by one is recorded by the other; a third client joining moves
// them to the server and its leaving brings the peer path back, and the
// recording has no gap longer than 100 ms across those switches. With peer
// paths off (server or client), nothing goes peer-to-peer at all.
//
// The NAT, TURN-through-a-proxy and broken-path cases run in network
// namespaces (tests/lab, peer scenarios).

#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "media/audio/wav_file.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/support/tone.h"

using namespace parley::test;
using nlohmann::json;

namespace {

bool pathOf(const json& event, std::uint64_t id, const std::string& path) {
  return event.at("id").get<std::uint64_t>() == id && event.at("path") == path;
}

ServerFixture::Options peerOn() {
  ServerFixture::Options options;
  options.config["peer_to_peer"] = "true";
  return options;
}

}  // namespace

TEST_CASE("two clients go peer-to-peer, a third moves them to the server and back, no gap",
          "[integration][media][peer]") {
  ServerFixture server(peerOn());
  server.start();
  const std::string dir = makeTempDir("peer");
  const std::string tone = makeTone(dir, 16);
  const std::string recording = dir + "/heard.wav";

  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "pair";
  bob.for_seconds = CliOptions::kUntilStopped;
  bob.extra = {"--record-audio", recording, "--stats", "--ice-interfaces", "lo"};
  CliProcess receiver(server, bob);
  REQUIRE(receiver.waitForEvent("joined"));

  CliOptions alice;
  alice.room = "pair";
  alice.for_seconds = CliOptions::kUntilStopped;
  alice.extra = {"--send-audio", tone, "--stats", "--ice-interfaces", "lo"};
  CliProcess sender(server, alice);
  REQUIRE(sender.waitForEvent("joined"));
  std::uint64_t alice_id = 0;
  REQUIRE(receiver.waitForEvent("participant_joined", [&](const json& e) {
    alice_id = e.at("id").get<std::uint64_t>();
    return e.at("user") == "alice";
  }));

  // The peer path is found, verified, and the room is told.
  const bool peer = receiver.waitForEvent("participant_path", [&](const json& e) {
    return pathOf(e, alice_id, "peer-to-peer");
  });
  // After the switch's overlap, alice's media leaves on the peer path only:
  // what she sends to the server stops growing while the peer path's grows.
  std::optional<json> before;
  const bool peer_only = peer && sender.waitForEvent("stats", [&](const json& s) {
    if (s.at("peer").at("path") != "peer-to-peer") {
      return false;
    }
    if (!before) {
      before = s;
      return false;
    }
    const bool server_still =
        s.at("sent").at("udp_packets") != before->at("sent").at("udp_packets");
    const bool peer_grows = s.at("peer").at("sent_packets").get<std::uint64_t>() >
                            before->at("peer").at("sent_packets").get<std::uint64_t>() + 20;
    before = s;
    return !server_still && peer_grows;
  });

  // A third participant: both move to the server.
  CliOptions carol;
  carol.user = "carol";
  carol.password = "carol-pw";
  carol.room = "pair";
  carol.for_seconds = CliOptions::kUntilStopped;
  carol.extra = {"--ice-interfaces", "lo"};
  std::optional<CliProcess> third;
  third.emplace(server, carol);
  const bool back_to_server = receiver.waitForEvent("participant_path", [&](const json& e) {
    return pathOf(e, alice_id, "via server");
  });
  // The third leaves: after a short pause the two go peer-to-peer again.
  CliRun carol_run = third->stop();
  const bool peer_again = receiver.waitForEvent("participant_path", [&]() {
    int count = 0;
    return [&, count](const json& e) mutable {
      count += pathOf(e, alice_id, "peer-to-peer") ? 1 : 0;
      return count >= 2;
    };
  }());

  // The whole tone has been sent (the file then gives no more frames).
  const bool spoken = sender.waitForEvent(
      "stats",
      [](const json& s) {
        const auto& sent = s.at("sent");
        return sent.at("audio_packets").get<std::uint64_t>() +
                   sent.at("dtx_skipped").get<std::uint64_t>() >=
               17 * 50;
      },
      std::chrono::seconds(90));
  CliRun alice_run = sender.stop();
  CliRun bob_run = receiver.stop();
  INFO(alice_run.transcript());
  INFO(bob_run.transcript());
  INFO(carol_run.transcript());
  REQUIRE(peer);
  CHECK(peer_only);
  CHECK(back_to_server);
  CHECK(peer_again);
  REQUIRE(spoken);

  auto heard = parley::media::readWavAs48kMono(recording);
  REQUIRE(heard);
  const auto gap = longestGap(*heard);
  INFO("tone heard for " << gap.tone_seconds << " s, longest gap " << gap.longest_ms << " ms");
  CHECK(gap.tone_seconds > 15.0);
  CHECK(gap.longest_ms < 100.0);
}

TEST_CASE("peer paths off on the server: no attempt and no peer traffic",
          "[integration][media][peer]") {
  ServerFixture server;  // the fixture's default: peer_to_peer = false
  server.start();
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "pair";
  bob.for_seconds = CliOptions::kUntilStopped;
  bob.extra = {"--stats", "--ice-interfaces", "lo"};
  CliProcess receiver(server, bob);
  REQUIRE(receiver.waitForEvent("joined"));
  CliOptions alice;
  alice.room = "pair";
  alice.for_seconds = CliOptions::kUntilStopped;
  alice.extra = {"--stats", "--ice-interfaces", "lo"};
  CliProcess sender(server, alice);
  REQUIRE(sender.waitForEvent("joined"));
  // Three stats lines in the room together: time enough for an attempt.
  int lines = 0;
  const bool waited = sender.waitForEvent("stats", [&](const json&) { return ++lines >= 3; });
  CliRun alice_run = sender.stop();
  CliRun bob_run = receiver.stop();
  INFO(alice_run.transcript());
  REQUIRE(waited);
  for (const auto* run : {&alice_run, &bob_run}) {
    const auto stats = run->lastStatsInCall();
    REQUIRE(stats);
    CHECK(stats->at("peer").at("path") == "via server");
    CHECK(stats->at("peer").at("candidates").empty());
    CHECK(stats->at("peer").at("sent_packets") == 0);
    CHECK(run->eventsOf("participant_path").empty());
  }
}

TEST_CASE("a client with --no-p2p keeps both on the server", "[integration][media][peer]") {
  ServerFixture server(peerOn());
  server.start();
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "pair";
  bob.for_seconds = CliOptions::kUntilStopped;
  bob.extra = {"--stats", "--no-p2p"};
  CliProcess receiver(server, bob);
  REQUIRE(receiver.waitForEvent("joined"));
  CliOptions alice;
  alice.room = "pair";
  alice.for_seconds = CliOptions::kUntilStopped;
  alice.extra = {"--stats", "--ice-interfaces", "lo", "--send-audio",
                 makeTone(makeTempDir("peer"), 4)};
  CliProcess sender(server, alice);
  REQUIRE(sender.waitForEvent("joined"));
  // Alice tries, hears nothing from bob, and gives up within her connect
  // timeout (10 s); until then her media keeps going to the server.
  int lines = 0;
  const bool waited = sender.waitForEvent("stats", [&](const json&) { return ++lines >= 3; });
  CliRun alice_run = sender.stop();
  CliRun bob_run = receiver.stop();
  INFO(alice_run.transcript());
  INFO(bob_run.transcript());
  REQUIRE(waited);
  const auto stats = alice_run.lastStatsInCall();
  REQUIRE(stats);
  CHECK(stats->at("peer").at("path") != "peer-to-peer");
  CHECK(stats->at("sent").at("udp_packets").get<std::uint64_t>() > 0);
  const auto bob_stats = bob_run.lastStatsInCall();
  REQUIRE(bob_stats);
  CHECK(bob_stats->at("peer").at("sent_packets") == 0);
}
