// The syslog sinks (RFC 5424 over UDP, and the local /dev/log form): built
// on POSIX systems only, like the sinks themselves.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/local/datagram_protocol.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "core/server/observability/syslog_local_sink.h"
#include "core/server/observability/syslog_udp_sink.h"

using namespace parley::server;

TEST_CASE("RFC 5424 messages have the standard header", "[server][syslog]") {
  using namespace std::chrono;
  const auto t = system_clock::time_point(seconds(1767323045) + microseconds(678901));
  CHECK(formatRfc5424(3, 6, t, "host1", "parleyd", 42, "hello\nworld") ==
        "<30>1 2026-01-02T03:04:05.678901Z host1 parleyd 42 - - hello world");
  CHECK(formatRfc5424(16, 2, t, "", "my app", 1, "x") ==
        "<130>1 2026-01-02T03:04:05.678901Z - my_app 1 - - x");
  // Cut to the bound without splitting a UTF-8 character ("é" is 2 bytes).
  const auto cut = formatRfc5424(3, 6, t, "h", "a", 1, std::string(10, 'x') + "\xC3\xA9", 55);
  CHECK(cut.size() == 54);
  CHECK(cut.back() == 'x');
  CHECK(syslogSeverity(spdlog::level::warn) == 4);
  CHECK(syslogSeverity(spdlog::level::err) == 3);
  CHECK(syslogFacilityNumber("local3") == 19);
  CHECK(syslogFacilityNumber("kern") == -1);
}

TEST_CASE("the UDP syslog sink sends one datagram per log line", "[server][syslog]") {
  asio::io_context io;
  asio::ip::udp::socket collector(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = collector.local_endpoint().port();
  auto sink = SyslogUdpSink::create({"127.0.0.1", port}, 3, "parleyd");
  REQUIRE(sink);
  (*sink)->set_pattern("%v");
  spdlog::logger logger("syslog-test", *sink);
  logger.warn("room '{}' is full", "lobby");
  logger.info("second line");

  std::array<char, 4096> buffer{};
  asio::ip::udp::endpoint from;
  auto n = collector.receive_from(asio::buffer(buffer), from);
  const std::string first(buffer.data(), n);
  CHECK_THAT(first, Catch::StartsWith("<28>1 "));  // daemon (3) * 8 + warning (4)
  CHECK_THAT(first, Catch::Contains(" parleyd "));
  CHECK_THAT(first, Catch::EndsWith(" - - room 'lobby' is full"));
  n = collector.receive_from(asio::buffer(buffer), from);
  CHECK_THAT(std::string(buffer.data(), n), Catch::StartsWith("<30>1 "));

  auto bad = SyslogUdpSink::create({"127.0.0.1", 0}, 3, "parleyd");
  CHECK_FALSE(bad);
}

TEST_CASE("local syslog messages have the form syslog(3) writes to /dev/log", "[server][syslog]") {
  using namespace std::chrono;
  // The local form carries local time, as syslog(3) writes it: pin the zone.
  const char* old_tz = std::getenv("TZ");
  const std::optional<std::string> saved_tz =
      old_tz != nullptr ? std::optional<std::string>(old_tz) : std::nullopt;
  ::setenv("TZ", "UTC0", 1);
  ::tzset();
  const auto t = system_clock::time_point(seconds(1767323045) + microseconds(678901));
  CHECK(formatLocalSyslog(3, 6, t, "parleyd", 42, "hello\nworld") ==
        "<30>Jan  2 03:04:05 parleyd[42]: hello world");
  CHECK(formatLocalSyslog(20, 3, t, "my app[1]:", 7, "x") ==
        "<163>Jan  2 03:04:05 my_app_1__[7]: x");
  const auto cut = formatLocalSyslog(3, 6, t, "a", 1, std::string(10, 'x') + "\xC3\xA9", 37);
  CHECK(cut.size() == 36);  // 26 bytes of header, 10 x, "é" (2 bytes) not split
  CHECK(cut.back() == 'x');
  if (saved_tz) {
    ::setenv("TZ", saved_tz->c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
}

TEST_CASE("the local syslog sink sends one datagram per line to the socket", "[server][syslog]") {
  // A temporary datagram socket stands in for /dev/log (journald, rsyslog).
  char dir_template[] = "/tmp/parley-syslog-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::filesystem::path dir(dir_template);
  const std::string path = (dir / "log").string();
  asio::io_context io;
  auto daemon = std::make_unique<asio::local::datagram_protocol::socket>(
      io, asio::local::datagram_protocol::endpoint(path));

  auto sink = SyslogLocalSink::create(path, 20, "parleyd");  // local4
  REQUIRE(sink);
  (*sink)->set_pattern("%v");
  spdlog::logger logger("local-syslog-test", *sink);
  logger.warn("room '{}' is full", "lobby");
  logger.error("two\nlines");

  std::array<char, 4096> buffer{};
  auto n = daemon->receive(asio::buffer(buffer));
  const std::string first(buffer.data(), n);
  // local4 (20) * 8 + warning (4) = 164; "Mmm dd hh:mm:ss", tag[pid]: text.
  const std::regex form(R"(<164>[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d parleyd\[(\d+)\]: (.*))");
  std::smatch match;
  REQUIRE(std::regex_match(first, match, form));
  CHECK(std::stol(match[1].str()) == static_cast<long>(::getpid()));
  CHECK(match[2].str() == "room 'lobby' is full");
  n = daemon->receive(asio::buffer(buffer));
  const std::string second(buffer.data(), n);
  CHECK_THAT(second, Catch::StartsWith("<163>"));
  CHECK_THAT(second, Catch::EndsWith("]: two lines"));

  // The daemon restarts: lines meanwhile are dropped (the caller never
  // fails or blocks), and the next line reaches the new socket.
  daemon.reset();
  std::filesystem::remove(path);
  logger.info("while the daemon is away");
  daemon = std::make_unique<asio::local::datagram_protocol::socket>(
      io, asio::local::datagram_protocol::endpoint(path));
  logger.info("back");
  n = daemon->receive(asio::buffer(buffer));
  CHECK_THAT(std::string(buffer.data(), n), Catch::EndsWith("]: back"));

  CHECK_FALSE(SyslogLocalSink::create("", 3, "parleyd"));
  CHECK_FALSE(SyslogLocalSink::create("/" + std::string(200, 'x'), 3, "parleyd"));
  daemon.reset();
  std::filesystem::remove_all(dir);
}
