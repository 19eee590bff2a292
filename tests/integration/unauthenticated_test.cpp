// Strangers before sign-in: one address holding its cap of connections that
// have not signed in gets every further one closed right after accept (one
// log line, counted in the metrics) while others sign in as usual; a partial
// frame before sign-in is cut at the small pre-sign-in limit.

#include <sys/resource.h>
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <catch2/catch.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "core/protocol/protocol_limits.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/process.h"
#include "tests/support/raw_tls_client.h"
#include "tests/support/server_fixture.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

void raiseFileLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

std::string fatalSlug(const std::vector<proto::Envelope>& seen) {
  for (const auto& e : seen) {
    if (e.has_error() && e.error().fatal()) {
      return e.error().slug();
    }
  }
  return "";
}

bool tlsFrom(const ServerFixture& server, const std::string& local_address) {
  try {
    RawTlsClient client(server.port(), server.caFile(), local_address);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

TEST_CASE("connections over the per-address cap are closed at once, others sign in",
          "[integration][unauthenticated]") {
  constexpr int kCap = 4;
  constexpr int kRefused = 20;
  ServerFixture::Options options;
  options.config = {{"enabled", "true"},
                    {"address", "\"127.0.0.1:0\""},
                    {"max_unauthenticated_per_address", std::to_string(kCap)},
                    {"max_unauthenticated", "64"}};
  ServerFixture server(options);
  server.start();
  const auto ports = nlohmann::json::parse(readFile(server.dir() + "/ports.json"));
  const auto metrics_port = ports.at("metrics").at("port").get<std::uint16_t>();

  // The cap's worth from 127.0.0.2, through TLS and then silent: they count
  // until they sign in, and the server keeps them for its handshake timeout
  // (10 s), far longer than the refusals below take.
  std::vector<std::unique_ptr<RawTlsClient>> holders;
  holders.reserve(kCap);
  for (int i = 0; i < kCap; ++i) {
    holders.push_back(std::make_unique<RawTlsClient>(server.port(), server.caFile(), "127.0.0.2"));
  }
  int refused = 0;
  for (int i = 0; i < kRefused; ++i) {
    refused += tlsFrom(server, "127.0.0.2") ? 0 : 1;
  }
  CHECK(refused == kRefused);

  // Someone else, from 127.0.0.1, signs in and chats meanwhile.
  CliOptions alice;
  alice.say = {"still served"};
  const auto run = runCli(server, alice);
  CHECK(run.exit_code == 0);
  INFO(run.transcript());

  const auto metrics = scrapeMetrics(metrics_port);
  CHECK(metricSample(metrics, "parley_connections_refused_total{reason=\"per_address\"}") ==
        kRefused);
  CHECK(metricSample(metrics, "parley_connections_refused_total{reason=\"total\"}") == 0);
  // One line for the address, not one per refusal.
  const std::string line = "127.0.0.2: connection refused";
  REQUIRE(eventually([&] { return server.log().find(line) != std::string::npos; }, 30s));
  CHECK(occurrences(server.log(), line) == 1);

  // Closing the held ones gives the address its cap back.
  holders.clear();
  REQUIRE(eventually(
      [&] {
        return metricSample(scrapeMetrics(metrics_port), "parley_connections_unauthenticated") == 0;
      },
      30s));
  RawTlsClient bob(server.port(), server.caFile(), "127.0.0.2");
  CHECK(bob.signIn("bob", "bob-pw", "lobby"));
  CHECK(metricSample(scrapeMetrics(metrics_port), "parley_connections_unauthenticated") == 0);
}

TEST_CASE("a partial frame before sign-in is cut at the pre-sign-in limit",
          "[integration][unauthenticated]") {
  ServerFixture server;
  server.start();
  RawTlsClient slow(server.port(), server.caFile());
  // The header one byte at a time, as a slowloris client trickles it: it
  // announces one byte more than a stranger may send, far below 1 MiB.
  const auto length = static_cast<std::uint32_t>(protocol::kMaxFrameBytesBeforeSignIn + 1);
  for (const unsigned shift : {24U, 16U, 8U, 0U}) {
    slow.writeBytes(std::string(1, static_cast<char>((length >> shift) & 0xffU)));
  }
  slow.writeBytes("partial");
  std::vector<proto::Envelope> seen;
  REQUIRE(slow.readUntilClosed(60s, &seen));
  std::string slug;
  for (const auto& e : seen) {
    if (e.has_error() && e.error().fatal()) {
      slug = e.error().slug();
    }
  }
  CHECK(slug == "frame_too_large");
  const std::string reason = "the limit is " + std::to_string(protocol::kMaxFrameBytesBeforeSignIn);
  CHECK(eventually([&] { return server.log().find(reason) != std::string::npos; }, 30s));
}

TEST_CASE("2,000 connections and a slowloris from one address: another still signs in",
          "[integration][unauthenticated]") {
  constexpr int kHeld = 2000;
  // The test process and parleyd (started below, inheriting it) each hold
  // one descriptor per connection.
  raiseFileLimit();
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  INFO("file descriptor limit " << limit.rlim_cur);
  REQUIRE(limit.rlim_cur >= kHeld + 200);
  ServerFixture::Options options;
  // Caps raised so the server really holds them all: this measures the load,
  // the caps have their own test above.
  options.config = {{"enabled", "true"},
                    {"address", "\"127.0.0.1:0\""},
                    {"max_unauthenticated_per_address", std::to_string(kHeld + 16)},
                    {"max_unauthenticated", std::to_string(2 * kHeld)}};
  ServerFixture server(options);
  server.start();
  const auto metrics_port = metricsPort(server.dir());

  // The slowloris: through TLS, then a frame trickled a byte at a time.
  RawTlsClient slow(server.port(), server.caFile(), "127.0.0.2");
  std::atomic<bool> stop_trickle{false};
  std::thread trickle([&] {
    const std::string frame = std::string("\0\0\x01\0", 4) + std::string(256, 'x');
    for (std::size_t i = 0; i < frame.size() && !stop_trickle; ++i) {
      try {
        slow.writeBytes(frame.substr(i, 1));
      } catch (const std::exception&) {
        return;  // the server closed it
      }
      std::this_thread::sleep_for(100ms);
    }
  });

  // 2,000 plain TCP connections from the same address that never say
  // anything, not even a TLS hello.
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> held;
  held.reserve(kHeld);
  const auto open_started = std::chrono::steady_clock::now();
  for (int i = 0; i < kHeld; ++i) {
    asio::ip::tcp::socket socket(io);
    socket.open(asio::ip::tcp::v4());
    socket.bind({asio::ip::make_address("127.0.0.2"), 0});
    socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
    held.push_back(std::move(socket));
  }
  const auto open_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - open_started)
                           .count();
  long long unauthenticated = 0;
  CHECK(eventually(
      [&] {
        unauthenticated =
            metricSample(scrapeMetrics(metrics_port), "parley_connections_unauthenticated");
        return unauthenticated >= kHeld + 1;
      },
      5s));

  // Someone else, at 127.0.0.1, signs in and joins meanwhile.
  const auto started = std::chrono::steady_clock::now();
  bool signed_in = false;
  {
    RawTlsClient bob(server.port(), server.caFile(), "127.0.0.1");
    signed_in = bob.signIn("bob", "bob-pw", "lobby");
  }
  const auto sign_in_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  CHECK(signed_in);
  CHECK(std::chrono::milliseconds(sign_in_ms) < protocol::kHandshakeTimeout);
  std::cout << "connection figures: " << unauthenticated
            << " connections held before sign-in from one address (" << kHeld
            << " silent TCP opened in " << open_ms
            << " ms, plus a slowloris); another address's TLS + hello + sign-in + join: "
            << sign_in_ms << " ms\n";

  // The slowloris is cut at the handshake deadline however it trickles.
  stop_trickle = true;
  trickle.join();
  std::vector<proto::Envelope> seen;
  CHECK(slow.readUntilClosed(60s, &seen));
  CHECK(fatalSlug(seen) == "handshake_timeout");
}
