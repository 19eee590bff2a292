// Voice through a real parleyd: speech made by espeak-ng, sent by one
// parley-cli (--send-audio), recorded by another (--record-audio); the
// recording must be the same speech once aligned. Over UDP, and again with
// the media inside the TLS channel (the TCP fallback a network without UDP
// gets; tests/lab checks it with UDP really dropped by a firewall).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "media/audio/speech_metrics.h"
#include "media/audio/wav_file.h"
#include "support/process.h"
#include "support/server_fixture.h"

using namespace parley::test;
using nlohmann::json;

namespace {

constexpr const char* kSentence =
    "Hello, this is Parley. The quick brown fox jumps over the lazy dog, "
    "and voice goes first, always.";

std::string dump(const CliRun& run) {
  std::string out = "exit " + std::to_string(run.exit_code) + "\n";
  for (const auto& l : run.lines) {
    out += l + "\n";
  }
  return out + run.err;
}

std::string makeSpeech(const std::string& dir) {
  const std::string path = dir + "/speech.wav";
  auto made = runProgram({"/usr/bin/espeak-ng", "-w", path, kSentence});
  if (made.exit_code != 0) {
    FAIL("espeak-ng could not make speech (is it installed? scripts/lib/deps.sh installs it): " +
         made.err);
  }
  return path;
}

// The last stats line of a run, parsed.
json lastStats(const CliRun& run) {
  const auto stats = run.eventsOf("stats");
  REQUIRE_FALSE(stats.empty());
  return json::parse(stats.back());
}

struct VoiceResult {
  CliRun sender;
  CliRun receiver;
  parley::media::Alignment alignment;
  parley::media::PieceAlignment pieces;
  double snr_db = 0;
  double recorded_seconds = 0;
};

VoiceResult sendSpeech(ServerFixture& server, const std::vector<std::string>& transport) {
  const std::string dir = makeTempDir("voice");
  const std::string speech = makeSpeech(dir);
  const std::string recording = dir + "/heard.wav";

  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "voice";
  bob.for_seconds = 12;
  bob.extra = {"--record-audio", recording, "--stats"};
  bob.extra.insert(bob.extra.end(), transport.begin(), transport.end());
  CliProcess receiver(server, bob);
  // Speak only once bob listens, so the whole sentence is there to compare.
  for (int i = 0; i < 200 && !receiver.sawEvent("joined"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  CliOptions alice;
  alice.room = "voice";
  alice.for_seconds = 9;
  alice.extra = {"--send-audio", speech, "--stats"};
  alice.extra.insert(alice.extra.end(), transport.begin(), transport.end());
  VoiceResult result;
  result.sender = runCli(server, alice);
  result.receiver = receiver.wait();

  auto reference = parley::media::readWavAs48kMono(speech);
  auto heard = parley::media::readWavAs48kMono(recording);
  REQUIRE(reference);
  REQUIRE(heard);
  result.recorded_seconds = static_cast<double>(heard->size()) / 48000.0;
  result.alignment = parley::media::bestAlignment(*reference, *heard, 48000 * 8);
  result.snr_db = parley::media::snrDb(*reference, *heard, result.alignment.lag);
  // Half a second at a time within 60 ms of that lag: the jitter buffer may
  // hold or skip a frame to follow the delay, which one global lag penalizes.
  result.pieces = parley::media::alignPieces(*reference, *heard, result.alignment.lag, 48000 / 2,
                                             48000 * 60 / 1000);
  return result;
}

std::string describe(const VoiceResult& r) {
  std::ostringstream out;
  out << "lag " << r.alignment.lag << ", correlation " << r.alignment.correlation << ", snr "
      << r.snr_db << " dB, pieces:";
  for (const double c : r.pieces.correlations) {
    out << " " << c;
  }
  return out.str();
}

// Opus at 24 kbit/s keeps the waveform closely: every voiced half second of
// the sentence is there and correlates with the source far above what other
// speech or noise would (unrelated speech stays under 0.3).
void checkSpeech(const VoiceResult& r) {
  REQUIRE(r.pieces.voiced() >= 8);
  CHECK(r.pieces.atLeast(0.8) * 10 >= r.pieces.voiced() * 9);
  CHECK(r.pieces.worst() > 0.5);
  CHECK(r.alignment.correlation > 0.5);
}

}  // namespace

TEST_CASE("speech sent over UDP is recorded by the other client", "[integration][media]") {
  ServerFixture server;
  server.start();
  const auto r = sendSpeech(server, {});
  INFO(dump(r.sender));
  INFO(dump(r.receiver));
  INFO(describe(r));
  REQUIRE(r.sender.exit_code == 0);
  REQUIRE(r.receiver.exit_code == 0);
  CHECK(lastStats(r.sender).at("path") == "udp");
  CHECK(lastStats(r.receiver).at("path") == "udp");
  CHECK(r.recorded_seconds > 8);
  CHECK(r.alignment.lag > 0);
  checkSpeech(r);
  // Nothing lost on loopback; every packet reached the receiver over UDP.
  const auto bob_stats = lastStats(r.receiver);
  REQUIRE(bob_stats.at("streams").size() == 1);
  CHECK(bob_stats.at("streams")[0].at("lost") == 0);
  // While alice talked, the stream was named after her.
  bool named = false;
  for (const auto& line : r.receiver.eventsOf("stats")) {
    const json stats = json::parse(line);
    for (const auto& stream : stats.at("streams")) {
      named = named || stream.at("user") == "alice";
    }
  }
  CHECK(named);
  CHECK(bob_stats.at("received").at("tcp_packets") == 0);
  // Voice stays within its budget: about 24 kbit/s, never more than 15 KB/s.
  double peak_kbps = 0;
  for (const auto& line : r.sender.eventsOf("stats")) {
    peak_kbps = std::max(peak_kbps, json::parse(line).at("sent").at("audio_kbps").get<double>());
  }
  CHECK(peak_kbps > 10);
  CHECK(peak_kbps < 120);
}

TEST_CASE("speech travels inside the TLS channel when UDP is not used", "[integration][media]") {
  ServerFixture server;
  server.start();
  const auto r = sendSpeech(server, {"--media-transport", "tcp"});
  INFO(dump(r.sender));
  INFO(dump(r.receiver));
  INFO(describe(r));
  REQUIRE(r.sender.exit_code == 0);
  REQUIRE(r.receiver.exit_code == 0);
  CHECK(lastStats(r.sender).at("path") == "tcp");
  CHECK(lastStats(r.receiver).at("path") == "tcp");
  checkSpeech(r);
  const auto bob_stats = lastStats(r.receiver);
  CHECK(bob_stats.at("received").at("udp_packets") == 0);
  CHECK(bob_stats.at("received").at("tcp_packets").get<int>() > 200);
}
