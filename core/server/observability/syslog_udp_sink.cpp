#include "core/server/observability/syslog_udp_sink.h"

#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <cstdio>
#include <ctime>

#include "core/base/calendar_time.h"

namespace parley::server {

struct SyslogUdpSink::Socket {
  asio::io_context io;  // never run: the socket is used synchronously, non-blocking
  asio::ip::udp::socket socket{io};
  asio::ip::udp::endpoint collector;
};

namespace {

std::string headerField(std::string_view value) {
  if (value.empty()) {
    return "-";
  }
  std::string out;
  // PRINTUSASCII only, no spaces (RFC 5424 section 6); at most 48 bytes (APP-NAME).
  for (const char c : value.substr(0, 48)) {
    out += (c > 32 && c < 127) ? c : '_';
  }
  return out;
}

}  // namespace

int syslogSeverity(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;
    case spdlog::level::info:
      return 6;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::err:
      return 3;
    case spdlog::level::critical:
      return 2;
    default:
      return 6;
  }
}

std::string formatRfc5424(int facility, int severity, std::chrono::system_clock::time_point time,
                          std::string_view host, std::string_view app, long pid,
                          std::string_view text, std::size_t max_bytes) {
  using namespace std::chrono;
  const auto since_epoch = time.time_since_epoch();
  const auto secs = duration_cast<seconds>(since_epoch);
  const auto micros = duration_cast<microseconds>(since_epoch - secs).count();
  const std::time_t t = static_cast<std::time_t>(secs.count());
  const std::tm tm = utcCalendarTime(t);
  char stamp[128];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long>(micros));
  std::string out = "<" + std::to_string(facility * 8 + severity) + ">1 " + stamp + " " +
                    headerField(host) + " " + headerField(app) + " " + std::to_string(pid) +
                    " - - ";
  // Keep the message on one line: a collector splits on nothing else in UDP,
  // but people read these with grep.
  for (const char c : text) {
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  if (out.size() > max_bytes) {
    std::size_t cut = max_bytes;
    // Do not split a UTF-8 sequence: back off over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    out.resize(cut);
  }
  return out;
}

Result<std::shared_ptr<SyslogUdpSink>> SyslogUdpSink::create(const Endpoint& collector,
                                                             int facility, std::string app_name) {
  auto socket = std::make_unique<Socket>();
  asio::error_code ec;
  const auto address = asio::ip::make_address(collector.address, ec);
  if (ec || collector.port == 0) {
    return makeError(ErrorCode::ConfigInvalid,
                     "syslog collector " + collector.toString() + " is not ADDR:PORT");
  }
  socket->collector = asio::ip::udp::endpoint(address, collector.port);
  socket->socket.open(socket->collector.protocol(), ec);
  if (!ec) {
    socket->socket.non_blocking(true, ec);
  }
  if (ec) {
    return makeError(ErrorCode::Io, "cannot open a UDP socket for syslog: " + ec.message());
  }
  return std::shared_ptr<SyslogUdpSink>(
      new SyslogUdpSink(std::move(socket), facility, std::move(app_name)));
}

SyslogUdpSink::SyslogUdpSink(std::unique_ptr<Socket> socket, int facility, std::string app_name)
    : socket_(std::move(socket)),
      facility_(facility),
      app_name_(std::move(app_name)),
      pid_(static_cast<long>(::getpid())) {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0) {
    host_ = name;
  }
}

SyslogUdpSink::~SyslogUdpSink() = default;

void SyslogUdpSink::sink_it_(const spdlog::details::log_msg& msg) {
  const std::string_view text(msg.payload.data(), msg.payload.size());
  const auto datagram =
      formatRfc5424(facility_, syslogSeverity(msg.level), msg.time, host_, app_name_, pid_, text);
  asio::error_code ec;
  socket_->socket.send_to(asio::buffer(datagram), socket_->collector, 0, ec);
  // Dropped on error (would block, no route, collector down): logging must not
  // stop the server, and the line still went to stderr/the journal.
}

}  // namespace parley::server
