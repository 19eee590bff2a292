// A real parleyd with the administrator features on: Prometheus metrics over
// HTTP counting what clients did, and log lines reaching a UDP syslog
// collector as RFC 5424 messages and the local syslog socket.

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/local/datagram_protocol.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/metrics_scrape.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"

using namespace parley::test;

TEST_CASE("parleyd serves metrics that count sign-ins, rooms and forwarded frames",
          "[integration][metrics]") {
  ServerFixture::Options options;
  options.config = {{"enabled", "true"}, {"address", "\"127.0.0.1:0\""}};
  ServerFixture server(options);
  server.start();
  const auto ports = nlohmann::json::parse(readFile(server.dir() + "/ports.json"));
  REQUIRE(ports.contains("metrics"));
  const auto metrics_port = ports.at("metrics").at("port").get<std::uint16_t>();
  REQUIRE(metrics_port != 0);

  auto before = scrapeMetrics(metrics_port);
  REQUIRE_THAT(before, Catch::StartsWith("HTTP/1.1 200 OK"));
  CHECK(metricSample(before, "parley_sign_ins_total") == 0);

  // Bob stays in the room until alice's and the wrong sign-in are done.
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.for_seconds = CliOptions::kUntilStopped;
  CliProcess listener(server, bob);
  REQUIRE(listener.waitForEvent("joined"));
  const auto during = scrapeMetrics(metrics_port);
  CHECK(metricSample(during, "parley_participants") == 1);
  CHECK(metricSample(during, "parley_rooms_open") == 1);

  CliOptions alice;
  alice.say = {"hello metrics"};
  CHECK(runCli(server, alice).exit_code == 0);
  CliOptions wrong;
  wrong.password = "not-the-password";
  CHECK(runCli(server, wrong).exit_code != 0);
  CHECK(listener.waitForEvent("chat", [](const nlohmann::json& c) {
    return c.at("sender") == "alice" && c.at("text") == "hello metrics";
  }));
  CHECK(listener.stop().exit_code == 0);

  // Bob's leave may still be on its way when his process has exited.
  std::string after;
  CHECK(eventually(
      [&] {
        after = scrapeMetrics(metrics_port);
        return metricSample(after, "parley_participants") == 0;
      },
      std::chrono::seconds(20)));
  CHECK(metricSample(after, "parley_sign_ins_total") == 2);
  CHECK(metricSample(after, "parley_sign_in_failures_total{reason=\"wrong_password\"}") == 1);
  const std::string accepted = "parley_connections_accepted_total{port=\"" +
                               std::to_string(server.port()) + "\",method=\"direct\"}";
  CHECK(metricSample(after, accepted) >= 3);
  // Every client raced and named its (direct) method in its hello.
  CHECK(metricSample(after, "parley_connections_total{method=\"direct\"}") >= 3);
  CHECK(metricSample(after, "parley_connections_total{method=\"unknown\"}") == 0);
  CHECK(metricSample(after, "parley_connections_total{method=\"other\"}") == 0);
  // alice's chat reached bob, and join/leave notices went to the other member.
  CHECK(metricSample(after, "parley_forwarded_packets_total") >= 2);
  CHECK(metricSample(after, "parley_forwarded_bytes_total") >
        metricSample(after, "parley_forwarded_packets_total"));

  CHECK_THAT(scrapeMetrics(metrics_port, "/"), Catch::StartsWith("HTTP/1.1 404"));
  CHECK(server.terminate() == 0);
}

TEST_CASE("metrics are off unless enabled", "[integration][metrics]") {
  ServerFixture server;
  server.start();
  const auto ports = nlohmann::json::parse(readFile(server.dir() + "/ports.json"));
  CHECK_FALSE(ports.contains("metrics"));
  CHECK(server.terminate() == 0);
}

TEST_CASE("parleyd sends its log to a UDP syslog collector", "[integration][syslog]") {
  asio::io_context io;
  asio::ip::udp::socket collector(io, {asio::ip::make_address("127.0.0.1"), 0});
  collector.non_blocking(true);
  const auto port = collector.local_endpoint().port();

  ServerFixture::Options options;
  // [log] has only `level` uncommented; the syslog keys go on the lines after it.
  options.config = {{"level", "\"info\"\nsyslog = \"udp\"\nsyslog_collector = \"127.0.0.1:" +
                                  std::to_string(port) + "\"\nsyslog_facility = \"local4\""}};
  ServerFixture server(options);
  server.start();

  std::vector<std::string> datagrams;
  const bool got = eventually(
      [&] {
        std::array<char, 4096> buffer{};
        asio::ip::udp::endpoint from;
        asio::error_code ec;
        const auto n = collector.receive_from(asio::buffer(buffer), from, 0, ec);
        if (!ec) {
          datagrams.emplace_back(buffer.data(), n);
        }
        for (const auto& d : datagrams) {
          if (d.find("listening on") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(20));
  REQUIRE(got);
  // local4 (20) * 8 + informational (6) = 166; version 1; then time, host,
  // app, pid, no msgid, no structured data.
  const std::regex header(
      R"(<166>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z \S+ parleyd (\d+) - - .*)");
  std::smatch match;
  REQUIRE(std::regex_match(datagrams.front(), match, header));
  CHECK(std::stol(match[1].str()) == server.pid());
  // The journal/stderr copy is still written.
  CHECK_THAT(server.log(), Catch::Contains("listening on"));
  CHECK(server.terminate() == 0);
}

TEST_CASE("parleyd sends its log to the local syslog socket", "[integration][syslog]") {
  // A temporary datagram socket stands in for /dev/log.
  char dir_template[] = "/tmp/parley-devlog-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string path = std::string(dir_template) + "/log";
  asio::io_context io;
  asio::local::datagram_protocol::socket daemon(io, asio::local::datagram_protocol::endpoint(path));
  daemon.non_blocking(true);

  ServerFixture::Options options;
  options.config = {{"level", "\"info\"\nsyslog = \"local\"\nsyslog_socket = \"" + path +
                                  "\"\nsyslog_facility = \"local4\""}};
  ServerFixture server(options);
  server.start();

  std::vector<std::string> datagrams;
  const bool got = eventually(
      [&] {
        std::array<char, 4096> buffer{};
        asio::error_code ec;
        const auto n = daemon.receive(asio::buffer(buffer), 0, ec);
        if (!ec) {
          datagrams.emplace_back(buffer.data(), n);
        }
        for (const auto& d : datagrams) {
          if (d.find("listening on") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(20));
  REQUIRE(got);
  // local4 (20) * 8 + informational (6) = 166, then "Mmm dd hh:mm:ss", the
  // tag with the pid, and the text: what syslog(3) would have written.
  const std::regex form(R"(<166>[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d parleyd\[(\d+)\]: .+)");
  std::smatch match;
  REQUIRE(std::regex_match(datagrams.front(), match, form));
  CHECK(std::stol(match[1].str()) == server.pid());
  CHECK_THAT(server.log(), Catch::Contains("listening on"));
  CHECK(server.terminate() == 0);
  daemon.close();
  std::filesystem::remove_all(dir_template);
}
