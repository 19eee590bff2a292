// The media port under a flood of packets it must refuse, measured next to
// the forwarding of legitimate media in the same run (docs/benchmarks.md).
// Prints a Markdown section; scripts/bench appends it. Not a test: nothing
// here fails on a number.
//
// One MediaRouter on a real loopback UDP port (one media strand, as in
// parleyd). Alice sends video (1200 B RTP, kLegitPps packets a second,
// paced) to a room with bob, who counts what reaches him. Each round runs
// kSeconds; in the flood round an attacker thread sends as fast as it can,
// in turn: forged SRTP from an address that never signed in (alice's SSRC,
// and an SSRC nobody has), replays of alice's packets, mallory's packets
// under alice's SSRC (another member's SSRC), and mallory's genuine packets
// from a second address she never confirmed. The router's counters give the
// drops by reason; what the attacker sent but the router never counted was
// dropped by the kernel (the socket's receive buffer was full).
//
//   media_port_bench [seconds]     (default 3)
//
// Forwarding through real sockets (`media_port_bench forward [seconds]`,
// default 2 per round): one sender -> the media port on loopback -> M
// receivers (1, 4, 16), 100 B and 1200 B packets, each round twice: one
// datagram per system call, then recvmmsg/sendmmsg (MediaRouterConfig::
// batched_io). The sender protects and sends as fast as one thread can
// (sendmmsg, 32 at a time) with at most 4096 packets in flight; a thread
// drains the receivers. Figures per
// second of the media thread's CPU time (its pthread CPU clock), and the
// media port's system calls per packet in (UdpMediaSocket's counters).
// `forward SECONDS BYTES [RECEIVERS [MODE]]` runs only the rounds that match
// (one round under perf, or a build against another libsrtp2 side by side).

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <poll.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <time.h>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/post.hpp>

#include "core/server/media/media_router.h"
#include "core/server/media/media_ssrc.h"
#include "core/server/observability/server_metrics.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/rtp_packet.h"
#include "net/io_thread.h"
#include "net/media_transport/address_check.h"
#include "net/media_transport/srtp_session.h"
#include "tests/bench/media_port_member.h"
#include "tests/support/socket_wait.h"

using namespace parley;
using asio::ip::udp;
using Steady = std::chrono::steady_clock;

