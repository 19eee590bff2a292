// Parley's speed, measured side by side in one run (this machine is shared
// and noisy, so figures are compared as ratios within the run). Prints a
// Markdown section; scripts/bench adds machine, date and command and appends
// it to docs/benchmarks.md. Not a test: nothing here fails on a number.

#include <sys/resource.h>
#include <algorithm>
#include <asio.hpp>
#include <asio/strand.hpp>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

#include "core/client/client_session.h"
#include "core/transport/message_channel.h"
#include "net/io_thread.h"
#include "tests/bench/bare_tls_pair.h"
#include "tests/support/raw_tls_client.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_swarm.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;
using BenchClock = std::chrono::steady_clock;

namespace {

double ms(BenchClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) {
    return -1;  // nothing measured (the row's count says 0)
  }
  std::sort(v.begin(), v.end());
  const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  return v[idx];
}

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

// Counts bytes of chat text arriving on a channel; signals when `expected`.
struct CountingHandler : transport::MessageChannel::Handler {
  void onMessage(transport::Envelope&& e) override {
    {
      std::lock_guard lock(mu);
      bytes += e.chat_message().text().size();
    }
    cv.notify_all();
  }
  void onClosed(const Error&) override {}
  std::mutex mu;
  std::condition_variable cv;
  std::size_t bytes = 0;
  std::size_t expected = 0;
};

bench::ThroughputResult channelThroughput(const ServerFixture& server, std::size_t messages,
                                          std::size_t message_bytes) {
  net::IoThreads io(2);
  auto server_tls =
      net::makeServerTlsContext(server.dir() + "/server.crt", server.dir() + "/server.key");
  auto client_tls = net::makeClientTlsContext(server.caFile());
  if (!server_tls || !client_tls) {
    throw std::runtime_error("bench: TLS contexts");
  }
  asio::ip::tcp::acceptor acceptor(io.context(), {asio::ip::make_address("127.0.0.1"), 0});
  auto server_stream = std::make_unique<net::TlsStream>(io.context(), **server_tls);
  auto client_stream = std::make_unique<net::TlsStream>(io.context(), **client_tls);
  std::thread accept_thread([&] {
    acceptor.accept(server_stream->lowest_layer());
    server_stream->handshake(asio::ssl::stream_base::server);
  });
  client_stream->lowest_layer().connect(acceptor.local_endpoint());
  client_stream->lowest_layer().set_option(asio::ip::tcp::no_delay(true));
  client_stream->handshake(asio::ssl::stream_base::client);
  accept_thread.join();

  auto receiver = transport::MessageChannel::create(std::move(server_stream));
  auto sender = transport::MessageChannel::create(std::move(client_stream));
  auto handler = std::make_shared<CountingHandler>();
  handler->expected = messages * message_bytes;
  receiver->start(handler);
  auto idle = std::make_shared<CountingHandler>();
  sender->start(idle);

  transport::Envelope envelope;
  envelope.mutable_chat_message()->set_text(std::string(message_bytes, 'p'));
  // An application-level window of 4 MiB in flight keeps the sender inside
  // the channel's 8 MiB output bound (past it the channel closes itself as a
  // slow consumer, by design).
  constexpr std::size_t kWindow = 4 * 1024 * 1024;
  const auto start = BenchClock::now();
  for (std::size_t i = 0; i < messages; ++i) {
    const std::size_t sent = i * message_bytes;
    {
      std::unique_lock lock(handler->mu);
      handler->cv.wait(lock, [&] { return sent - handler->bytes <= kWindow; });
    }
    sender->send(envelope);
  }
  {
    std::unique_lock lock(handler->mu);
    handler->cv.wait_for(lock, 120s, [&] { return handler->bytes >= handler->expected; });
  }
  const auto stop = BenchClock::now();
  sender->abort();
  receiver->abort();
  return {std::chrono::duration<double>(stop - start).count(), handler->bytes};
}

std::string opensslSpeed() {
  auto run =
      runProgram({"/usr/bin/openssl", "speed", "-evp", "aes-256-gcm", "-seconds", "1"}, "", 60s);
  auto lines = splitLines(run.out);
  return lines.empty() ? "(openssl speed failed)" : lines.back();
}

}  // namespace

