// One big room, measured (target 6, docs/benchmarks.md "(h) One room at
// scale"): N real ClientSessions (default 1000) join one room of a local
// parleyd; the server's resident memory before and after the joins gives
// KiB per client. Then several of the members send chat at once and every
// member checks it received every message, in each sender's order, and how
// late; the worst member is reported. Then V of the members (default 100)
// speak and the others listen.
//
// Media as the product carries it, without what only a person needs: every
// member's media side is a client::HeadlessMediaLink, the client library's
// MediaTransport (SRTP keys from the TLS channel's exporter, the UDP probe
// and address check, then SRTP over UDP) without devices or codecs. A
// listener decrypts every voice packet and counts it per speaker, with gaps
// and reordering by sequence number. A speaker loops a few seconds of Opus
// encoded once at start (libopus through media::OpusEncoder, the RFC 6464
// level on every packet as the audio engine sets it) and sends a frame every
// 20 ms through its link. parleyd forwards the loudest 3 voices only, so each
// listener wants 3 streams.
//
//   --call-speakers  the speakers are full client::Calls instead (echo
//                    canceller off, Opus encoding a tone live, the mixer), as
//                    before: 100 of them starve two cores.
//   --tcp-listeners  every link keeps to the TCP fallback inside its TLS
//                    channel (MediaTransportConfig::allow_udp false).
//   ROOM_SCALE_VOICE_SECONDS=S  a longer voice phase (default 5), to profile.
//
// Prints a Markdown section; scripts/bench appends it. Not a test: nothing
// here fails on a number.
//
//   room_scale_bench [clients] [voice senders] [--call-speakers] [--tcp-listeners]
//                                                  (default 1000 100)

#include <sys/resource.h>
#include <unistd.h>

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
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include "core/client/call/call.h"
#include "core/client/call/headless_media_link.h"
#include "core/client/client_session.h"
#include "media/audio/opus_encoder.h"
#include "media/engine/file_audio_devices.h"
#include "media/rtp/audio_level.h"
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

client::HeadlessMediaStats linkStats(client::HeadlessMediaLink& link) {
  std::promise<client::HeadlessMediaStats> p;
  auto f = p.get_future();
  link.stats([&p](client::HeadlessMediaStats s) { p.set_value(std::move(s)); });
  if (f.wait_for(120s) != std::future_status::ready) {
    std::fprintf(stderr, "room_scale_bench: link stats did not arrive\n");
    std::abort();
  }
  return f.get();
}

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

// One 20 ms frame of prepared voice: Opus from the product's encoder and the
// level the audio engine would have put on it.
struct PreparedFrame {
  std::vector<std::byte> opus;
  media::AudioLevel level;
};

// Encodes kPreparedSeconds of a voiced sound once (a 150 Hz fundamental
// with falling harmonics, its loudness swelling at a syllable rate of 4 Hz,
// so the encoder works as on speech rather than on a pure tone), with the
// default encoder settings of a call. Every light speaker loops it.
std::vector<PreparedFrame> prepareVoice() {
  constexpr int kPreparedSeconds = 4;
  auto encoder = media::OpusEncoder::create();
  if (!encoder) {
    std::fprintf(stderr, "room_scale_bench: %s\n", encoder.error().toString().c_str());
    std::abort();
  }
  std::vector<PreparedFrame> frames;
  std::array<std::byte, media::kMaxOpusPacketBytes> out{};
  std::uint64_t n = 0;
  for (int f = 0; f < kPreparedSeconds * 50; ++f) {
    media::AudioFrame frame{};
    for (auto& s : frame) {
      const double t = static_cast<double>(n++) / 48000.0;
      const double swell = 0.6 + 0.4 * std::sin(2.0 * std::numbers::pi * 4.0 * t);
      double v = 0;
      for (int h = 1; h <= 6; ++h) {
        v += std::sin(2.0 * std::numbers::pi * 150.0 * h * t) / h;
      }
      s = static_cast<std::int16_t>(4000.0 * swell * v);
    }
    auto size = encoder->encode(frame, out);
    if (!size) {
      std::abort();
    }
    PreparedFrame prepared;
    prepared.opus.assign(out.begin(), out.begin() + static_cast<long>(*size));
    prepared.level =
        media::AudioLevel{media::pcmLevelDbov(frame), !media::OpusEncoder::isDtxPacket(*size)};
    frames.push_back(std::move(prepared));
  }
  return frames;
}

// A light speaker: sends the prepared frames as its leg's voice through its
// HeadlessMediaLink (SRTP, UDP) every 20 ms of an absolute schedule. A
// late wake-up sends the frames due meanwhile (as an audio device hands over
// what it buffered), at most kCatchUp; beyond that they are skipped and counted.
class PacedSpeaker {
 public:
  static constexpr int kCatchUp = 5;

