// One big room, measured (target 6, docs/benchmarks.md "(h) One room at
// scale"): N real ClientSessions (default 1000) join one room of a local
// parleyd; the server's resident memory before and after the joins gives
// KiB per client. Then several of the members send chat at once and every
// member checks it received every message, in each sender's order, and how
// late; the worst member is reported. Then V of the members (default 100)
// speak: each has a client::Call with a steady tone as its microphone (real
// Opus through the product's media path, no sound devices) and the others
// count the packets of every voice stream that reach them (parleyd forwards
// the loudest 3 only, so each listener wants 3 streams). Prints a Markdown
// section; scripts/bench appends it. Not a test: nothing here fails on a
// number.
//
//   room_scale_bench [clients] [voice senders]     (default 1000 100)

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <asio/strand.hpp>

#include "core/client/call/call.h"
#include "core/client/client_session.h"
#include "media/engine/file_audio_devices.h"
#include "net/io_thread.h"
#include "tests/support/direct_routes.h"
#include "tests/support/server_fixture.h"

using namespace parley;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

namespace {

constexpr int kChatSenders = 5;
constexpr int kMessagesPerSender = 100;
constexpr auto kVoiceSeconds = 5s;
// parleyd's default [media] max_forwarded_speakers.
constexpr int kForwardedSpeakers = 3;

long rssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

int openFds(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// When each chat message was handed to its sender's session: text "k:i".
struct SendTimes {
  std::array<std::array<std::atomic<std::int64_t>, kMessagesPerSender>, kChatSenders> at{};
};

std::int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch())
      .count();
}

// One member's view: joined, chat per sender in order, its latest delivery.
class Member final : public client::SessionObserver {
 public:
  explicit Member(const SendTimes& sent) : sent_(sent) {}
  void onJoined(const std::string&, const std::vector<client::ParticipantInfo>&,
                std::uint64_t) override {
    joined_.store(true);
  }
  void onChat(const client::ChatInfo& chat) override {
    // The room is new: its history holds only this run's messages, and
    // after a reconnect the ones missed meanwhile arrive as history.
    int sender = 0;
    int index = 0;
    if (std::sscanf(chat.text.c_str(), "%d:%d", &sender, &index) != 2 || sender < 0 ||
        sender >= kChatSenders || index < 0 || index >= kMessagesPerSender) {
      return;
    }
    const double late = static_cast<double>(nowNs() - sent_.at[sender][index].load()) / 1e6;
    std::lock_guard lock(mu_);
    if (index != next_[sender]) {
      ++out_of_order_;
    }
    next_[sender] = index + 1;
    ++received_;
    worst_ms_ = std::max(worst_ms_, late);
    last_seq_ok_ = last_seq_ok_ && chat.seq > last_seq_;
    last_seq_ = chat.seq;
  }
  void onDisconnected(const Error& reason, bool, std::chrono::milliseconds) override {
    if (disconnects_.fetch_add(1) == 0) {
      std::fprintf(stderr, "room_scale_bench: disconnected: %s\n", reason.toString().c_str());
    }
  }
  void onError(const Error&) override { ++disconnects_; }

  [[nodiscard]] bool joined() const { return joined_.load(); }
  struct View {
    int received = 0;
    int out_of_order = 0;
    bool seq_increasing = true;
    double worst_ms = 0;
    int disconnects = 0;
  };
  View view() {
    std::lock_guard lock(mu_);
    return {received_, out_of_order_, last_seq_ok_, worst_ms_, disconnects_.load()};
  }

 private:
  const SendTimes& sent_;
  std::atomic<bool> joined_{false};
  std::atomic<int> disconnects_{0};
  std::mutex mu_;  // chat arrives on the session's strand, the bench reads on main
  std::array<int, kChatSenders> next_{};
  int received_ = 0;
  int out_of_order_ = 0;
  bool last_seq_ok_ = true;
  std::uint64_t last_seq_ = 0;
  double worst_ms_ = 0;
};

