// The interconnection hop (issue 22's benchmark; docs/interconnect.md,
// docs/benchmarks.md): two MediaRouters, "a" and "b", linked by their
// interconnect media ports on loopback, as two parleyd do. A talker on "a"
// sends a voice packet every 5 ms; a listener on "a" and N listeners on "b"
// receive it. Per packet, the far listener's arrival minus the near one's is
// what the hop adds (b's router, the relay socket, a's relay send). The
// bytes "a" sends to "b" per second, for N = 1, 4, 16, show that a stream
// crosses once, however many listen on the far side. Prints Markdown; not a
// test: nothing here fails on a number.
//
//   interconnect_bench [seconds per round]   (default 3)

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/base/clock.h"
#include "core/server/media/media_router.h"
#include "core/server/observability/server_metrics.h"
#include "net/io_thread.h"
#include "tests/bench/media_port_member.h"

using namespace parley;
using bench::countersOf;
using bench::keying;
using bench::Member;
using bench::rtp;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t kVoiceBytes = 120;  // an Opus frame with its RTP header
constexpr auto kPacketInterval = std::chrono::milliseconds(5);
constexpr std::uint64_t kTalker = 1;
constexpr std::uint64_t kNearListener = 2;
constexpr std::uint64_t kTalkerOnB = 1000;  // the talker's remote leg on "b"
constexpr std::uint64_t kFarListeners = 2001;

struct RoundResult {
  std::size_t far_listeners = 0;
  std::size_t packets = 0;
  std::vector<double> added_ms;  // far arrival - near arrival, per packet
  double relay_packets_per_sent = 0;
  double relay_kbps = 0;
  double sent_kbps = 0;
  double far_received_per_listener = 0;  // share of the sent packets
};

