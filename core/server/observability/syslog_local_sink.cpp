#include "core/server/observability/syslog_local_sink.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/base/calendar_time.h"

namespace parley::server {

struct SyslogLocalSink::Socket {
  ~Socket() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  int fd = -1;
  sockaddr_un address{};
  socklen_t address_length = 0;
};

namespace {

// The tag as a daemon's parser reads it: printable ASCII without spaces,
// brackets or ':' (they end the tag), at most 32 bytes.
std::string tagOf(std::string_view app) {
  std::string out;
  for (const char c : app.substr(0, 32)) {
    out += (c > 32 && c < 127 && c != '[' && c != ']' && c != ':') ? c : '_';
  }
  return out.empty() ? std::string("-") : out;
}

}  // namespace

std::string formatLocalSyslog(int facility, int severity,
                              std::chrono::system_clock::time_point time, std::string_view app,
                              long pid, std::string_view text, std::size_t max_bytes) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  const std::tm tm = localCalendarTime(t);
  // "%h %e %T" in the C locale, whatever the process's locale is.
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%s %2d %02d:%02d:%02d", kMonths[tm.tm_mon % 12], tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = "<" + std::to_string(facility * 8 + severity) + ">" + stamp + " " + tagOf(app) +
                    "[" + std::to_string(pid) + "]: ";
  for (const char c : text) {
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  if (out.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
      --cut;  // do not split a UTF-8 sequence
    }
    out.resize(cut);
  }
  return out;
}

Result<std::shared_ptr<SyslogLocalSink>> SyslogLocalSink::create(const std::string& socket_path,
                                                                 int facility,
                                                                 std::string app_name) {
  auto socket = std::make_unique<Socket>();
  if (socket_path.empty() || socket_path.size() >= sizeof socket->address.sun_path) {
    return makeError(ErrorCode::ConfigInvalid,
                     "syslog socket path '" + socket_path + "' is empty or too long");
  }
  socket->address.sun_family = AF_UNIX;
  std::memcpy(socket->address.sun_path, socket_path.data(), socket_path.size());
  socket->address_length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path.size() + 1);
  socket->fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (socket->fd < 0) {
    return makeError(ErrorCode::Io, std::string("cannot open a socket for the local syslog: ") +
                                        std::strerror(errno));
  }
  return std::shared_ptr<SyslogLocalSink>(
      new SyslogLocalSink(std::move(socket), facility, std::move(app_name)));
}

SyslogLocalSink::SyslogLocalSink(std::unique_ptr<Socket> socket, int facility, std::string app_name)
    : socket_(std::move(socket)),
      facility_(facility),
      app_name_(std::move(app_name)),
      pid_(static_cast<long>(::getpid())) {}

SyslogLocalSink::~SyslogLocalSink() = default;

void SyslogLocalSink::sink_it_(const spdlog::details::log_msg& msg) {
  const std::string_view text(msg.payload.data(), msg.payload.size());
  const auto datagram =
      formatLocalSyslog(facility_, syslogSeverity(msg.level), msg.time, app_name_, pid_, text);
  // Dropped on error (no daemon, queue full, daemon restarting): logging must
  // not stop the server, and the line still went to stderr/the journal.
  (void)::sendto(socket_->fd, datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&socket_->address), socket_->address_length);
}

}  // namespace parley::server