// A listener without a Call: counts the voice packets that reach it (inside
// its TLS channel, as the server sends media to a client that has not
// chosen UDP), per SSRC, without decrypting them.
class CountingLink final : public client::MediaLink {
 public:
  void onMediaOffer(client::MediaOfferInfo) override {}
  void onMediaPacket(std::string packet) override {
    // RTCP's packet types 192-223 sit where RTP has marker + payload type
    // (RFC 5761).
    const auto second = static_cast<unsigned char>(packet.size() > 1 ? packet[1] : 0);
    if (packet.size() < 12 || (second >= 192 && second <= 223)) {
      return;
    }
    std::uint32_t ssrc = 0;
    for (int i = 8; i < 12; ++i) {
      ssrc = (ssrc << 8) | static_cast<unsigned char>(packet[static_cast<std::size_t>(i)]);
    }
    std::lock_guard lock(mu_);
    ++packets_[ssrc];
  }
  void onVideoCodecChanged(const std::string&, std::uint8_t) override {}
  void onParticipantsChanged(const std::vector<client::ParticipantInfo>&) override {}
  void onMediaStopped() override {}
  std::map<std::uint32_t, std::uint64_t> packets() {
    std::lock_guard lock(mu_);
    return packets_;
  }

 private:
  std::mutex mu_;
  std::map<std::uint32_t, std::uint64_t> packets_;
};

// A microphone in a quiet room (DTX) until armed, then a steady 300 Hz tone,
// so Opus never falls back to DTX and every 20 ms frame is a full packet.
class ToneInput final : public media::AudioInput {
 public:
  void talk(bool on) { talking_.store(on, std::memory_order_release); }
  bool read(media::AudioFrame& frame) override {
    if (!talking_.load(std::memory_order_acquire)) {
      frame.fill(0);
      return true;
    }
    for (auto& s : frame) {
      s = static_cast<std::int16_t>(
          6000.0 * std::sin(2.0 * std::numbers::pi * 300.0 * static_cast<double>(n_++) / 48000.0));
    }
    return true;
  }

 private:
  std::atomic<bool> talking_{false};
  std::uint64_t n_ = 0;
};

std::uint64_t packetsSent(client::Call& call) {
  std::promise<std::uint64_t> p;
  auto f = p.get_future();
  call.stats([&p](const client::CallStats& s) { p.set_value(s.audio_packets_sent); });
  // A loaded machine answers late; a call that never answers is a bug.
  if (f.wait_for(120s) != std::future_status::ready) {
    std::fprintf(stderr, "room_scale_bench: call stats did not arrive\n");
    std::abort();
  }
  return f.get();
}

struct Voice {
  ToneInput mic;
  media::NullOutput speaker;
  std::unique_ptr<client::Call> call;
};

}  // namespace

