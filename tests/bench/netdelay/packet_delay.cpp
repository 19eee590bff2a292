// packet_delay: the lab's delay element. The kernel here has no netem, so
// packets are held in user space instead: iptables sends every forwarded
// packet of a namespace to NFQUEUE, this program keeps each one for a fixed
// time and then lets it go on (NF_ACCEPT). A router namespace that runs it
// with --delay-ms 20 adds 40 ms to every round trip through it, for TCP
// handshakes, TLS and proxies alike, without terminating any connection
// (a TCP relay would make every port look open). See
// docs/adr/0006-lab-delay-element.md.
//
//   packet_delay --queue 0 --delay-ms 20 [--jitter-ms 0] [--gilbert P,R[,BAD[,GOOD]]]
//                [--seed N] [--max-held 20000]
//
// --jitter-ms J adds a uniform 0..J ms to each packet's hold, never letting a
// packet overtake the one before it (one path, one queue: jitter without
// reordering). --gilbert drops packets by a Gilbert-Elliott model, the bursty
// loss of radio links: each packet first moves the state (good to bad with P
// percent, bad to good with R percent), then is lost with BAD percent in the
// bad state (default 100) and GOOD percent in the good one (default 0). The
// long-run loss is P/(P+R) of the packets for the defaults; a burst lasts
// 100/R packets on average. Random loss without bursts is the lab's nftables
// rule (numgen), not this program.
//
// Ends on SIGTERM/SIGINT, releasing what it holds, and prints what it did
// ("packet_delay: done: N packets, D dropped (...), H passed at once").
// Packets beyond --max-held are let through at once (counted) rather than
// dropped, so a full queue never turns into loss the model did not ask for.

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <random>
#include <string>

extern "C" {
#include <libnetfilter_queue/libnetfilter_queue.h>
}

namespace {

using Clock = std::chrono::steady_clock;

struct Held {
  std::uint32_t id;
  Clock::time_point release_at;
};

// Percentages, as given on the command line.
struct GilbertElliott {
  double to_bad = 0;
  double to_good = 100;
  double loss_bad = 100;
  double loss_good = 0;
  bool enabled = false;
};

struct State {
  std::chrono::milliseconds delay{20};
  std::chrono::microseconds jitter{0};
  GilbertElliott model;
  bool bad = false;
  std::mt19937_64 random{1};
  std::size_t max_held = 20000;
  std::deque<Held> held;
  std::uint64_t packets = 0;
  std::uint64_t dropped = 0;
  std::uint64_t dropped_in_bad = 0;
  std::uint64_t bursts = 0;
  std::uint64_t passed_at_once = 0;
  nfq_q_handle* queue = nullptr;
};

bool chance(State& state, double percent) {
  return std::uniform_real_distribution<double>(0.0, 100.0)(state.random) < percent;
}

// Moves the model one packet on; true when this packet is lost.
bool gilbertDrops(State& state) {
  const GilbertElliott& m = state.model;
  if (!m.enabled) {
    return false;
  }
  const bool was_bad = state.bad;
  state.bad = was_bad ? !chance(state, m.to_good) : chance(state, m.to_bad);
  if (state.bad && !was_bad) {
    ++state.bursts;
  }
  return chance(state, state.bad ? m.loss_bad : m.loss_good);
}

Clock::time_point releaseTime(State& state) {
  auto at = Clock::now() + state.delay;
  if (state.jitter.count() > 0) {
    at += std::chrono::microseconds(
        std::uniform_int_distribution<std::int64_t>(0, state.jitter.count())(state.random));
  }
  // In order: a packet never leaves before the one queued ahead of it.
  if (!state.held.empty() && at < state.held.back().release_at) {
    at = state.held.back().release_at;
  }
  return at;
}

// "P,R[,BAD[,GOOD]]", each 0..100.
bool parseGilbert(const std::string& text, GilbertElliott& out) {
  double values[4] = {0, 0, 100, 0};
  std::size_t count = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? comma : comma - start);
    char* end = nullptr;
    const double v = std::strtod(part.c_str(), &end);
    if (count == 4 || part.empty() || *end != '\0' || !(v >= 0.0 && v <= 100.0)) {
      return false;
    }
    values[count++] = v;
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  if (count < 2 || values[1] <= 0.0) {
    return false;
  }
  out = GilbertElliott{values[0], values[1], values[2], values[3], true};
  return true;
}

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int /*signo*/) { g_stop = 1; }