namespace {

using bench::countersOf;
using bench::keying;
using bench::Member;
using bench::rtp;

constexpr int kLegitPps = 1000;  // about 10 Mbit/s of video from alice
constexpr std::size_t kLegitBytes = 1200;
constexpr std::size_t kAttackBytes = 200;
constexpr std::size_t kAttackBatch = 50'000;  // pre-protected packets per kind

struct Round {
  double attack_sent_pps = 0;
  double dropped_pps = 0;  // counted by the router, every reason
  double dropped_auth_pps = 0;
  double dropped_unknown_pps = 0;
  double dropped_unconfirmed_pps = 0;
  double checks_pps = 0;
  double legit_sent_pps = 0;
  double legit_forwarded_pps = 0;
  double legit_received_pps = 0;
};

// The media thread's CPU clock, read from the bench's thread.
clockid_t mediaThreadClock(server::MediaRouter& router) {
  std::promise<clockid_t> p;
  asio::post(router.strand(), [&p] {
    clockid_t id{};
    pthread_getcpuclockid(pthread_self(), &id);
    p.set_value(id);
  });
  return p.get_future().get();
}

double cpuSeconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct ForwardRound {
  double in_per_core = 0;   // RTP packets the router took in, per CPU second
  double out_per_core = 0;  // datagrams the port sent
  double recv_calls_per_in = 0;
  double send_calls_per_in = 0;
  double cpu_share = 0;  // of the media thread, over the round's wall time
  double in_wall = 0;
  double received_wall = 0;   // what the receivers got, per wall second
  double kernel_dropped = 0;  // share of what the sender sent that the port never read
};

ForwardRound forwardRound(std::size_t bytes, std::size_t receivers, bool batched, bool segmented,
                          int seconds) {
  net::IoThreads threads(1);
  server::ServerMetrics metrics;
  server::MediaRouterConfig config;
  config.udp = udp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
  config.udp_alive = std::chrono::hours(1);
  config.batched_io = batched;
  config.segmented_sends = segmented;
  auto router = std::make_shared<server::MediaRouter>(threads.context(), config, metrics,
                                                      SystemClock::instance());
  auto port = router->start();
  if (!port) {
    throw std::runtime_error("media port: " + port.error().toString());
  }
  const udp::endpoint server(asio::ip::make_address("127.0.0.1"), *port);
  asio::io_context io;
  std::vector<std::unique_ptr<Member>> members;
  for (std::size_t i = 0; i <= receivers; ++i) {
    members.push_back(std::make_unique<Member>(io, i + 1, "127.0.0.1"));
    router->addLeg(members.back()->info);
    router->setClientUsesUdp(i + 1, true);
  }
  for (auto& m : members) {
    m->confirm(server);
    m->socket.set_option(asio::socket_base::receive_buffer_size(4 * 1024 * 1024));
    m->socket.non_blocking(true);
  }
  Member& sender = *members[0];
  const clockid_t media_clock = mediaThreadClock(*router);

  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> received{0};
  std::thread drain([&] {
    std::vector<pollfd> fds;
    for (std::size_t i = 1; i < members.size(); ++i) {
      fds.push_back({members[i]->socket.native_handle(), POLLIN, 0});
    }
    constexpr unsigned kBatch = 64;
    std::vector<std::byte> storage(kBatch * 2048);
    std::array<mmsghdr, kBatch> headers{};
    std::array<iovec, kBatch> vectors{};
    for (unsigned i = 0; i < kBatch; ++i) {
      vectors[i] = {storage.data() + i * 2048, 2048};
      headers[i].msg_hdr.msg_iov = &vectors[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    while (!stop.load()) {
      if (poll(fds.data(), fds.size(), 100) <= 0) {
        continue;
      }
      for (const auto& fd : fds) {
        if ((fd.revents & POLLIN) == 0) {
          continue;
        }
        for (int k = 0; k < 64; ++k) {
          const int n = recvmmsg(fd.fd, headers.data(), kBatch, MSG_DONTWAIT, nullptr);
          if (n <= 0) {
            break;
          }
          received.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
        }
      }
    }
  });
  std::atomic<std::uint64_t> sent{0};
  std::thread blast([&] {
    constexpr unsigned kBatch = 32;
    std::vector<std::vector<std::byte>> packets(kBatch);
    std::array<mmsghdr, kBatch> headers{};
    std::array<iovec, kBatch> vectors{};
    std::uint16_t seq = 1000;
    const int fd = sender.socket.native_handle();
    // Closed loop: at most kWindow packets in flight (sent, not yet at the
    // receivers), so the port always has a backlog to batch but its buffer
    // does not overflow by much: heavy drops make the router's SRTP index
    // guess go wrong once the 16-bit sequence wraps. What stays missing for
    // 2 ms counts as lost.
    constexpr std::uint64_t kWindow = 4096;
    const std::uint64_t fanout = receivers;
    std::uint64_t lost = 0;
    while (!stop.load()) {
      const auto give_up = Steady::now() + std::chrono::milliseconds(2);
      while (!stop.load() &&
             sent.load() > lost + received.load(std::memory_order_relaxed) / fanout + kWindow) {
        if (Steady::now() > give_up) {
          lost = sent.load() - received.load(std::memory_order_relaxed) / fanout;
          break;
        }
        std::this_thread::yield();
      }
      for (unsigned i = 0; i < kBatch; ++i) {
        packets[i] = sender.protect(rtp(sender.info.ssrcs[0], seq++, bytes), false);
        vectors[i] = {packets[i].data(), packets[i].size()};
        headers[i].msg_hdr.msg_iov = &vectors[i];
        headers[i].msg_hdr.msg_iovlen = 1;
        headers[i].msg_hdr.msg_name = const_cast<void*>(static_cast<const void*>(server.data()));
        headers[i].msg_hdr.msg_namelen = static_cast<socklen_t>(server.size());
      }
      // Blocking: the sender waits for room in its own buffer, not the port.
      const int n = sendmmsg(fd, headers.data(), kBatch, 0);
      if (n > 0) {
        sent.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // warm up
  const auto before = countersOf(*router);
  const double cpu0 = cpuSeconds(media_clock);
  const auto sent0 = sent.load();
  const auto received0 = received.load();
  const auto start = Steady::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const auto after = countersOf(*router);
  const double cpu = cpuSeconds(media_clock) - cpu0;
  const double wall = std::chrono::duration<double>(Steady::now() - start).count();
  const auto sent_n = sent.load() - sent0;
  const auto received_n = received.load() - received0;
  stop = true;
  blast.join();
  drain.join();
  router->stop();

  const auto in = static_cast<double>(after.rtp_in - before.rtp_in);
  ForwardRound r;
  r.in_per_core = in / cpu;
  r.out_per_core = static_cast<double>(after.udp_sent - before.udp_sent) / cpu;
  r.recv_calls_per_in =
      static_cast<double>(after.udp_receive_calls - before.udp_receive_calls) / in;
  r.send_calls_per_in = static_cast<double>(after.udp_send_calls - before.udp_send_calls) / in;
  r.cpu_share = cpu / wall;
  r.in_wall = in / wall;
  r.received_wall = static_cast<double>(received_n) / wall;
  const auto read = static_cast<double>(after.udp_received - before.udp_received);
  r.kernel_dropped = sent_n > 0 ? 1.0 - read / static_cast<double>(sent_n) : 0;
  return r;
}

// Which forwarding rounds to run: 0 / empty is every one.
struct ForwardFilter {
  std::size_t bytes = 0;
  std::size_t receivers = 0;
  std::string mode;
};

int forwardMain(int seconds, const ForwardFilter& only) {
  constexpr double kTarget = 200'000;
  spdlog::set_level(spdlog::level::warn);  // one "UDP on" line per round is not a figure
  std::printf("### Forwarding through real sockets (`tests/bench/media_port_bench forward %d`)\n\n",
              seconds);
  std::printf(
      "One sender -> MediaRouter's UDP port on loopback -> M receivers, one room. The sender "
      "protects RTP (under its audio SSRC, so the video budget holds nothing back) and sends as "
      "fast as one thread can, at most 4096 packets in flight so the port always has a backlog "
      "that does not overflow by much; the router authenticates, decrypts and re-encrypts for each "
      "receiver, with the address check, as in parleyd. \"single\": one datagram per system "
      "call (recvfrom/sendto, the port before batching); \"batched\": recvmmsg (32) and "
      "sendmmsg (up to 64, across the receive batch), one datagram per message; \"gso\": "
      "batched, and the queue regrouped per receiver and sent with UDP segmentation offload "
      "(UDP_SEGMENT: one message per receiver and run of equal sizes). Per second of the media "
      "thread's CPU time "
      "(its pthread CPU clock), %d s per round after 0.3 s of warm-up. System calls are the "
      "media port's own counts (UdpMediaSocket). \"in/s per core / 200k\": the target of at "
      "least 200,000 packets per second per core. On loopback the send call also delivers to "
      "the receiver's socket, so the send side costs more than on a network card.\n\n",
      seconds);
  std::printf(
      "| packet | receivers | mode | packets in/s per core | in / 200k | packets out/s per core | "
      "recv calls per packet in | send calls per packet in | media thread busy | in/s wall | "
      "received/s wall | sent but not read |\n"
      "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const std::size_t bytes : {std::size_t{100}, std::size_t{1200}}) {
    for (const std::size_t receivers : {std::size_t{1}, std::size_t{4}, std::size_t{16}}) {
      for (const char* mode : {"single", "batched", "gso"}) {
        if ((only.bytes != 0 && bytes != only.bytes) ||
            (only.receivers != 0 && receivers != only.receivers) ||
            (!only.mode.empty() && only.mode != mode)) {
          continue;
        }
        const bool batched = std::string_view(mode) != "single";
        const bool segmented = std::string_view(mode) == "gso";
        const auto r = forwardRound(bytes, receivers, batched, segmented, seconds);
        std::printf(
            "| %zu B | %zu | %s | %.0f | %.2f | %.0f | %.3f | %.3f | %.0f%% | %.0f | %.0f | "
            "%.0f%% |\n",
            bytes, receivers, mode, r.in_per_core, r.in_per_core / kTarget, r.out_per_core,
            r.recv_calls_per_in, r.send_calls_per_in, r.cpu_share * 100, r.in_wall, r.received_wall,
            r.kernel_dropped * 100);
        std::fflush(stdout);
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "forward") {
    ForwardFilter only;
    only.bytes = argc > 3 ? std::stoul(argv[3]) : 0;
    only.receivers = argc > 4 ? std::stoul(argv[4]) : 0;
    only.mode = argc > 5 ? argv[5] : "";
    return forwardMain(argc > 2 ? std::stoi(argv[2]) : 2, only);
  }
  const int seconds = argc > 1 ? std::stoi(argv[1]) : 3;
  net::IoThreads threads(1);
  server::ServerMetrics metrics;
  server::MediaRouterConfig config;
  config.udp = udp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
  config.udp_alive = std::chrono::hours(1);
  auto router = std::make_shared<server::MediaRouter>(threads.context(), config, metrics,
                                                      SystemClock::instance());
  auto port = router->start();
  if (!port) {
    std::fprintf(stderr, "media port: %s\n", port.error().toString().c_str());
    return 1;
  }
  const udp::endpoint server(asio::ip::make_address("127.0.0.1"), *port);

  asio::io_context io;
  Member alice(io, 1, "127.0.0.1");
  Member bob(io, 2, "127.0.0.1");
  Member mallory(io, 3, "127.0.0.1");
  for (Member* m : {&alice, &bob, &mallory}) {
    router->addLeg(m->info);
    router->setClientUsesUdp(m->info.participant_id, true);
  }
  for (Member* m : {&alice, &bob, &mallory}) {
    m->confirm(server);
  }
  udp::socket stranger(io, udp::endpoint(asio::ip::make_address("127.0.0.3"), 0));
  udp::socket elsewhere(io, udp::endpoint(asio::ip::make_address("127.0.0.2"), 0));
  bob.socket.non_blocking(true);
  mallory.socket.non_blocking(true);
  elsewhere.non_blocking(true);

  // The attack, protected before the clock starts. Forged: random bytes
  // under real SSRCs cost the router an SRTP check each; an unknown SSRC
  // costs a lookup.
  Member forger(io, 99, "127.0.0.3");  // keys of its own: never signed in
  std::vector<std::vector<std::byte>> forged;
  std::vector<std::vector<std::byte>> replays;
  std::vector<std::vector<std::byte>> foreign;
  std::vector<std::vector<std::byte>> unconfirmed;
  for (std::size_t i = 0; i < kAttackBatch; ++i) {
    const auto seq = static_cast<std::uint16_t>(i);
    forged.push_back(
        forger.protect(rtp(i % 2 == 0 ? alice.info.ssrcs[0] : 0x7777, seq, kAttackBytes), false));
    foreign.push_back(mallory.protect(rtp(alice.info.ssrcs[0], seq, kAttackBytes), false));
    unconfirmed.push_back(mallory.protect(rtp(mallory.info.ssrcs[0], seq, kAttackBytes), false));
  }
  // Alice's legitimate stream, and the replays of its first packets.
  std::uint16_t alice_seq = 0;
  for (int i = 0; i < 100; ++i) {
    auto p = alice.protect(rtp(alice.info.ssrcs[0], alice_seq++, kAttackBytes), false);
    alice.socket.send_to(asio::buffer(p), server);
    replays.push_back(std::move(p));
  }
  for (int i = 0; i < 100; ++i) {  // drain what bob got of them
    if (!testing::waitReadable(bob.socket.native_handle(), 1000)) {
      break;
    }
    std::array<std::byte, 2048> buf{};
    asio::error_code ec;
    bob.socket.receive(asio::buffer(buf), 0, ec);
  }

  auto runRound = [&](bool flood) {
    Round r;
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> received{0};
    std::thread receiver([&] {
      std::array<std::byte, 2048> buf{};
      while (!stop.load()) {
        if (!testing::waitReadable(bob.socket.native_handle(), 100)) {
          continue;
        }
        asio::error_code ec;
        while (bob.socket.receive(asio::buffer(buf), 0, ec) > 0 && !ec) {
          received.fetch_add(1);
        }
      }
    });
    std::atomic<std::uint64_t> attack_sent{0};
    std::thread attacker;
    if (flood) {
      attacker = std::thread([&] {
        std::size_t i = 0;
        asio::error_code ec;
        while (!stop.load()) {
          const std::size_t k = i / 4 % kAttackBatch;
          switch (i % 4) {
            case 0:
              stranger.send_to(asio::buffer(forged[k]), server, 0, ec);
              break;
            case 1:
              stranger.send_to(asio::buffer(replays[k % replays.size()]), server, 0, ec);
              break;
            case 2:
              mallory.socket.send_to(asio::buffer(foreign[k]), server, 0, ec);
              break;
            default:
              elsewhere.send_to(asio::buffer(unconfirmed[k]), server, 0, ec);
              break;
          }
          ++i;
          if (!ec) {
            attack_sent.fetch_add(1, std::memory_order_relaxed);
          }
        }
      });
    }
    const auto before = countersOf(*router);
    const auto start = Steady::now();
    std::uint64_t legit_sent = 0;
    const auto step = std::chrono::microseconds(1'000'000 / kLegitPps);
    for (auto next = start; next - start < std::chrono::seconds(seconds); next += step) {
      std::this_thread::sleep_until(next);
      auto p = alice.protect(rtp(alice.info.ssrcs[0], alice_seq++, kLegitBytes), false);
      alice.socket.send_to(asio::buffer(p), server);
      ++legit_sent;
    }
    const double wall = std::chrono::duration<double>(Steady::now() - start).count();
    const auto after = countersOf(*router);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the last packets' way to bob
    stop = true;
    receiver.join();
    if (attacker.joinable()) {
      attacker.join();
    }
    const auto d = [&](std::uint64_t server::MediaRouter::Counters::*field) {
      return static_cast<double>(after.*field - before.*field) / wall;
    };
    r.attack_sent_pps = static_cast<double>(attack_sent.load()) / wall;
    r.dropped_auth_pps = d(&server::MediaRouter::Counters::dropped_auth);
    r.dropped_unknown_pps = d(&server::MediaRouter::Counters::dropped_unknown_ssrc);
    r.dropped_unconfirmed_pps = d(&server::MediaRouter::Counters::dropped_unconfirmed_address);
    r.dropped_pps = r.dropped_auth_pps + r.dropped_unknown_pps + r.dropped_unconfirmed_pps +
                    d(&server::MediaRouter::Counters::dropped_foreign_ssrc) +
                    d(&server::MediaRouter::Counters::dropped_malformed);
    r.checks_pps = d(&server::MediaRouter::Counters::address_checks_sent);
    r.legit_sent_pps = static_cast<double>(legit_sent) / wall;
    r.legit_forwarded_pps = d(&server::MediaRouter::Counters::forwarded_packets);
    r.legit_received_pps = static_cast<double>(received.load()) / wall;
    // Let the router's queue drain before the next round.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return r;
  };

  const Round quiet = runRound(false);
  const Round flood = runRound(true);
  router->stop();

  std::printf("### Media port under a flood (`tests/bench/media_port_bench %d`)\n\n", seconds);
  std::printf(
      "One MediaRouter on a loopback UDP port; alice sends %d packets/s of %zu B to bob while an "
      "attacker sends %zu B packets as fast as one thread can: forged (never signed in), "
      "replayed, another member's SSRC, and a member's genuine packets from an unconfirmed "
      "second address, in turn. Per second of wall time, %d s per round.\n\n",
      kLegitPps, kLegitBytes, kAttackBytes, seconds);
  std::printf(
      "| round | attack sent/s | dropped at the port/s | of which auth / unknown SSRC / "
      "unconfirmed address | checks sent/s | legit sent/s | legit forwarded/s (to bob and mallory) "
      "| legit "
      "received/s |\n|---|---|---|---|---|---|---|---|\n");
  for (const auto& [name, r] : {std::pair{"quiet", quiet}, std::pair{"flood", flood}}) {
    std::printf("| %s | %.0f | %.0f | %.0f / %.0f / %.0f | %.1f | %.0f | %.0f | %.0f |\n", name,
                r.attack_sent_pps, r.dropped_pps, r.dropped_auth_pps, r.dropped_unknown_pps,
                r.dropped_unconfirmed_pps, r.checks_pps, r.legit_sent_pps, r.legit_forwarded_pps,
                r.legit_received_pps);
  }
  std::printf(
      "\nAttack packets sent but not counted as dropped were dropped by the kernel before the "
      "router read them (its socket's receive buffer was full).\n");
  return 0;
}