  PacedSpeaker(asio::io_context& io, client::HeadlessMediaLink& link,
               const std::vector<PreparedFrame>& frames, std::size_t first_frame)
      : strand_(asio::make_strand(io)),
        timer_(strand_),
        link_(link),
        frames_(frames),
        next_frame_(first_frame % frames.size()) {}

  void start(Steady::time_point first) {
    asio::post(strand_, [this, first] {
      due_ = first;
      arm();
    });
  }
  // Waits until no handler of this speaker runs or will run.
  void stop() {
    std::promise<void> done;
    auto finished = done.get_future();
    asio::post(strand_, [this, &done] {
      stopped_ = true;
      timer_.cancel();
      done.set_value();
    });
    finished.wait();
  }
  [[nodiscard]] std::uint64_t skipped() const { return skipped_.load(); }

 private:
  void arm() {
    timer_.expires_at(due_);
    timer_.async_wait([this](const asio::error_code& ec) {
      if (ec || stopped_) {
        return;
      }
      tick();
    });
  }
  void tick() {
    const auto now = Steady::now();
    int sent = 0;
    while (due_ <= now) {
      if (sent < kCatchUp) {
        const auto& f = frames_[next_frame_];
        link_.sendAudio(f.opus, f.level);
        ++sent;
      } else {
        skipped_.fetch_add(1);
      }
      next_frame_ = (next_frame_ + 1) % frames_.size();
      due_ += 20ms;
    }
    arm();
  }

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer timer_;
  client::HeadlessMediaLink& link_;
  const std::vector<PreparedFrame>& frames_;
  std::size_t next_frame_;
  Steady::time_point due_{};
  bool stopped_ = false;  // on the strand
  std::atomic<std::uint64_t> skipped_{0};
};

// CPU time of a process (or one of its threads: /proc/PID/task/TID) in
// seconds, from its stat file.
double cpuSeconds(const std::string& stat_path) {
  std::ifstream in(stat_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) {
    return 0;
  }
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) {
      utime = std::stoull(field);
    } else if (i == 15) {
      stime = std::stoull(field);
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Every thread's CPU seconds, by TID.
std::map<int, double> threadCpu(pid_t pid) {
  std::map<int, double> out;
  std::error_code ec;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    out[std::stoi(it->path().filename().string())] = cpuSeconds(it->path().string() + "/stat");
  }
  return out;
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  std::string five;
  std::string fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// The host's UDP counters (/proc/net/snmp "Udp:"), by name: loopback is
// shared, so they count other processes' datagrams too.
std::map<std::string, long long> udpCounters() {
  std::ifstream in("/proc/net/snmp");
  std::string names;
  std::string values;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Udp: ", 0) == 0) {
      (names.empty() ? names : values) = line.substr(5);
    }
  }
  std::map<std::string, long long> out;
  std::istringstream n(names);
  std::istringstream v(values);
  std::string name;
  long long value = 0;
  while (n >> name && v >> value) {
    out[name] = value;
  }
  return out;
}

