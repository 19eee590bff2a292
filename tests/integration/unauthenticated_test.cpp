// Strangers before sign-in: one address holding its cap of connections that
// have not signed in gets every further one closed right after accept (one
// log line, counted in the metrics) while others sign in as usual; a partial
// frame before sign-in is cut at the small pre-sign-in limit.

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/protocol/protocol_limits.h"
#include "tests/support/process.h"
#include "tests/support/raw_tls_client.h"
#include "tests/support/server_fixture.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

std::string scrape(std::uint16_t port) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(std::string("GET /metrics HTTP/1.1\r\nHost: parleyd\r\n\r\n")));
  std::string reply;
  asio::error_code ec;
  asio::read(socket, asio::dynamic_buffer(reply), ec);
  return reply;
}

// The value of one sample line ("name{labels} value"), or -1.
long long sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) {
    return -1;
  }
  return std::stoll(text.substr(at + series.size() + 2));
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
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

  const auto metrics = scrape(metrics_port);
  CHECK(sample(metrics, "parley_connections_refused_total{reason=\"per_address\"}") == kRefused);
  CHECK(sample(metrics, "parley_connections_refused_total{reason=\"total\"}") == 0);
  // One line for the address, not one per refusal.
  const std::string line = "127.0.0.2: connection refused";
  REQUIRE(eventually([&] { return server.log().find(line) != std::string::npos; }, 30s));
  CHECK(occurrences(server.log(), line) == 1);

  // Closing the held ones gives the address its cap back.
  holders.clear();
  REQUIRE(eventually(
      [&] { return sample(scrape(metrics_port), "parley_connections_unauthenticated") == 0; },
      30s));
  RawTlsClient bob(server.port(), server.caFile(), "127.0.0.2");
  CHECK(bob.signIn("bob", "bob-pw", "lobby"));
  CHECK(sample(scrape(metrics_port), "parley_connections_unauthenticated") == 0);
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
