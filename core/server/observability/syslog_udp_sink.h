#pragma once
// SyslogUdpSink: an spdlog sink that sends each log line as one RFC 5424
// message in one UDP datagram (RFC 5426) to a collector, as administrators of
// the seed products expect ("syslog over UDP"). Sending never blocks and never
// fails the caller: a datagram the kernel cannot take at once is dropped.
// Threads: spdlog serializes calls through the sink's mutex; any thread.

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/server/deployment/server_config.h"

namespace parley::server {

// RFC 5424 severity of an spdlog level (trace and debug are both 7).
int syslogSeverity(spdlog::level::level_enum level);

// One RFC 5424 message, at most `max_bytes` (cut on a UTF-8 boundary):
// "<PRI>1 2026-01-02T03:04:05.678901Z host app pid - - text".
// Empty host/app become "-" (the NILVALUE); spaces in them become '_'.
inline constexpr std::size_t kSyslogMaxMessage = 2048;
std::string formatRfc5424(int facility, int severity, std::chrono::system_clock::time_point time,
                          std::string_view host, std::string_view app, long pid,
                          std::string_view text, std::size_t max_bytes = kSyslogMaxMessage);

class SyslogUdpSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // `facility`: RFC 5424 number (syslogFacilityNumber()). Resolves nothing:
  // the collector is a numeric address.
  static Result<std::shared_ptr<SyslogUdpSink>> create(const Endpoint& collector, int facility,
                                                       std::string app_name);
  ~SyslogUdpSink() override;

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  struct Socket;
  SyslogUdpSink(std::unique_ptr<Socket> socket, int facility, std::string app_name);
  std::unique_ptr<Socket> socket_;
  int facility_;
  std::string app_name_;
  std::string host_;
  long pid_;
};

}  // namespace parley::server
