// The server features for administrators: [metrics]/[media]/[interconnect]/
// syslog config, network-requirements (golden files), the Prometheus
// registry and its HTTP responder, the RFC 5424 UDP syslog sink and the
// local (/dev/log) syslog sink.

#include <spdlog/spdlog.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

#include "core/server/metrics_http_server.h"
#include "core/server/network_requirements.h"
#include "core/server/server_config.h"
#include "core/server/server_metrics.h"
#include "core/server/turn_credentials.h"
#include "parley_test_paths.h"

using namespace parley::server;
using parley::ErrorCode;

namespace {

const std::string kGoldenDir = std::string(PARLEY_SOURCE_DIR) + "/tests/core/server/golden/";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ServerConfig knownConfig() {
  auto config =
      parseServerConfig(readFile(kGoldenDir + "known.toml"), "/etc/parleyd", "known.toml");
  REQUIRE(config);
  return *config;
}

// PARLEY_UPDATE_GOLDEN=1 rewrites the file instead of comparing.
void checkGolden(const std::string& name, const std::string& actual) {
  const auto path = kGoldenDir + name;
  if (std::getenv("PARLEY_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  CHECK(actual == readFile(path));
}

std::string configError(std::string_view toml) {
  auto config = parseServerConfig(toml, "/etc/parleyd", "parleyd.toml");
  REQUIRE_FALSE(config);
  CHECK(config.error().code == ErrorCode::ConfigInvalid);
  return config.error().detail;
}

// One HTTP exchange with the responder; returns everything it sent back.
std::string httpExchange(std::uint16_t port, const std::string& request) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(request));
  std::string reply;
  asio::error_code ec;
  asio::read(socket, asio::dynamic_buffer(reply), ec);  // until the server closes
  return reply;
}

}  // namespace

TEST_CASE("new config sections have safe defaults", "[server][config]") {
  auto config = parseServerConfig("", "/x", "empty.toml");
  REQUIRE(config);
  CHECK_FALSE(config->metrics_enabled);
  CHECK(config->metrics_address.toString() == "127.0.0.1:9464");
  CHECK(config->syslog == ServerConfig::Syslog::Off);
  CHECK(config->syslog_socket == "/dev/log");
  CHECK(config->audio_kbps == 120);
  CHECK(config->max_upload_kbps == 2500);
  CHECK(config->interconnect_peers.empty());
}

TEST_CASE("the file init writes still parses, with a separate store", "[server][config]") {
  auto config = parseServerConfig(renderDefaultConfig("demo", {{"0.0.0.0", 443}}, {"0.0.0.0", 5228},
                                                      "/var/lib/parleyd/x.db"),
                                  "/etc/parleyd", "parleyd.toml");
  REQUIRE(config);
  CHECK(config->store_path == "/var/lib/parleyd/x.db");
  CHECK_FALSE(config->metrics_enabled);
}

TEST_CASE("bad admin settings are refused with the key named", "[server][config]") {
  CHECK_THAT(configError("[log]\nsyslog = \"udp\"\n"),
             Catch::Contains("[log] syslog_collector: is required"));
  CHECK_THAT(configError("[log]\nsyslog = \"remote\"\n"), Catch::Contains("[log] syslog: must be"));
  CHECK_THAT(configError("[log]\nsyslog = \"udp\"\nsyslog_collector = \"loghost:514\"\n"),
             Catch::Contains("not a numeric IP address"));
  CHECK_THAT(configError("[log]\nsyslog_socket = \"/dev/log\"\n"),
             Catch::Contains("[log] syslog_socket: is only used with syslog = \"local\""));
  CHECK_THAT(configError("[log]\nsyslog = \"local\"\nsyslog_socket = \"dev/log\"\n"),
             Catch::Contains("[log] syslog_socket: must be an absolute path"));
  CHECK_THAT(configError("[log]\nsyslog_facility = \"kern\"\n"),
             Catch::Contains("[log] syslog_facility"));
  CHECK_THAT(configError("[metrics]\nenabled = \"yes\"\n"),
             Catch::Contains("[metrics] enabled: must be true or false"));
  CHECK_THAT(configError("[metrics]\nport = 1\n"), Catch::Contains("unknown key 'port'"));
  CHECK_THAT(configError("[media]\naudio_kbps = 0\n"), Catch::Contains("[media] audio_kbps"));
  CHECK_THAT(configError("[media]\naudio_kbps = 3000\n"),
             Catch::Contains("must not exceed max_upload_kbps"));
  CHECK_THAT(configError("[interconnect]\npeers = [\"peer.example\"]\n"),
             Catch::Contains("[interconnect] peers: entry 1 is not a numeric IP address"));
  CHECK_THAT(configError("[interconnect]\nport = 65535\n"), Catch::Contains("[interconnect] port"));
  CHECK_THAT(configError("metrics = 1\n"), Catch::Contains("must be a table"));
}