int main(int argc, char** argv) {
  // `parley_bench throughput` runs section (a) alone (profiling the channel
  // without waiting for the fan-out), `parley_bench signin` section (c)
  // alone; a number is the fan-out's client count.
  const bool throughput_only = argc > 1 && std::string_view(argv[1]) == "throughput";
  const bool signin_only = argc > 1 && std::string_view(argv[1]) == "signin";
  const int clients = argc > 1 && !throughput_only && !signin_only ? std::atoi(argv[1]) : 500;
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  ServerFixture::Options options;
  options.users = {{"alice", "alice-pw"}, {"load", "load-pw"}};
  ServerFixture server(options);
  server.start();
  std::ostringstream out;

  if (!signin_only) {
    // (a) bulk throughput: channel vs bare OpenSSL pair, same bytes, same run.
    constexpr std::size_t kMessages = 4096;
    constexpr std::size_t kBytes = 64 * 1024;
    std::vector<double> channel_mib;
    std::vector<double> bare_mib;
    for (int round = 0; round < 3; ++round) {
      bare_mib.push_back(bench::runBareTlsPair(server.dir() + "/server.crt",
                                               server.dir() + "/server.key", kMessages, kBytes)
                             .mibPerSecond());
      channel_mib.push_back(channelThroughput(server, kMessages, kBytes).mibPerSecond());
    }
    const double channel = percentile(channel_mib, 0.5);
    const double bare = percentile(bare_mib, 0.5);
    out << "### (a) Bulk throughput, 64 KiB messages, loopback (median of 3 rounds, 256 MiB "
           "each)\n\n"
        << "| path | MiB/s |\n|---|---|\n"
        << "| bare OpenSSL TLS 1.3 AES-256-GCM pair (the limit) | " << bare << " |\n"
        << "| Parley MessageChannel (framing + protobuf + Asio) | " << channel << " |\n"
        << "| ratio channel / bare (target >= 80%) | " << 100.0 * channel / bare << "% |\n\n"
        << "`openssl speed -evp aes-256-gcm` (16 KiB column is the record size): `"
        << opensslSpeed() << "`\n\n";
    if (throughput_only) {
      std::cout << out.str();
      return 0;
    }

    // (b) chat round trip through the server (stored in SQLite before the echo).
    {
      RawTlsClient alice(server.port(), server.caFile());
      alice.signIn("alice", "alice-pw", "rtt");
      std::vector<double> rtts;
      for (int i = 0; i < 2000; ++i) {
        proto::Envelope e;
        e.mutable_chat_send()->set_client_msg_id(static_cast<std::uint64_t>(i + 1));
        e.mutable_chat_send()->set_text("ping " + std::to_string(i));
        const auto t0 = BenchClock::now();
        alice.send(e);
        bool echoed = false;
        bool acked = false;
        while (!(echoed && acked)) {
          auto r = alice.read(5s);
          if (!r) {
            break;
          }
          echoed = echoed || r->has_chat_message();
          acked = acked || r->has_chat_ack();
        }
        rtts.push_back(ms(BenchClock::now() - t0));
      }
      out << "### (b) Chat round trip through parleyd (send -> stored -> echo + ack), 2000 "
             "messages\n\n"
          << "| median ms | p99 ms | max ms |\n|---|---|---|\n| " << percentile(rtts, 0.5) << " | "
          << percentile(rtts, 0.99) << " | " << percentile(rtts, 1.0)
          << " |\n\n(targets: median < 1 ms, p99 < 5 ms)\n\n";
    }
  }

  // (c) sign-in: TCP connect -> TLS -> hello -> sign-in -> joined.
  {
    auto measure = [&](const std::string& user, const std::string& pw, int n) {
      std::vector<double> times;
      for (int i = 0; i < n; ++i) {
        const auto t0 = BenchClock::now();
        RawTlsClient c(server.port(), server.caFile());
        c.signIn(user, pw, "signin");
        times.push_back(ms(BenchClock::now() - t0));
      }
      return times;
    };
    const auto cheap = measure("alice", "alice-pw", 200);
    server.setConfig("argon2_opslimit", "2");
    server.setConfig("argon2_memlimit_kib", "65536");
    runProgram({parleydPath(), "user", "add", "heavy", "--config", server.configFile()},
               "heavy-pw\n");
    const auto heavy = measure("heavy", "heavy-pw", 20);
    // Resume tokens: one password sign-in for a fixed client instance, then
    // each sign-in presents the token the previous one got (rotation).
    constexpr std::uint64_t kTokenInstance = 0x7e57'0000'0000'0001ULL;
    std::string token;
    {
      RawTlsClient c(server.port(), server.caFile());
      c.setClientInstance(kTokenInstance);
      c.signIn("heavy", "heavy-pw", "signin");
      token = c.resumeToken();
    }
    auto tokenSignIn = [&](std::vector<double>& times) {
      const auto t0 = BenchClock::now();
      RawTlsClient c(server.port(), server.caFile());
      c.setClientInstance(kTokenInstance);
      if (c.signInWithToken("heavy", token, "signin")) {
        token = c.resumeToken();
        times.push_back(ms(BenchClock::now() - t0));
        return true;
      }
      return false;
    };
    std::vector<double> resumed;
    int token_failures = 0;
    for (int i = 0; i < 200; ++i) {
      token_failures += tokenSignIn(resumed) ? 0 : 1;
    }
    // The same token sign-ins while 50 password sign-ins of the heavy
    // account (each from its own loopback address, so neither the per-address
    // gate nor the unauthenticated limit holds them back) keep the hash pool
    // busy: Argon2 must not delay anyone who does not need it.
    constexpr int kPasswordLoad = 50;
    std::atomic<int> load_done{0};
    std::atomic<int> load_ok{0};
    std::vector<std::thread> load;
    const auto load_t0 = BenchClock::now();
    for (int i = 0; i < kPasswordLoad; ++i) {
      load.emplace_back([&, i] {
        try {
          RawTlsClient c(server.port(), server.caFile(), "127.0.1." + std::to_string(i + 10));
          load_ok += c.signIn("heavy", "heavy-pw", "signin") ? 1 : 0;
        } catch (const std::exception&) {
        }
        ++load_done;
      });
    }
    std::vector<double> under_load;
    do {  // at least once, even if the load is over before the first
      token_failures += tokenSignIn(under_load) ? 0 : 1;
    } while (load_done.load() < kPasswordLoad);
    const double load_seconds = std::chrono::duration<double>(BenchClock::now() - load_t0).count();
    for (auto& t : load) {
      t.join();
    }
    out << "### (c) Sign-in, TCP connect to joined (RSA-2048 test certificate)\n\n"
        << "| password hash cost | runs | median ms | p99 ms |\n|---|---|---|---|\n"
        << "| Argon2id ops=1, 64 KiB (test accounts) | 200 | " << percentile(cheap, 0.5) << " | "
        << percentile(cheap, 0.99) << " |\n"
        << "| Argon2id ops=2, 64 MiB (libsodium INTERACTIVE, the default) | 20 | "
        << percentile(heavy, 0.5) << " | " << percentile(heavy, 0.99) << " |\n"
        << "| resume token, Argon2id INTERACTIVE account | " << resumed.size() << " | "
        << percentile(resumed, 0.5) << " | " << percentile(resumed, 0.99) << " |\n"
        << "| resume token, while " << kPasswordLoad << " INTERACTIVE password sign-ins run | "
        << under_load.size() << " | " << percentile(under_load, 0.5) << " | "
        << percentile(under_load, 0.99) << " |\n\n"
        << "(target: median < 10 ms; the token row against it: "
        << 100.0 * percentile(resumed, 0.5) / 10.0 << "% of the limit. The " << kPasswordLoad
        << " password sign-ins: " << load_ok.load() << " succeeded in " << load_seconds
        << " s; token sign-ins refused: " << token_failures << "; the token sign-ins' p99 "
        << "while the password sign-ins run is "
        << percentile(under_load, 0.99) / percentile(resumed, 0.99) << " times the idle one)\n\n";
  }
  if (signin_only) {
    std::cout << out.str();
    return 0;
  }

  // (d) fan-out: `clients` sessions in one room, one sender, server RSS. The
  // sessions connect through the racing connector (direct routes only); what
  // that adds per connection is in this process and before the joins, so
  // neither the deliveries nor the server's RSS count it.
  {
    const long rss_before = rssKiB(server.pid());
    net::IoThreads io(1);
    SessionSwarm swarm(io, server, clients, "load", "load-pw", "fanout");
    auto& recorders = swarm.recorders;
    auto& sessions = swarm.sessions;
    for (auto& r : recorders) {
      r->waitFor([](auto& s) { return s.joins >= 1; }, 300s);
    }
    std::this_thread::sleep_for(500ms);
    const long rss_after = rssKiB(server.pid());
    constexpr int kFanoutMessages = 200;
    RawTlsClient sender(server.port(), server.caFile());
    sender.signIn("alice", "alice-pw", "fanout");
    const auto t0 = BenchClock::now();
    for (int i = 0; i < kFanoutMessages; ++i) {
      proto::Envelope e;
      e.mutable_chat_send()->set_client_msg_id(static_cast<std::uint64_t>(i + 1));
      e.mutable_chat_send()->set_text("fan-out message " + std::to_string(i));
      sender.send(e);
    }
    for (auto& r : recorders) {
      r->waitFor([](auto& s) { return s.chats.size() >= kFanoutMessages; }, 300s);
    }
    const double seconds = std::chrono::duration<double>(BenchClock::now() - t0).count();
    for (auto& s : sessions) {
      s->stop();
    }
    const double per_client = static_cast<double>(rss_after - rss_before) / clients;
    out << "### (d) Fan-out, " << clients << " clients in one room, " << kFanoutMessages
        << " messages from one sender\n\n"
        << "| deliveries | seconds | deliveries/s | server RSS before | after | KiB per client |\n"
        << "|---|---|---|---|---|---|\n| " << clients * kFanoutMessages << " | " << seconds << " | "
        << clients * kFanoutMessages / seconds << " | " << rss_before << " KiB | " << rss_after
        << " KiB | " << per_client
        << " |\n\n(target: under 100 KiB per client; the clients run in the "
        << "benchmark process on the same 2 cores)\n\n";
  }
  std::cout << out.str();
  return 0;
}