RoundResult runRound(std::size_t far_count, int seconds) {
  net::IoThreads threads_a(1);
  net::IoThreads threads_b(1);
  server::ServerMetrics metrics_a;
  server::ServerMetrics metrics_b;
  server::MediaRouterConfig config;
  config.udp = asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
  config.udp_alive = std::chrono::hours(1);
  config.max_forwarded_speakers = 0;
  auto a = std::make_shared<server::MediaRouter>(threads_a.context(), config, metrics_a,
                                                 SystemClock::instance());
  auto b = std::make_shared<server::MediaRouter>(threads_b.context(), config, metrics_b,
                                                 SystemClock::instance());
  const auto loopback = asio::ip::make_address("127.0.0.1");
  const auto port_a = a->start().value();
  const auto port_b = b->start().value();
  const auto relay_a = a->startRelay(asio::ip::udp::endpoint(loopback, 0)).value();
  const auto relay_b = b->startRelay(asio::ip::udp::endpoint(loopback, 0)).value();
  const auto link_keys = keying(99);
  a->setRelayPeer({"b", asio::ip::udp::endpoint(loopback, relay_b), link_keys, true});
  b->setRelayPeer({"a", asio::ip::udp::endpoint(loopback, relay_a), link_keys, false});

  asio::io_context io;
  Member talker(io, kTalker, "127.0.0.1");
  Member near(io, kNearListener, "127.0.0.1");
  std::vector<std::unique_ptr<Member>> far;
  a->addLeg(talker.info);
  a->addLeg(near.info);
  a->setClientUsesUdp(kNearListener, true);
  a->addRelayRoom("b", "bench");
  b->addRemoteLeg(kTalkerOnB, "bench", "a", kTalker);
  for (std::size_t i = 0; i < far_count; ++i) {
    far.push_back(std::make_unique<Member>(io, kFarListeners + i, "127.0.0.1"));
    b->addLeg(far.back()->info);
    b->setClientUsesUdp(kFarListeners + i, true);
  }
  const asio::ip::udp::endpoint server_a(loopback, port_a);
  const asio::ip::udp::endpoint server_b(loopback, port_b);
  talker.confirm(server_a);
  near.confirm(server_a);
  for (auto& m : far) {
    m->confirm(server_b);
  }

  // Arrival times from the kernel (SO_TIMESTAMPNS), not from when this
  // thread woke: two packets read in one wake-up still differ.
  std::map<std::uint16_t, double> near_at;
  std::map<std::uint16_t, double> far_at;
  const int on = 1;
  ::setsockopt(near.socket.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  ::setsockopt(far.front()->socket.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  std::atomic<bool> stop{false};
  std::uint64_t far_received = 0;
  std::thread listen([&] {
    std::vector<pollfd> fds;
    fds.push_back({near.socket.native_handle(), POLLIN, 0});
    for (auto& m : far) {
      fds.push_back({m->socket.native_handle(), POLLIN, 0});
    }
    std::vector<std::byte> packet(2048);
    alignas(cmsghdr) char control[128];
    while (!stop.load()) {
      if (poll(fds.data(), fds.size(), 50) <= 0) {
        continue;
      }
      for (std::size_t i = 0; i < fds.size(); ++i) {
        if ((fds[i].revents & POLLIN) == 0) {
          continue;
        }
        iovec vec{packet.data(), packet.size()};
        msghdr msg{};
        msg.msg_iov = &vec;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const auto n = ::recvmsg(fds[i].fd, &msg, MSG_DONTWAIT);
        // RTCP (RFC 5761: second byte 192-223) or nothing: not counted.
        if (n < 12 ||
            (static_cast<unsigned>(packet[1]) >= 192 && static_cast<unsigned>(packet[1]) <= 223)) {
          continue;
        }
        const auto seq = static_cast<std::uint16_t>((static_cast<unsigned>(packet[2]) << 8) |
                                                    static_cast<unsigned>(packet[3]));
        double at = -1;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts{};
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            at = static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
          }
        }
        if (i == 0) {
          near_at.emplace(seq, at);
        } else {
          ++far_received;
          if (i == 1) {
            far_at.emplace(seq, at);
          }
        }
      }
    }
  });

  const auto before = countersOf(*a);
  const auto start = Steady::now();
  std::uint16_t seq = 1;
  std::size_t sent = 0;
  auto next = Steady::now();
  while (Steady::now() - start < std::chrono::seconds(seconds)) {
    auto packet = talker.protect(rtp(talker.info.ssrcs[0], seq++, kVoiceBytes), false);
    talker.socket.send_to(asio::buffer(packet), server_a);
    ++sent;
    next += kPacketInterval;
    std::this_thread::sleep_until(next);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double wall = std::chrono::duration<double>(Steady::now() - start).count();
  const auto after = countersOf(*a);
  const auto far_side = countersOf(*b);
  if (std::getenv("PARLEY_BENCH_DEBUG") != nullptr) {
    std::fprintf(stderr,
                 "b: relayed_in %llu relay_dropped %llu forwarded %llu rtp_in %llu unknown %llu\n",
                 static_cast<unsigned long long>(far_side.relayed_in),
                 static_cast<unsigned long long>(far_side.relay_dropped),
                 static_cast<unsigned long long>(far_side.forwarded_packets),
                 static_cast<unsigned long long>(far_side.rtp_in),
                 static_cast<unsigned long long>(far_side.dropped_unknown_ssrc));
  }
  stop = true;
  listen.join();
  a->stop();
  b->stop();

  RoundResult r;
  r.far_listeners = far_count;
  r.packets = sent;
  for (const auto& [s, t] : far_at) {
    if (auto n = near_at.find(s); n != near_at.end() && t >= 0 && n->second >= 0) {
      r.added_ms.push_back(t - n->second);
    }
  }
  std::sort(r.added_ms.begin(), r.added_ms.end());
  const auto relayed = static_cast<double>(after.relayed_out - before.relayed_out);
  r.relay_packets_per_sent = relayed / static_cast<double>(sent);
  // SRTP adds its 10-byte tag to each packet; UDP/IP headers are not counted.
  r.relay_kbps = relayed * (kVoiceBytes + 10) * 8 / wall / 1000;
  r.sent_kbps = static_cast<double>(sent) * (kVoiceBytes + 10) * 8 / wall / 1000;
  r.far_received_per_listener = static_cast<double>(far_received) / static_cast<double>(far_count) /
                                static_cast<double>(sent);
  return r;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) {
    return 0;
  }
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[i];
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const int seconds = argc > 1 ? std::max(1, std::stoi(argv[1])) : 3;
  std::printf("### The interconnection hop (`tests/bench/interconnect_bench %d`)\n\n", seconds);
  std::printf(
      "One voice packet (%zu B) every 5 ms from a talker on router a; one listener on a, N on b "
      "(a and b linked by their interconnect ports on loopback). Added: far arrival minus near "
      "arrival, per packet. Crossing: packets a sent to b per packet the talker sent.\n\n",
      kVoiceBytes);
  std::printf(
      "| listeners on b | packets | added median ms | p90 ms | p99 ms | max ms | crossing per "
      "packet | a -> b kbit/s | talker kbit/s | each far listener got |\n");
  std::printf("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const std::size_t n : {1, 4, 16}) {
    const auto r = runRound(n, seconds);
    std::printf("| %zu | %zu | %.3f | %.3f | %.3f | %.3f | %.2f | %.1f | %.1f | %.1f %% |\n", n,
                r.packets, percentile(r.added_ms, 0.5), percentile(r.added_ms, 0.9),
                percentile(r.added_ms, 0.99), r.added_ms.empty() ? 0.0 : r.added_ms.back(),
                r.relay_packets_per_sent, r.relay_kbps, r.sent_kbps,
                100.0 * r.far_received_per_listener);
    std::fflush(stdout);
  }
  return 0;
}