TEST_CASE("network requirements list every flow of the config", "[server][netreq]") {
  const auto rows = networkRequirements(knownConfig());
  REQUIRE(rows.size() == 10);
  // The peer-path servers the clients use: STUN, TURN over UDP and TLS.
  CHECK(rows[7].port == 3478);
  CHECK(rows[8].protocol == "UDP");
  CHECK(rows[9].protocol == "TCP");
  CHECK(rows[9].port == 5349);
  CHECK(rows[0].protocol == "TCP");
  CHECK(rows[0].port == 443);
  CHECK(rows[1].port == 5228);
  CHECK(rows[1].local_address == "2001:db8::10");
  CHECK(rows[2].protocol == "UDP");
  CHECK(rows[3].port == 5564);
  CHECK(rows[4].port == 5565);
  CHECK(rows[3].direction == PortRequirement::Direction::Both);
  CHECK(rows[5].port == 9464);
  CHECK_FALSE(rows[5].loopback_only);
  CHECK(rows[6].direction == PortRequirement::Direction::Outbound);
  CHECK(rows[6].remote_address == "192.0.2.10");

  auto defaults = parseServerConfig("", "/x", "x.toml");
  REQUIRE(defaults);
  const auto plain = networkRequirements(*defaults);
  REQUIRE(plain.size() == 3);  // 443, 5228 TCP, 5228 UDP; metrics off, no syslog, no peers
}

TEST_CASE("network requirements match the golden output", "[server][netreq]") {
  const auto config = knownConfig();
  checkGolden("network_requirements.table.txt", renderRequirementsTable(config, 10));
  checkGolden("network_requirements.acl.txt", renderRequirementsAcl(config, 10));
  checkGolden("network_requirements.nft.txt", renderRequirementsNftables(config, 10));
}

TEST_CASE("the bandwidth plan follows the producer/consumer formulas", "[server][netreq]") {
  auto config = knownConfig();
  auto plan = bandwidthPlan(config, 4);
  CHECK(plan.producer_upload_kbps == 1000);
  CHECK(plan.presenter_upload_kbps == 2500);
  CHECK(plan.screen_kbps == 1500);
  CHECK(plan.consumer_download_kbps == 3 * 1000 + 1500);
  CHECK(plan.server_inbound_kbps == 4 * 1000 + 1500);
  CHECK(plan.server_outbound_kbps == 4 * 3 * 1000 + 3 * 1500);

  SECTION("the per-client cap clamps what a presenter sends") {
    config.max_upload_kbps = 1200;
    plan = bandwidthPlan(config, 2);
    CHECK(plan.producer_upload_kbps == 1000);
    CHECK(plan.presenter_upload_kbps == 1200);
    CHECK(plan.screen_kbps == 200);
  }
  SECTION("one participant downloads nothing") {
    plan = bandwidthPlan(config, 1);
    CHECK(plan.consumer_download_kbps == 0);
    CHECK(plan.server_outbound_kbps == 0);
  }
  SECTION("the participant count is bounded") {
    CHECK(bandwidthPlan(config, 0).participants == 1);
    CHECK(bandwidthPlan(config, 1u << 30).participants == kMaxPlanParticipants);
  }
}