int main(int argc, char** argv) {
  const int clients = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int voices = std::min(argc > 2 ? std::atoi(argv[2]) : 100, clients);
  // Each member is a socket here and one in parleyd (which inherits this
  // limit); voice senders add UDP sockets.
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  test::ServerFixture::Options options;
  options.users = {{"load", "load-pw"}};
  // Five members each send a burst of 100: far above a person's rate.
  // All members come from 127.0.0.1: the per-address cap on connections
  // still signing in (32 by default) would reset most of a batch.
  options.config = {{"chat_per_s", "1000"},
                    {"chat_burst", "1000"},
                    {"max_unauthenticated_per_address", "1024"}};
  // ROOM_SCALE_LAUNCHER="valgrind --tool=massif --massif-out-file=..." puts
  // parleyd under a profiler (words split on spaces).
  if (const char* launcher = std::getenv("ROOM_SCALE_LAUNCHER"); launcher != nullptr) {
    std::istringstream words(launcher);
    for (std::string w; words >> w;) {
      options.launcher.push_back(w);
    }
  }
  test::ServerFixture server(options);
  server.start();
  auto tls = net::makeClientTlsContext(server.caFile());
  if (!tls) {
    std::fprintf(stderr, "%s\n", tls.error().toString().c_str());
    return 1;
  }
  std::this_thread::sleep_for(500ms);
  const long rss_before = rssKiB(server.pid());
  const int fds_before = openFds(server.pid());

  net::IoThreads io(2);
  SendTimes sent;
  client::CallConfig call_config;
  call_config.transport.dscp.enabled = false;
  call_config.audio.echo_cancellation = false;
  // A hundred real-time audio threads would starve everything else on two
  // shared cores (the sessions' handshakes first).
  call_config.audio.realtime_priority = false;
  std::vector<std::unique_ptr<Member>> members;
  std::vector<std::unique_ptr<CountingLink>> listeners(static_cast<std::size_t>(clients));
  std::vector<std::unique_ptr<Voice>> voice(static_cast<std::size_t>(voices));
  std::vector<std::unique_ptr<client::ClientSession>> sessions;
  for (int i = 0; i < clients; ++i) {
    auto strand = asio::make_strand(io.context());
    client::SessionConfig config;
    config.target = {"127.0.0.1", server.port(), server.port()};
    config.user = "load";
    config.password = "load-pw";
    config.room = "scale";
    config.client_name = "room-scale-bench";
    // On a machine this small a handshake can wait its turn for a while;
    // the run measures the room, not the handshake deadline.
    config.handshake_timeout = 120s;
    config.retry_before_first_join = true;
    const bool speaks = i >= clients - voices;
    config.media.audio_muted = !speaks;
    members.push_back(std::make_unique<Member>(sent));
    sessions.push_back(std::make_unique<client::ClientSession>(
        strand, config, test::directOnlyConnectors(strand, *tls), *members.back()));
    if (speaks) {
      auto& v = voice[static_cast<std::size_t>(i - (clients - voices))];
      v = std::make_unique<Voice>();
      v->call = std::make_unique<client::Call>(io.context().get_executor(), call_config, v->mic,
                                               v->speaker, SystemClock::instance());
      sessions.back()->setMediaLink(v->call.get());
    } else {
      listeners[static_cast<std::size_t>(i)] = std::make_unique<CountingLink>();
      sessions.back()->setMediaLink(listeners[static_cast<std::size_t>(i)].get());
    }
  }
  // Batches of 100, each joined before the next starts: the server gives a
  // connection a fixed time from accept to signed in.
  const auto join_start = Steady::now();
  constexpr int kBatch = 100;
  int joined = 0;
  long rss_no_media = -1;
  for (int first = 0; first < clients; first += kBatch) {
    const int end = std::min(first + kBatch, clients);
    if (first == clients - voices) {
      // Everyone but the speakers: no media has flowed yet.
      std::this_thread::sleep_for(2s);
      rss_no_media = rssKiB(server.pid());
    }
    for (int i = first; i < end; ++i) {
      // A speaker's Call starts before its session, as the product does
      // (silent until armed); the speakers join last, so their audio
      // threads do not slow the other joins.
      if (i >= clients - voices &&
          !voice[static_cast<std::size_t>(i - (clients - voices))]->call->start()) {
        std::fprintf(stderr, "room_scale_bench: a call did not start\n");
        return 1;
      }
      sessions[static_cast<std::size_t>(i)]->start();
    }
    const auto deadline = Steady::now() + 120s;
    for (int i = first; i < end; ++i) {
      while (!members[static_cast<std::size_t>(i)]->joined() && Steady::now() < deadline) {
        std::this_thread::sleep_for(5ms);
      }
      joined += members[static_cast<std::size_t>(i)]->joined() ? 1 : 0;
    }
    std::fprintf(stderr, "room_scale_bench: batch from %d, %d joined so far\n", first, joined);
  }
  std::fprintf(stderr, "room_scale_bench: %d of %d joined\n", joined, clients);
  const double join_seconds = std::chrono::duration<double>(Steady::now() - join_start).count();
  std::this_thread::sleep_for(2s);  // presence fan-out of the last joins settles
  const long rss_joined = rssKiB(server.pid());
  const int fds_joined = openFds(server.pid());
  const double per_client = static_cast<double>(rss_joined - rss_before) / clients;
  std::printf(
      "### (h) One room at scale, %d clients, %d of them speaking\n\n"
      "`tests/bench/room_scale_bench %d %d`: real ClientSessions in the bench process "
      "(racing connector, direct routes), joined in batches of %d; parleyd a separate "
      "process on the same 2 cores. RLIMIT_NOFILE %llu (parleyd inherits it); parleyd's "
      "open descriptors %d before, %d with everyone joined.\n\n"
      "| joined | join s | server RSS before | %d joined, no media yet | KiB per client | "
      "all joined, speakers' calls on (DTX) | KiB per client (target < 100) | "
      "ratio to target |\n|---|---|---|---|---|---|---|---|\n"
      "| %d / %d | %.1f | %ld KiB | %ld KiB | %.1f | %ld KiB | %.1f | %.0f%% |\n\n",
      clients, voices, clients, voices, kBatch, static_cast<unsigned long long>(limit.rlim_cur),
      fds_before, fds_joined, clients - voices, joined, clients, join_seconds, rss_before,
      rss_no_media, static_cast<double>(rss_no_media - rss_before) / (clients - voices), rss_joined,
      per_client, per_client);
  std::fflush(stdout);  // each table as soon as it is known

  // Chat: five members send 100 each, all at once.
  const auto chat_start = Steady::now();
  for (int i = 0; i < kMessagesPerSender; ++i) {
    for (int k = 0; k < kChatSenders; ++k) {
      sent.at[k][i].store(nowNs());
      sessions[static_cast<std::size_t>(k * 37 % (clients - voices))]->sendChat(
          std::to_string(k) + ":" + std::to_string(i));
    }
  }
  constexpr int kExpected = kChatSenders * kMessagesPerSender;
  const auto chat_deadline = Steady::now() + 300s;
  for (auto& m : members) {
    while (m->joined() && m->view().received < kExpected && Steady::now() < chat_deadline) {
      std::this_thread::sleep_for(10ms);
    }
  }
  std::fprintf(stderr, "room_scale_bench: chat done\n");
  const double chat_seconds = std::chrono::duration<double>(Steady::now() - chat_start).count();
  const long rss_chat = rssKiB(server.pid());
  int complete = 0;
  int in_order = 0;
  int fewest = kExpected;
  double worst_ms = 0;
  std::vector<double> member_worst;
  int disconnects = 0;
  for (auto& m : members) {
    const auto v = m->view();
    complete += v.received == kExpected ? 1 : 0;
    in_order += v.out_of_order == 0 && v.seq_increasing ? 1 : 0;
    fewest = std::min(fewest, v.received);
    worst_ms = std::max(worst_ms, v.worst_ms);
    member_worst.push_back(v.worst_ms);
    disconnects += v.disconnects;
  }
  std::sort(member_worst.begin(), member_worst.end());
  const double median_worst = member_worst[member_worst.size() / 2];
  const double deliveries = static_cast<double>(kExpected) * clients;
  std::printf(
      "Chat: %d members send %d messages each at once (%d messages, %.0f deliveries).\n\n"
      "| members with all | in each sender's order | fewest received | seconds | "
      "deliveries/s | worst member's latest delivery | median member's | disconnects | "
      "server RSS after |\n|---|---|---|---|---|---|---|---|---|\n"
      "| %d / %d | %d / %d | %d / %d | %.2f | %.0f | %.0f ms | %.0f ms | %d | %ld KiB |\n\n",
      kChatSenders, kMessagesPerSender, kExpected, deliveries, complete, clients, in_order, clients,
      fewest, kExpected, chat_seconds, deliveries / chat_seconds, worst_ms, median_worst,
      disconnects, rss_chat);
  std::fflush(stdout);

  // Voice: the speakers talk for kVoiceSeconds. Listeners' counts from the
  // silence before (DTX) are subtracted.
  std::vector<std::map<std::uint32_t, std::uint64_t>> before(static_cast<std::size_t>(clients));
  for (int i = 0; i < clients - voices; ++i) {
    before[static_cast<std::size_t>(i)] = listeners[static_cast<std::size_t>(i)]->packets();
  }
  std::uint64_t voice_sent = 0;
  for (auto& v : voice) {
    voice_sent -= packetsSent(*v->call);
  }
  const auto voice_start = Steady::now();
  for (auto& v : voice) {
    v->mic.talk(true);
  }
  std::this_thread::sleep_for(kVoiceSeconds);
  const long rss_voice = rssKiB(server.pid());
  for (auto& v : voice) {
    v->mic.talk(false);
  }
  const double voice_seconds = std::chrono::duration<double>(Steady::now() - voice_start).count();
  std::this_thread::sleep_for(3s);  // queued packets drain
  for (auto& v : voice) {
    voice_sent += packetsSent(*v->call);
  }
  // parleyd forwards the voices of the room's loudest kForwardedSpeakers
  // only ([media] max_forwarded_speakers, default 3): a listener should get
  // that many streams, each at the speakers' rate, and all listeners the
  // same ones.
  const int forwarded_n = std::min(kForwardedSpeakers, voices);
  const double per_speaker = static_cast<double>(voice_sent) / voices;
  std::uint64_t voice_received = 0;
  std::size_t fewest_streams = static_cast<std::size_t>(voices);
  std::size_t most_streams = 0;
  int same_streams = 0;
  std::vector<std::uint32_t> first_set;
  double worst_share = 1.0;
  for (int i = 0; i < clients - voices; ++i) {
    const auto counts = listeners[static_cast<std::size_t>(i)]->packets();
    std::uint64_t total = 0;
    std::vector<std::uint32_t> heard;
    for (const auto& [ssrc, n] : counts) {
      const auto& b = before[static_cast<std::size_t>(i)];
      const auto it = b.find(ssrc);
      const std::uint64_t talked = n - (it == b.end() ? 0 : it->second);
      total += talked;
      if (talked > 0) {
        heard.push_back(ssrc);  // std::map: in SSRC order
      }
    }
    voice_received += total;
    fewest_streams = std::min(fewest_streams, heard.size());
    most_streams = std::max(most_streams, heard.size());
    if (i == 0) {
      first_set = heard;
    }
    same_streams += heard == first_set ? 1 : 0;
    worst_share = std::min(worst_share, static_cast<double>(total) / (per_speaker * forwarded_n));
  }
  const int listeners_n = clients - voices;
  // What the selected speakers sent meanwhile (their talk, the encoder's
  // hangover and DTX after it, the average speaker's count), to every listener.
  const double wanted = per_speaker * forwarded_n * listeners_n;
  std::printf(
      "Voice: %d members' client::Calls send a steady tone (Opus, 50 packets/s, no DTX, all at "
      "the same level) for %.1f s; the other %d count the packets of each voice stream reaching "
      "them (TCP fallback inside their TLS channel: they have no Call to choose UDP). parleyd "
      "forwards the %d loudest voices (max_forwarded_speakers), so a listener wants %d streams' "
      "packets, not %d.\n\n"
      "| listener packets wanted (%d streams each) | received | share | worst listener's share | "
      "streams heard by a listener (fewest / most, want %d) | listeners hearing the same streams "
      "| server RSS while talking |\n|---|---|---|---|---|---|---|\n"
      "| %.0f | %llu | %.1f%% | %.1f%% | %zu / %zu | %d / %d | %ld KiB |\n",
      voices, voice_seconds, listeners_n, forwarded_n, forwarded_n, voices, forwarded_n,
      forwarded_n, wanted, static_cast<unsigned long long>(voice_received),
      100.0 * static_cast<double>(voice_received) / wanted, 100.0 * worst_share, fewest_streams,
      most_streams, same_streams, listeners_n, rss_voice);
  for (auto& s : sessions) {
    s->stop();
    s->setMediaLink(nullptr);
  }
  for (auto& v : voice) {
    v->call->stop();
  }

  return 0;
}
