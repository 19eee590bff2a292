// Voice through a real parleyd: speech made by espeak-ng, sent by one
// parley-cli (--send-audio), recorded by another (--record-audio); the
// recording must be the same speech once aligned. Over UDP, and again with
// the media inside the TLS channel (the TCP fallback a network without UDP
// gets; tests/lab checks it with UDP really dropped by a firewall).

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "media/audio/speech_metrics.h"
#include "media/audio/wav_file.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"

using namespace parley::test;
using nlohmann::json;

namespace {

constexpr const char* kSentence =
    "Hello, this is Parley. The quick brown fox jumps over the lazy dog, "
    "and voice goes first, always.";

// The sentence after a second of silence, as a person speaks some time after
// joining: the stream's start-up (a first packet held up by a busy server
// builds delay) is taken away in that silence, where skipping frames is
// unheard. Speech in the stream's very first packet, under CPU starvation,
// loses its first half second to the delay cut in speech: a known gap
// (docs/media.md, "Not yet": time-stretching), not what this test measures.
std::string makeSpeech(const std::string& dir) {
  const std::string spoken = dir + "/sentence.wav";
  auto made = runProgram({"/usr/bin/espeak-ng", "-w", spoken, kSentence});
  if (made.exit_code != 0) {
    FAIL("espeak-ng could not make speech (is it installed? scripts/lib/deps.sh installs it): " +
         made.err);
  }
  auto sentence = parley::media::readWavAs48kMono(spoken);
  REQUIRE(sentence);
  const std::string path = dir + "/speech.wav";
  auto writer = parley::media::WavWriter::create(path);
  REQUIRE(writer);
  const std::vector<std::int16_t> lead(48000, 0);
  REQUIRE(writer->write(lead));
  REQUIRE(writer->write(*sentence));
  REQUIRE(writer->close());
  return path;
}

json lastStats(const CliRun& run) {
  const auto last = run.lastStatsInCall();
  REQUIRE(last);
  return *last;
}

struct VoiceResult {
  CliRun sender;
  CliRun receiver;
  parley::media::Alignment alignment;
  parley::media::PieceAlignment pieces;
  double snr_db = 0;
  std::size_t reference_samples = 0;
  std::size_t recorded_samples = 0;
};

// The audio stream a stats line shows, or nothing.
std::optional<json> audioStream(const json& stats) {
  for (const auto& stream : stats.at("streams")) {
    if (stream.at("kind") == "audio") {
      return stream;
    }
  }
  return std::nullopt;
}

// Bob listens (on `path`: "udp" or "tcp") until alice has said the whole
// sentence and he has received and played all of it; then both leave.
VoiceResult sendSpeech(ServerFixture& server, const std::vector<std::string>& transport,
                       const std::string& path) {
  const std::string dir = makeTempDir("voice");
  const std::string speech = makeSpeech(dir);
  const std::string recording = dir + "/heard.wav";
  auto reference = parley::media::readWavAs48kMono(speech);
  REQUIRE(reference);
  // 20 ms frames; the last one is padded with silence.
  const std::uint64_t frames = (reference->size() + 959) / 960;

  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "voice";
  bob.for_seconds = CliOptions::kUntilStopped;
  bob.extra = {"--record-audio", recording, "--stats"};
  bob.extra.insert(bob.extra.end(), transport.begin(), transport.end());
  CliProcess receiver(server, bob);
  // Speak only once bob listens on the path under test, so the whole
  // sentence is there to compare and all of it travelled that way.
  REQUIRE(receiver.waitForEvent("joined"));
  REQUIRE(receiver.waitForEvent("media_path", [&](const json& e) { return e.at("path") == path; }));

  CliOptions alice;
  alice.room = "voice";
  alice.for_seconds = CliOptions::kUntilStopped;
  alice.extra = {"--send-audio", speech, "--stats"};
  alice.extra.insert(alice.extra.end(), transport.begin(), transport.end());
  CliProcess sender(server, alice);
  // Alice has spoken the whole file once every frame of it was either sent
  // or, being silence, skipped (the file then gives no more frames).
  std::uint64_t packets_sent = 0;
  const bool spoken = sender.waitForEvent("stats", [&](const json& stats) {
    const auto& sent = stats.at("sent");
    const auto packets = sent.at("audio_packets").get<std::uint64_t>();
    if (packets + sent.at("dtx_skipped").get<std::uint64_t>() < frames) {
      return false;
    }
    packets_sent = packets;
    return true;
  });
  // Bob received every packet...
  const bool received = spoken && receiver.waitForEvent("stats", [&](const json& stats) {
    const auto stream = audioStream(stats);
    return stream && stream->at("packets").get<std::uint64_t>() >= packets_sent;
  });
  // ...and has played (recorded) a second more since: more than his jitter
  // buffer holds (200 ms at most) plus the file's silent end, which is not
  // sent (about 0.3 s): the whole sentence is on disk.
  if (received) {
    std::error_code ec;
    const auto size_then = std::filesystem::file_size(recording, ec);
    eventually(
        [&] {
          std::error_code size_ec;
          const auto size = std::filesystem::file_size(recording, size_ec);
          return !ec && !size_ec && size >= size_then + 2 * 48000;  // 16-bit, 48 kHz
        },
        std::chrono::seconds(60));
  }
  VoiceResult result;
  result.sender = sender.stop();
  const bool saw_leave = receiver.waitForEvent("participant_left", [](const json& e) {
    return e.at("user") == "alice";
  });
  result.receiver = receiver.stop();
  INFO(result.sender.transcript());
  INFO(result.receiver.transcript());
  REQUIRE(spoken);
  REQUIRE(received);
  CHECK(saw_leave);

  auto heard = parley::media::readWavAs48kMono(recording);
  REQUIRE(heard);
  result.reference_samples = reference->size();
  result.recorded_samples = heard->size();
  // The sentence may start anywhere in the recording: bob records from his
  // start, and how long the sign-ins took is not the test's business.
  result.alignment = parley::media::bestAlignment(*reference, *heard, heard->size());
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
// speech or noise would (unrelated speech stays under 0.3). Judged piece by
// piece, not by the whole sentence at one lag: the playout delay may change
// during the sentence (a held-up first packet raises it; silences and, when
// far too high, a dropped packet bring it down), and each change of even one
// frame pulls the one-lag figure down while every word is still there. A
// piece only finds its match within 60 ms of the global lag, so the delay
// cannot wander further than that either.
void checkSpeech(const VoiceResult& r) {
  // The whole sentence is in the recording.
  CHECK(r.alignment.lag + static_cast<std::ptrdiff_t>(r.reference_samples) <=
        static_cast<std::ptrdiff_t>(r.recorded_samples));
  REQUIRE(r.pieces.voiced() >= 8);
  CHECK(r.pieces.atLeast(0.8) * 10 >= r.pieces.voiced() * 9);
  CHECK(r.pieces.worst() > 0.5);
}

}  // namespace

TEST_CASE("speech sent over UDP is recorded by the other client", "[integration][media]") {
  ServerFixture server;
  server.start();
  const auto r = sendSpeech(server, {}, "udp");
  INFO(r.sender.transcript());
  INFO(r.receiver.transcript());
  INFO(describe(r));
  REQUIRE(r.sender.exit_code == 0);
  REQUIRE(r.receiver.exit_code == 0);
  CHECK(lastStats(r.sender).at("path") == "udp");
  CHECK(lastStats(r.receiver).at("path") == "udp");
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
  const auto r = sendSpeech(server, {"--media-transport", "tcp"}, "tcp");
  INFO(r.sender.transcript());
  INFO(r.receiver.transcript());
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