TEST_CASE("metrics render in Prometheus text format", "[server][metrics]") {
  ServerMetrics metrics;
  metrics.connectionAccepted(443);
  metrics.connectionAccepted(443);
  metrics.connectionAccepted(5228);
  metrics.tlsHandshakeFailed(5228);
  metrics.signInFailed("wrong_password");
  metrics.signInSucceeded();
  metrics.participantJoined();
  metrics.participantJoined();
  metrics.participantLeft();
  metrics.forwarded(100);
  metrics.forwarded(28);
  metrics.helloReceived("direct");
  metrics.helloReceived("direct");
  metrics.helloReceived("http_proxy");
  metrics.helloReceived("socks4a");
  metrics.helloReceived("");
  metrics.helloReceived("carrier-pigeon\"}");  // a client's string never becomes a label
  metrics.helloReceived("DIRECT");
  const auto text = metrics.renderPrometheus({3, 1}, "1.2.3\"x");
  CHECK_THAT(text, Catch::Contains("parley_build_info{version=\"1.2.3\\\"x\"} 1\n"));
  CHECK_THAT(
      text,
      Catch::Contains(
          "parley_connections_accepted_total{port=\"443\",method=\"direct_or_web_proxy\"} 2\n"));
  CHECK_THAT(
      text, Catch::Contains(
                "parley_connections_accepted_total{port=\"5228\",method=\"direct_or_socks\"} 1\n"));
  CHECK_THAT(
      text,
      Catch::Contains(
          "parley_tls_handshakes_failed_total{port=\"5228\",method=\"direct_or_socks\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE parley_connections_total counter\n"));
  CHECK_THAT(text, Catch::Contains("parley_connections_total{method=\"direct\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("parley_connections_total{method=\"http_proxy\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_connections_total{method=\"socks4\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("parley_connections_total{method=\"socks4a\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_connections_total{method=\"socks5\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("parley_connections_total{method=\"unknown\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_connections_total{method=\"other\"} 2\n"));
  CHECK_THAT(text, !Catch::Contains("pigeon"));
  CHECK_THAT(text, Catch::Contains("parley_connections_open 3\n"));
  CHECK_THAT(text, Catch::Contains("parley_rooms_open 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_participants 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_sign_in_failures_total{reason=\"wrong_password\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_sign_in_failures_total{reason=\"rate_limited\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("parley_forwarded_packets_total 2\n"));
  CHECK_THAT(text, Catch::Contains("parley_forwarded_bytes_total 128\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE parley_forwarded_bytes_total counter\n"));
}

TEST_CASE("the metrics endpoint serves /metrics and refuses the rest", "[server][metrics]") {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread runner([&io] { io.run(); });
  {
    MetricsHttpServer server(io, [] { return std::string("parley_up 1\n"); });
    auto bound = server.start({"127.0.0.1", 0});
    REQUIRE(bound);
    REQUIRE(bound->port != 0);

    const auto ok = httpExchange(bound->port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK_THAT(ok, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
    CHECK_THAT(ok, Catch::Contains("Content-Type: text/plain; version=0.0.4"));
    CHECK_THAT(ok, Catch::EndsWith("\r\n\r\nparley_up 1\n"));

    CHECK_THAT(httpExchange(bound->port, "GET /metrics?x=1 HTTP/1.0\r\n\r\n"),
               Catch::StartsWith("HTTP/1.1 200 OK"));
    CHECK_THAT(httpExchange(bound->port, "GET / HTTP/1.1\r\n\r\n"),
               Catch::StartsWith("HTTP/1.1 404 Not Found"));
    CHECK_THAT(httpExchange(bound->port, "POST /metrics HTTP/1.1\r\n\r\n"),
               Catch::StartsWith("HTTP/1.1 405"));
    CHECK_THAT(httpExchange(bound->port, "garbage\r\n\r\n"), Catch::StartsWith("HTTP/1.1 400"));
    const auto head = httpExchange(bound->port, "HEAD /metrics HTTP/1.1\r\n\r\n");
    CHECK_THAT(head, Catch::EndsWith("\r\n\r\n"));
    // A head that never ends is cut at the bound, not buffered forever.
    const std::string huge = "GET /metrics HTTP/1.1\r\nX: " + std::string(64 * 1024, 'a');
    CHECK_THAT(httpExchange(bound->port, huge), Catch::StartsWith("HTTP/1.1 431"));
    server.stop();
  }
  work.reset();
  io.stop();
  runner.join();
}

TEST_CASE("the metrics endpoint reports a port it cannot bind", "[server][metrics]") {
  asio::io_context io;
  MetricsHttpServer first(io, [] { return std::string(); });
  auto bound = first.start({"127.0.0.1", 0});
  REQUIRE(bound);
  MetricsHttpServer second(io, [] { return std::string(); });
  auto again = second.start(*bound);
  REQUIRE_FALSE(again);
  CHECK_THAT(again.error().detail, Catch::Contains("cannot listen for metrics on 127.0.0.1:"));
  first.stop();
  second.stop();
  io.run();
}

TEST_CASE("[peer]: STUN and TURN servers, the TURN secret, and clear errors", "[server][config]") {
  auto config = parseServerConfig(
      "[peer]\npeer_to_peer = true\nstun = \"192.0.2.1:3478\"\n"
      "turn = [\"udp:192.0.2.1:3478\", \"tls:[2001:db8::1]:5349\"]\n"
      "turn_secret = \"a-long-enough-secret\"\nturn_ttl_s = 600\n",
      "/etc/parleyd", "parleyd.toml");
  REQUIRE(config);
  CHECK(config->peer_enabled);
  REQUIRE(config->peer_stun);
  CHECK(config->peer_stun->port == 3478);
  REQUIRE(config->peer_turn.size() == 2);
  CHECK(config->peer_turn[1].transport == "tls");
  CHECK(config->peer_turn[1].endpoint.address == "2001:db8::1");
  CHECK(config->peer_turn_ttl == std::chrono::seconds(600));

  auto off = parseServerConfig("[peer]\npeer_to_peer = false\n", "/x", "x.toml");
  REQUIRE(off);
  CHECK_FALSE(off->peer_enabled);

  CHECK_THAT(configError("[peer]\npeer_to_peer = 1\n"), Catch::Contains("[peer] peer_to_peer"));
  CHECK_THAT(configError("[peer]\nstun = \"stun.example.com:3478\"\n"),
             Catch::Contains("[peer] stun"));
  CHECK_THAT(configError("[peer]\nturn = [\"sctp:192.0.2.1:3478\"]\nturn_secret = \"x\"\n"),
             Catch::Contains("udp:, tcp: or tls:"));
  CHECK_THAT(configError("[peer]\nturn = [\"udp:192.0.2.1:3478\"]\n"),
             Catch::Contains("static-auth-secret"));
  CHECK_THAT(configError("[peer]\nturn_ttl_s = 5\n"), Catch::Contains("[peer] turn_ttl_s"));
  CHECK_THAT(configError("[peer]\nrelay = true\n"), Catch::Contains("relay"));
}

TEST_CASE("TURN credentials are coturn's use-auth-secret form", "[server][config]") {
  // Expected value from Python: base64(hmac.new(secret, username, sha1)).
  const auto c = makeTurnCredentials("0123456789abcdef-secret", "alice", 1700000000,
                                     std::chrono::seconds(3600));
  CHECK(c.username == "1700003600:alice");
  CHECK(c.password == "RdimA65Hn6XcpWiLB0HmFEQZlmY=");
}
