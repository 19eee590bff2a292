// The Prometheus registry and the HTTP responder that serves it.

#include "core/server/observability/server_metrics.h"

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <regex>
#include <thread>

#include "core/server/observability/heap_in_use.h"
#include "core/server/observability/metrics_http_server.h"

using namespace parley::server;
using parley::ErrorCode;

namespace {

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
  metrics.signInSlowed();
  metrics.messageOverLimit(0);
  metrics.messageOverLimit(0);
  metrics.messageOverLimit(2);
  metrics.messageOverLimit(99);  // not a kind: ignored
  metrics.floodDisconnected();
  metrics.mediaDropped(ServerMetrics::MediaDrop::UnconfirmedAddress);
  metrics.mediaDropped(ServerMetrics::MediaDrop::Auth);
  metrics.mediaDropped(ServerMetrics::MediaDrop::Auth);
  metrics.mediaAddressCheckSent();
  metrics.mediaAddressConfirmed();
  const auto text = metrics.renderPrometheus({3, 1, 0, std::nullopt, 0}, "1.2.3\"x");
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
  CHECK_THAT(text, Catch::Contains("parley_sign_ins_slowed_total 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_messages_over_limit_total{kind=\"chat\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("parley_messages_over_limit_total{kind=\"presence\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("parley_messages_over_limit_total{kind=\"signal\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_flood_disconnects_total 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_forwarded_packets_total 2\n"));
  CHECK_THAT(text, Catch::Contains("parley_forwarded_bytes_total 128\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE parley_forwarded_bytes_total counter\n"));
  // Every reason is always present, so alerts see 0 rather than nothing.
  CHECK_THAT(text, Catch::Contains("parley_media_dropped_packets_total{reason=\"auth\"} 2\n"));
  CHECK_THAT(text, Catch::Contains(
                       "parley_media_dropped_packets_total{reason=\"unconfirmed_address\"} 1\n"));
  CHECK_THAT(text,
             Catch::Contains("parley_media_dropped_packets_total{reason=\"unknown_ssrc\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("parley_media_address_checks_total 1\n"));
  CHECK_THAT(text, Catch::Contains("parley_media_addresses_confirmed_total 1\n"));
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

TEST_CASE("the live heap gauge follows what the process holds, and is left out when unknown",
          "[metrics]") {
#if defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__)
  const auto before = heapInUseBytes();
  REQUIRE(before);
  constexpr std::size_t kHeld = 8U << 20U;
  auto held = std::make_unique<char[]>(kHeld);
  held[kHeld - 1] = 1;  // kept alive and touched, so the allocation is real
  const auto during = heapInUseBytes();
  REQUIRE(during);
  CHECK(*during >= *before + kHeld);
  held.reset();
  const auto after = heapInUseBytes();
  REQUIRE(after);
  CHECK(*after < *during);
#else
  CHECK_FALSE(heapInUseBytes());  // Windows: the gauge is left out
#endif

  ServerMetrics metrics;
  ServerMetrics::Gauges gauges;
  CHECK_THAT(metrics.renderPrometheus(gauges, "1"), !Catch::Contains("parley_heap_in_use_bytes"));
  gauges.heap_in_use_bytes = 12345;
  CHECK_THAT(metrics.renderPrometheus(gauges, "1"),
             Catch::Contains(
                 "# TYPE parley_heap_in_use_bytes gauge\nparley_heap_in_use_bytes 12345\n"));
}