int onPacket(nfq_q_handle* queue, nfgenmsg* /*msg*/, nfq_data* data, void* user) {
  auto& state = *static_cast<State*>(user);
  const nfqnl_msg_packet_hdr* header = nfq_get_msg_packet_hdr(data);
  if (header == nullptr) {
    return 0;
  }
  const std::uint32_t id = ntohl(header->packet_id);
  ++state.packets;
  if (gilbertDrops(state)) {
    ++state.dropped;
    state.dropped_in_bad += state.bad ? 1 : 0;
    return nfq_set_verdict(queue, id, NF_DROP, 0, nullptr);
  }
  if (state.held.size() >= state.max_held) {
    ++state.passed_at_once;
    return nfq_set_verdict(queue, id, NF_ACCEPT, 0, nullptr);
  }
  state.held.push_back(Held{id, releaseTime(state)});
  return 0;
}

void releaseDue(State& state, bool all) {
  const auto now = Clock::now();
  while (!state.held.empty() && (all || state.held.front().release_at <= now)) {
    nfq_set_verdict(state.queue, state.held.front().id, NF_ACCEPT, 0, nullptr);
    state.held.pop_front();
  }
}

int usage() {
  std::fprintf(stderr,
               "usage: packet_delay --queue N --delay-ms MS [--jitter-ms MS] "
               "[--gilbert P,R[,BAD[,GOOD]]] [--seed N] [--max-held N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  State state;
  int queue_num = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) {
      return usage();
    }
    const std::string text = argv[++i];
    if (arg == "--gilbert") {
      if (!parseGilbert(text, state.model)) {
        std::fprintf(stderr,
                     "packet_delay: --gilbert wants P,R[,BAD[,GOOD]] percentages "
                     "(0..100, R above 0), got '%s'\n",
                     text.c_str());
        return 2;
      }
      continue;
    }
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0') {
      return usage();
    }
    if (arg == "--queue" && value >= 0 && value < 65536) {
      queue_num = static_cast<int>(value);
    } else if (arg == "--delay-ms" && value >= 0 && value <= 10000) {
      state.delay = std::chrono::milliseconds(value);
    } else if (arg == "--jitter-ms" && value >= 0 && value <= 10000) {
      state.jitter = std::chrono::milliseconds(value);
    } else if (arg == "--seed" && value >= 0) {
      state.random.seed(static_cast<std::uint64_t>(value));
    } else if (arg == "--max-held" && value > 0 && value <= 1000000) {
      state.max_held = static_cast<std::size_t>(value);
    } else {
      return usage();
    }
  }

  nfq_handle* handle = nfq_open();
  if (handle == nullptr) {
    std::perror("packet_delay: nfq_open");
    return 1;
  }
  state.queue = nfq_create_queue(handle, static_cast<std::uint16_t>(queue_num), &onPacket, &state);
  if (state.queue == nullptr) {
    std::perror("packet_delay: nfq_create_queue");
    return 1;
  }
  // Only the verdict matters: no payload is copied to user space.
  nfq_set_mode(state.queue, NFQNL_COPY_META, 0);
  nfq_set_queue_maxlen(state.queue, static_cast<std::uint32_t>(state.max_held * 2));
  // If this program stalls, the kernel lets packets through rather than drop them.
  nfq_set_queue_flags(state.queue, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);

  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  const int fd = nfq_fd(handle);
  std::printf(
      "packet_delay: queue %d, %lld ms + 0..%lld ms jitter, gilbert %s %.2f,%.2f,%.1f,%.1f\n",
      queue_num, static_cast<long long>(state.delay.count()),
      static_cast<long long>(state.jitter.count() / 1000), state.model.enabled ? "on" : "off",
      state.model.to_bad, state.model.to_good, state.model.loss_bad, state.model.loss_good);
  std::fflush(stdout);

  alignas(8) static char buffer[65536];
  while (g_stop == 0) {
    int timeout_ms = 100;
    if (!state.held.empty()) {
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(state.held.front().release_at -
                                                                     Clock::now());
      timeout_ms = static_cast<int>(std::max<std::int64_t>(0, wait.count()));
    }
    pollfd pfd{fd, POLLIN, 0};
    const int ready = poll(&pfd, 1, timeout_ms);
    if (ready > 0) {
      // Drain every queued message before releasing.
      for (;;) {
        const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n <= 0) {
          break;
        }
        nfq_handle_packet(handle, buffer, static_cast<int>(n));
      }
    }
    releaseDue(state, false);
  }
  releaseDue(state, true);
  std::fprintf(stderr,
               "packet_delay: done: %llu packets, %llu dropped (%llu in %llu bursts), %llu "
               "passed at once\n",
               static_cast<unsigned long long>(state.packets),
               static_cast<unsigned long long>(state.dropped),
               static_cast<unsigned long long>(state.dropped_in_bad),
               static_cast<unsigned long long>(state.bursts),
               static_cast<unsigned long long>(state.passed_at_once));
  nfq_destroy_queue(state.queue);
  nfq_close(handle);
  return 0;
}
