// packet_delay: the lab's delay element. The kernel here has no netem, so
// packets are held in user space instead: iptables sends every forwarded
// packet of a namespace to NFQUEUE, this program keeps each one for a fixed
// time and then lets it go on (NF_ACCEPT). A router namespace that runs it
// with --delay-ms 20 adds 40 ms to every round trip through it, for TCP
// handshakes, TLS and proxies alike, without terminating any connection
// (a TCP relay would make every port look open). See
// docs/adr/0006-lab-delay-element.md.
//
//   packet_delay --queue 0 --delay-ms 20 [--max-held 20000]
//
// Ends on SIGTERM/SIGINT, releasing what it holds. Packets beyond
// --max-held are let through at once (counted) rather than dropped, so the
// delay element never turns into a loss element.

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

struct State {
  std::chrono::milliseconds delay{20};
  std::size_t max_held = 20000;
  std::deque<Held> held;
  std::uint64_t passed_at_once = 0;
  nfq_q_handle* queue = nullptr;
};

volatile std::sig_atomic_t g_stop = 0;

void onSignal(int /*signo*/) { g_stop = 1; }

int onPacket(nfq_q_handle* queue, nfgenmsg* /*msg*/, nfq_data* data, void* user) {
  auto& state = *static_cast<State*>(user);
  const nfqnl_msg_packet_hdr* header = nfq_get_msg_packet_hdr(data);
  if (header == nullptr) {
    return 0;
  }
  const std::uint32_t id = ntohl(header->packet_id);
  if (state.held.size() >= state.max_held) {
    ++state.passed_at_once;
    return nfq_set_verdict(queue, id, NF_ACCEPT, 0, nullptr);
  }
  state.held.push_back(Held{id, Clock::now() + state.delay});
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
  std::fprintf(stderr, "usage: packet_delay --queue N --delay-ms MS [--max-held N]\n");
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
    const long value = std::strtol(argv[++i], nullptr, 10);
    if (arg == "--queue" && value >= 0 && value < 65536) {
      queue_num = static_cast<int>(value);
    } else if (arg == "--delay-ms" && value >= 0 && value <= 10000) {
      state.delay = std::chrono::milliseconds(value);
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
  std::printf("packet_delay: queue %d, %lld ms\n", queue_num,
              static_cast<long long>(state.delay.count()));
  std::fflush(stdout);

  alignas(8) static char buffer[65536];
  while (g_stop == 0) {
    int timeout_ms = 100;
    if (!state.held.empty()) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
          state.held.front().release_at - Clock::now());
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
  std::fprintf(stderr, "packet_delay: done (%llu passed at once)\n",
               static_cast<unsigned long long>(state.passed_at_once));
  nfq_destroy_queue(state.queue);
  nfq_close(handle);
  return 0;
}