template <typename T>
T median(std::vector<T> values) {
  if (values.empty()) {
    return T{};
  }
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Voice {
  ToneInput mic;
  media::NullOutput speaker;
  std::unique_ptr<client::Call> call;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  bool call_speakers = false;
  bool tcp_listeners = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--call-speakers") {
      call_speakers = true;
    } else if (arg == "--tcp-listeners") {
      tcp_listeners = true;
    } else {
      positional.push_back(arg);
    }
  }
  const int clients = !positional.empty() ? std::atoi(positional[0].c_str()) : 1000;
  const int voices =
      std::min(positional.size() > 1 ? std::atoi(positional[1].c_str()) : 100, clients);
  if (clients < 2 || voices < 1 || voices >= clients) {
    std::fprintf(stderr,
                 "usage: room_scale_bench [clients] [voice senders] [--call-speakers] "
                 "[--tcp-listeners]\n");
    return 2;
  }
  // ROOM_SCALE_VOICE_SECONDS: a longer voice phase (to profile parleyd in it).
  const auto voice_for = std::chrono::milliseconds(
      static_cast<long>(1000.0 * (std::getenv("ROOM_SCALE_VOICE_SECONDS") != nullptr
                                      ? std::atof(std::getenv("ROOM_SCALE_VOICE_SECONDS"))
                                      : std::chrono::duration<double>(kVoiceSeconds).count())));
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

  std::fprintf(stderr, "room_scale_bench: parleyd pid %d\n", static_cast<int>(server.pid()));

  net::IoThreads io(2);
  SendTimes sent;
  client::CallConfig call_config;
  call_config.transport.dscp.enabled = false;
  call_config.audio.echo_cancellation = false;
  // A hundred real-time audio threads would starve everything else on two
  // shared cores (the sessions' handshakes first).
  call_config.audio.realtime_priority = false;
  // Listeners and light speakers: the product's media transport (SRTP keys
  // from the channel, UDP after the probe's answer) without devices or codecs.
  client::MediaTransportConfig link_config;
  link_config.dscp.enabled = false;
  link_config.allow_udp = !tcp_listeners;
  const auto prepared = prepareVoice();
  std::vector<std::unique_ptr<Member>> members;
  std::vector<std::unique_ptr<client::HeadlessMediaLink>> links(static_cast<std::size_t>(clients));
  std::vector<std::unique_ptr<Voice>> voice(static_cast<std::size_t>(call_speakers ? voices : 0));
  std::vector<std::unique_ptr<PacedSpeaker>> paced;
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
    if (speaks && call_speakers) {
      auto& v = voice[static_cast<std::size_t>(i - (clients - voices))];
      v = std::make_unique<Voice>();
      v->call = std::make_unique<client::Call>(io.context().get_executor(), call_config, v->mic,
                                               v->speaker, SystemClock::instance());
      sessions.back()->setMediaLink(v->call.get());
      continue;
    }
    auto& link = links[static_cast<std::size_t>(i)];
    link = std::make_unique<client::HeadlessMediaLink>(io.context().get_executor(), link_config,
                                                       SystemClock::instance());
    sessions.back()->setMediaLink(link.get());
    if (speaks) {
      // Each speaker starts at another place in the prepared voice.
      paced.push_back(std::make_unique<PacedSpeaker>(io.context(), *link, prepared,
                                                     static_cast<std::size_t>(i) * 7));
    }
  }
  // Batches of 100, each joined before the next starts: the server gives a
  // connection a fixed time from accept to signed in.
  const auto join_start = Steady::now();
  constexpr int kBatch = 100;
  int joined = 0;
  long rss_no_media = -1;
  for (int first = 0, end = 0; first < clients; first = end) {
    // The listeners' last batch ends where the speakers begin.
    end = std::min(first + kBatch, first < clients - voices ? clients - voices : clients);
    if (first == clients - voices) {
      // Everyone but the speakers: no media has flowed yet.
      std::this_thread::sleep_for(2s);
      rss_no_media = rssKiB(server.pid());
    }
    for (int i = first; i < end; ++i) {
      // A speaker's Call starts before its session, as the product does
      // (silent until armed); the speakers join last, so their audio
      // threads do not slow the other joins.
      if (call_speakers && i >= clients - voices &&
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
      "`tests/bench/room_scale_bench %d %d%s%s`: real ClientSessions in the bench process "
      "(racing connector, direct routes), joined in batches of %d; parleyd a separate "
      "process on the same 2 cores. RLIMIT_NOFILE %llu (parleyd inherits it); parleyd's "
      "open descriptors %d before, %d with everyone joined.\n\n"
      "| joined | join s | server RSS before | %d joined, no media yet | KiB per client | "
      "all joined, every media leg up | KiB per client (target < 100) | "
      "ratio to target |\n|---|---|---|---|---|---|---|---|\n"
      "| %d / %d | %.1f | %ld KiB | %ld KiB | %.1f | %ld KiB | %.1f | %.0f%% |\n\n",
      clients, voices, clients, voices, call_speakers ? " --call-speakers" : "",
      tcp_listeners ? " --tcp-listeners" : "", kBatch,
      static_cast<unsigned long long>(limit.rlim_cur), fds_before, fds_joined, clients - voices,
      joined, clients, join_seconds, rss_before, rss_no_media,
      static_cast<double>(rss_no_media - rss_before) / (clients - voices), rss_joined, per_client,
      per_client);
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

  // Voice: the speakers talk for voice_for. What listeners counted before
  // (the full calls' DTX keep-alives) is subtracted.
  const int listeners_n = clients - voices;
  auto speakerSent = [&](int k) -> std::uint64_t {
    const auto i = static_cast<std::size_t>(clients - voices + k);
    return call_speakers ? packetsSent(*voice[static_cast<std::size_t>(k)]->call)
                         : linkStats(*links[i]).audio_sent;
  };
  std::vector<client::HeadlessMediaStats> before(static_cast<std::size_t>(listeners_n));
  for (int i = 0; i < listeners_n; ++i) {
    before[static_cast<std::size_t>(i)] = linkStats(*links[static_cast<std::size_t>(i)]);
  }
  const auto on_udp_before =
      std::count_if(before.begin(), before.end(), [](const auto& b) { return b.path == "udp"; });
  std::fprintf(stderr, "room_scale_bench: %ld of %d listeners on UDP before the voice phase\n",
               static_cast<long>(on_udp_before), listeners_n);
  std::vector<std::uint64_t> sent_before(static_cast<std::size_t>(voices));
  for (int k = 0; k < voices; ++k) {
    sent_before[static_cast<std::size_t>(k)] = speakerSent(k);
  }
  const std::string load_before = loadAverage();
  const auto udp_before = udpCounters();
  const double server_cpu_before = cpuSeconds("/proc/" + std::to_string(server.pid()) + "/stat");
  const auto server_threads_before = threadCpu(server.pid());
  const double bench_cpu_before = cpuSeconds("/proc/self/stat");
  const auto voice_start = Steady::now();
  if (call_speakers) {
    for (auto& v : voice) {
      v->mic.talk(true);
    }
  } else {
    // Spread over one frame interval, as independent speakers would be.
    for (std::size_t k = 0; k < paced.size(); ++k) {
      paced[k]->start(voice_start + std::chrono::microseconds(20000 * static_cast<long>(k) /
                                                              static_cast<long>(paced.size())));
    }
  }
  std::this_thread::sleep_for(voice_for);
  const long rss_voice = rssKiB(server.pid());
  for (auto& v : voice) {
    v->mic.talk(false);
  }
  for (auto& p : paced) {
    p->stop();
  }
  const double voice_seconds = std::chrono::duration<double>(Steady::now() - voice_start).count();
  const double server_cpu =
      cpuSeconds("/proc/" + std::to_string(server.pid()) + "/stat") - server_cpu_before;
  const double bench_cpu = cpuSeconds("/proc/self/stat") - bench_cpu_before;
  double busiest_thread = 0;
  for (const auto& [tid, seconds] : threadCpu(server.pid())) {
    const auto it = server_threads_before.find(tid);
    busiest_thread =
        std::max(busiest_thread, seconds - (it == server_threads_before.end() ? 0 : it->second));
  }
  const std::string load_after = loadAverage();
  std::this_thread::sleep_for(3s);  // queued packets drain
  auto udp_delta = udpCounters();
  for (auto& [name, value] : udp_delta) {
    value -= udp_before.count(name) != 0 ? udp_before.at(name) : 0;
  }

  std::vector<double> send_rates;
  std::uint64_t voice_sent = 0;
  std::uint64_t speakers_udp = 0;
  std::uint64_t skipped = 0;
  for (int k = 0; k < voices; ++k) {
    const std::uint64_t n = speakerSent(k) - sent_before[static_cast<std::size_t>(k)];
    voice_sent += n;
    send_rates.push_back(static_cast<double>(n) / voice_seconds);
    if (!call_speakers) {
      const auto st = linkStats(*links[static_cast<std::size_t>(clients - voices + k)]);
      speakers_udp += st.path == "udp" ? 1 : 0;
    }
  }
  for (auto& p : paced) {
    skipped += p->skipped();
  }
  std::sort(send_rates.begin(), send_rates.end());
  // parleyd forwards the voices of the room's loudest kForwardedSpeakers
  // only ([media] max_forwarded_speakers, default 3): a listener should get
  // that many streams, each at the speakers' rate, and all listeners the
  // same ones.
  const int forwarded_n = std::min(kForwardedSpeakers, voices);
  const double per_speaker = static_cast<double>(voice_sent) / voices;
  const double wanted_each = per_speaker * forwarded_n;
  const double nominal_each = 50.0 * voice_seconds * forwarded_n;
  std::uint64_t voice_received = 0;
  std::uint64_t missing = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t refused = 0;      // SRTP: bad tag or replay, over the phase
  std::uint64_t via_channel = 0;  // packets that came inside the TLS channel
  int listeners_udp = 0;
  int listeners_with_reorder = 0;
  std::size_t fewest_streams = static_cast<std::size_t>(voices);
  std::size_t most_streams = 0;
  int same_streams = 0;
  std::vector<std::uint32_t> first_set;
  std::vector<double> shares;
  std::vector<double> nominal_shares;
  for (int i = 0; i < listeners_n; ++i) {
    const auto now = linkStats(*links[static_cast<std::size_t>(i)]);
    const auto& b = before[static_cast<std::size_t>(i)].streams;
    listeners_udp += now.path == "udp" ? 1 : 0;
    const auto& was_transport = before[static_cast<std::size_t>(i)].transport;
    refused += now.transport.dropped_auth - was_transport.dropped_auth;
    via_channel += now.transport.received_tcp - was_transport.received_tcp;
    std::uint64_t total = 0;
    std::uint64_t reordered = 0;
    std::vector<std::uint32_t> heard;
    for (const auto& [ssrc, st] : now.streams) {
      const auto it = b.find(ssrc);
      const client::HeadlessStreamStats zero;
      const auto& was = it == b.end() ? zero : it->second;
      const std::uint64_t talked = st.packets - was.packets;
      total += talked;
      missing += st.missing - was.missing;
      reordered += st.out_of_order - was.out_of_order;
      if (talked > 0) {
        heard.push_back(ssrc);  // std::map: in SSRC order
      }
    }
    voice_received += total;
    out_of_order += reordered;
    listeners_with_reorder += reordered > 0 ? 1 : 0;
    fewest_streams = std::min(fewest_streams, heard.size());
    most_streams = std::max(most_streams, heard.size());
    if (i == 0) {
      first_set = heard;
    }
    same_streams += heard == first_set ? 1 : 0;
    shares.push_back(static_cast<double>(total) / wanted_each);
    nominal_shares.push_back(static_cast<double>(total) / nominal_each);
  }
  std::sort(shares.begin(), shares.end());
  const double wanted = wanted_each * listeners_n;
  std::printf(
      "Voice (%s speakers, %s listeners): %d speakers send for %.1f s; the other %d decrypt "
      "and count each voice stream reaching them. parleyd forwards the %d loudest "
      "(max_forwarded_speakers), so a listener wants %d streams' packets. Load average "
      "%s before, %s after.\n\n"
      "| speakers' packets/s each: min / median / max (want 50) | frames skipped (speaker "
      "late) | speakers on UDP | listeners on UDP | listener packets wanted (%d x mean sent) | "
      "received | share | listener share: worst / median | worst / median of nominal 50/s | "
      "missing by sequence | out of order (listeners) | streams heard (fewest / most) | "
      "listeners hearing the same | parleyd CPU | its busiest thread | bench CPU | server RSS "
      "while talking |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
      "| %.1f / %.1f / %.1f | %llu | %s | %d / %d | %.0f | %llu | %.1f%% | %.1f%% / %.1f%% | "
      "%.1f%% / %.1f%% | %llu | %llu (%d) | %zu / %zu | %d / %d | %.0f%% | %.0f%% | %.0f%% | "
      "%ld KiB |\n\n",
      call_speakers ? "full client::Call" : "light (prepared Opus, HeadlessMediaLink)",
      tcp_listeners ? "TCP-fallback" : "UDP", voices, voice_seconds, listeners_n, forwarded_n,
      forwarded_n, load_before.c_str(), load_after.c_str(), forwarded_n, send_rates.front(),
      median(send_rates), send_rates.back(), static_cast<unsigned long long>(skipped),
      call_speakers ? "n/a"
                    : (std::to_string(speakers_udp) + " / " + std::to_string(voices)).c_str(),
      listeners_udp, listeners_n, wanted, static_cast<unsigned long long>(voice_received),
      100.0 * static_cast<double>(voice_received) / wanted, 100.0 * shares.front(),
      100.0 * median(shares),
      100.0 * *std::min_element(nominal_shares.begin(), nominal_shares.end()),
      100.0 * median(nominal_shares), static_cast<unsigned long long>(missing),
      static_cast<unsigned long long>(out_of_order), listeners_with_reorder, fewest_streams,
      most_streams, same_streams, listeners_n, 100.0 * server_cpu / voice_seconds,
      100.0 * busiest_thread / voice_seconds, 100.0 * bench_cpu / voice_seconds, rss_voice);
  std::printf(
      "Listeners' transports over the phase: %llu packets refused by SRTP (tag or replay "
      "window), %llu came inside the TLS channel. The host's UDP counters (all of loopback): "
      "%lld datagrams in, %lld out, %lld receive-buffer drops, %lld send-buffer drops.\n\n",
      static_cast<unsigned long long>(refused), static_cast<unsigned long long>(via_channel),
      udp_delta["InDatagrams"], udp_delta["OutDatagrams"], udp_delta["RcvbufErrors"],
      udp_delta["SndbufErrors"]);
  std::fflush(stdout);
  for (auto& s : sessions) {
    s->stop();
    s->setMediaLink(nullptr);
  }
  for (auto& v : voice) {
    v->call->stop();
  }
  for (auto& l : links) {
    if (l) {
      l->stop();
    }
  }

  return 0;
}
