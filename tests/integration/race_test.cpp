// The connection race against a real parleyd on loopback, through
// `parley-cli probe` and `join` and through the RacingConnector in process:
// the whole handshake decides the winner, failures are named per attempt,
// and a session keeps its winning route.

#include <asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/client/hello_greeting.h"
#include "net/connect/racing_connector.h"
#include "net/io_thread.h"
#include "net/tls/tls_context.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"

using json = nlohmann::json;
using namespace std::chrono_literals;
using parley::test::RunResult;
using parley::test::ServerFixture;

namespace {

// A port on 127.0.0.1 with nothing listening (connection refused).
std::uint16_t closedPort() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

// Accepts TCP and then says nothing: a silently broken path, or a box that
// terminates TCP. The race must not count it as a way through.
class SilentListener {
 public:
  SilentListener() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~SilentListener() {
    asio::post(io_, [this] {
      acceptor_.close();
      accepted_.clear();
    });
    io_.stop();
    thread_.join();
  }
  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept() {
    acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
      if (!ec) {
        accepted_.push_back(std::move(socket));
        accept();
      }
    });
  }
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<asio::ip::tcp::socket> accepted_;
  std::thread thread_;
};

RunResult probe(const std::string& ca, std::uint16_t tls_port, std::uint16_t alt_port,
                std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {parley::test::parleyCliPath(),
                                   "probe",
                                   "--server",
                                   "127.0.0.1",
                                   "--ca",
                                   ca,
                                   "--tls-port",
                                   std::to_string(tls_port),
                                   "--alt-port",
                                   std::to_string(alt_port),
                                   "--no-auto"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return parley::test::runProgram(argv, "", 60s);
}

const json* attemptTo(const json& report, std::uint16_t port) {
  for (const auto& a : report.at("attempts")) {
    if (a.at("target").get<std::string>().find(":" + std::to_string(port)) != std::string::npos) {
      return &a;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("probe: the open port wins, the refused one is named", "[integration][race]") {
  ServerFixture server;
  server.start();
  const std::uint16_t refused = closedPort();
  const RunResult run = probe(server.caFile(), refused, server.port(), {"--json"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const json report = json::parse(run.out);
  const json& winner = report.at("winner");
  CHECK(winner.at("method") == "direct");
  CHECK(winner.at("via") == "");
  CHECK(winner.at("port") == server.port());
  CHECK(winner.at("ms").get<int>() >= 0);
  const json* loser = attemptTo(report, refused);
  REQUIRE(loser != nullptr);
  CHECK(loser->at("outcome") == "failed");
  CHECK(loser->at("error") == "connection_refused");
  const json* won = attemptTo(report, server.port());
  REQUIRE(won != nullptr);
  CHECK(won->at("outcome") == "won");
  // Every stage up to the server's hello, in order.
  const json& stages = won->at("stages");
  CHECK(stages.at("tcp_connected").get<int>() <= stages.at("tls_done").get<int>());
  CHECK(stages.at("tls_done").get<int>() <= stages.at("hello_done").get<int>());
}

TEST_CASE("probe: TCP alone does not win, the path that completes the handshake does",
          "[integration][race]") {
  ServerFixture server;
  server.start();
  SilentListener silent;
  const RunResult run = probe(server.caFile(), silent.port(), server.port(), {"--json"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const json report = json::parse(run.out);
  CHECK(report.at("winner").at("port") == server.port());
  const json* silent_attempt = attemptTo(report, silent.port());
  REQUIRE(silent_attempt != nullptr);
  CHECK(silent_attempt->at("stages").contains("tcp_connected"));
  CHECK(silent_attempt->at("outcome") == "cancelled");
}

TEST_CASE("probe: a certificate from another CA fails with tls_inspection and the issuer",
          "[integration][race]") {
  ServerFixture server;
  server.start();
  ServerFixture other(ServerFixture::Options{{}, {}, {}, {}});  // only for its CA
  const RunResult run = probe(other.caFile(), server.port(), server.port());
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.out.find("tls_inspection") != std::string::npos);
  CHECK(run.out.find("issued by") != std::string::npos);
  CHECK(run.out.find("no secure connection") != std::string::npos);
}

TEST_CASE("probe: everything refused fails with one line per attempt", "[integration][race]") {
  const std::uint16_t a = closedPort();
  const std::uint16_t b = closedPort();
  ServerFixture ca_only(ServerFixture::Options{{}, {}, {}, {}});
  const RunResult run = probe(ca_only.caFile(), a, b, {"--json"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  const json report = json::parse(run.out);
  CHECK(report.at("winner").is_null());
  CHECK(report.at("attempts").size() >= 2);
  for (const auto& attempt : report.at("attempts")) {
    CHECK(attempt.at("outcome") == "failed");
  }
}

TEST_CASE("probe: bad proxy URLs are usage errors", "[integration][race]") {
  ServerFixture ca_only(ServerFixture::Options{{}, {}, {}, {}});
  CHECK(probe(ca_only.caFile(), 1, 2, {"--proxy", "https://p:1"}).exit_code == 2);
  CHECK(probe(ca_only.caFile(), 1, 2, {"--socks", "socks5://p:99999"}).exit_code == 2);
  CHECK(probe(ca_only.caFile(), 1, 2, {"--proxy", "socks5://p:1080"}).exit_code == 2);
}

TEST_CASE("join reports the winning method in its connected event", "[integration][race]") {
  ServerFixture server;
  server.start();
  parley::test::CliOptions alice;
  alice.for_seconds = 0;
  const auto run = parley::test::runCli(server, alice);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE_FALSE(run.eventsOf("connected").empty());
  const json connected = json::parse(run.eventsOf("connected")[0]);
  CHECK(connected.at("method") == "direct");
  CHECK(connected.at("via") == "");
  CHECK(connected.at("port") == server.port());
}

TEST_CASE("a session keeps its winning route: the next connect races nothing else",
          "[integration][race]") {
  ServerFixture server;
  server.start();
  auto tls = parley::net::makeClientTlsContext(server.caFile());
  REQUIRE(tls);
  parley::net::IoThreads io(1);
  auto executor = io.context().get_executor();
  parley::net::RaceSettings settings;
  settings.proxies.auto_detect = false;
  settings.proxies.default_names = false;
  parley::net::RacingConnectorFactory factory(executor, *tls, settings);
  const parley::net::ConnectTarget target{"127.0.0.1", closedPort(), server.port()};

  // Runs one connect on the io thread; returns the routes its attempts took.
  auto connectOnce = [&](bool& ok) {
    std::promise<std::pair<bool, std::set<std::string>>> done;
    auto routes = std::make_shared<std::set<std::string>>();
    std::unique_ptr<parley::net::Connector> connector;
    asio::post(executor, [&] {
      connector = factory.create();
      connector->setGreeting(parley::client::makeHelloGreeting("race_test", 1));
      connector->setProgressHandler([routes](const parley::net::AttemptEvent& e) {
        routes->insert(e.method + " " + e.target.substr(0, e.target.find(' ')));
      });
      connector->connect(target, [&](parley::Result<parley::net::ConnectedStream> result) {
        asio::post(executor, [&, good = bool(result)] {
          connector.reset();
          done.set_value({good, *routes});
        });
      });
    });
    auto [good, seen] = done.get_future().get();
    ok = good;
    return seen;
  };

  bool first_ok = false;
  const auto first = connectOnce(first_ok);
  REQUIRE(first_ok);
  CHECK(first.size() == 2);  // both ports raced
  REQUIRE(factory.winningRoute().has_value());
  CHECK(factory.winningRoute()->server_port == server.port());

  bool second_ok = false;
  const auto second = connectOnce(second_ok);
  REQUIRE(second_ok);
  CHECK(second == std::set<std::string>{"direct 127.0.0.1:" + std::to_string(server.port())});
}
