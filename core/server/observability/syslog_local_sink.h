#pragma once
// SyslogLocalSink: an spdlog sink that writes each log line as one datagram
// to the local syslog socket (/dev/log: journald, rsyslog, syslog-ng), in the
// form glibc's syslog() uses there ("<PRI>Mmm dd hh:mm:ss parleyd[pid]: text").
// Our own sink rather than syslog(3) so that the socket path can be given
// (tests, chroots) and so that a stalled syslog daemon never blocks the
// server: a datagram the kernel cannot take at once is dropped.
// The socket is not connected: each line is sent to the path, so a syslog
// daemon that restarts (a new socket at the same path) gets the next line.
// Threads: spdlog serializes calls through the sink's mutex; any thread.

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/server/observability/syslog_udp_sink.h"

namespace parley::server {

inline constexpr const char* kLocalSyslogSocket = "/dev/log";

// One local syslog message, at most `max_bytes` (cut on a UTF-8 boundary):
// "<PRI>Jan  2 03:04:05 app[pid]: text", the time in local time (as glibc
// writes it; the daemon stamps its own anyway). Newlines become spaces.
std::string formatLocalSyslog(int facility, int severity,
                              std::chrono::system_clock::time_point time, std::string_view app,
                              long pid, std::string_view text,
                              std::size_t max_bytes = kSyslogMaxMessage);

class SyslogLocalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // `facility`: RFC 5424 number (syslogFacilityNumber()). The socket need not
  // exist yet (lines sent before it does are dropped); fails only when no
  // AF_UNIX socket can be opened or the path does not fit in sun_path.
  static Result<std::shared_ptr<SyslogLocalSink>> create(const std::string& socket_path,
                                                         int facility, std::string app_name);
  ~SyslogLocalSink() override;
  SyslogLocalSink(const SyslogLocalSink&) = delete;
  SyslogLocalSink& operator=(const SyslogLocalSink&) = delete;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  struct Socket;
  SyslogLocalSink(std::unique_ptr<Socket> socket, int facility, std::string app_name);
  std::unique_ptr<Socket> socket_;
  int facility_;
  std::string app_name_;
  long pid_;
};

}  // namespace parley::server
