#include "net/tunnel/curl_driver.h"

#include <mutex>

#include <asio/execution/context.hpp>
#include <asio/query.hpp>

#include "net/platform/socket_api.h"

namespace parley::net {

struct CurlDriver::Watch {
  Watch(asio::ip::tcp::socket s, curl_socket_t f, CURL* e) : socket(std::move(s)), fd(f), easy(e) {}
  ~Watch() {
    // Curl's socket, not ours: let go of it without closing.
    if (socket.is_open()) {
      asio::error_code ec;
      (void)socket.release(ec);
    }
  }
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  // Ends the waits in flight; their handlers see a newer generation and do
  // nothing, so a wait armed right after is not mistaken for the old one.
  void stop() {
    ++generation;
    read_pending = false;
    write_pending = false;
    asio::error_code ec;
    socket.cancel(ec);
  }

  asio::ip::tcp::socket socket;
  curl_socket_t fd;
  CURL* easy;
  int what = 0;
  unsigned generation = 0;
  int errors_in_a_row = 0;  // waits that ended in an error, not readiness
  bool read_pending = false;
  bool write_pending = false;
  bool reported_connected = false;
};

namespace {

std::once_flag g_curl_init;

void globalInit() {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::mutex g_registry_mutex;
std::map<const void*, std::weak_ptr<CurlDriver>>& registry() {
  static auto* drivers = new std::map<const void*, std::weak_ptr<CurlDriver>>();
  return *drivers;
}

bool socketConnected(curl_socket_t fd) {
  // Not SO_ERROR: reading it clears the error curl is about to look at.
  sockaddr_storage peer{};
  SockLen peer_len = sizeof(peer);
  return getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0;
}

// A wait that ends in an error (on Windows the zero-byte receive behind a read
// wait reports a reset) is readiness for curl, whose own send or receive then
// meets the error; a few in a row with no change of curl's interest stop the
// re-arming, so a socket stuck in an error cannot spin the thread until
// curl's timeout.
constexpr int kMaxWaitErrorsInARow = 3;

}  // namespace

std::shared_ptr<CurlDriver> CurlDriver::forExecutor(const asio::any_io_executor& executor) {
  const void* key = &asio::query(executor, asio::execution::context);
  std::lock_guard lock(g_registry_mutex);
  auto& drivers = registry();
  for (auto it = drivers.begin(); it != drivers.end();) {
    it = it->second.expired() ? drivers.erase(it) : std::next(it);
  }
  if (auto existing = drivers[key].lock()) {
    return existing;
  }
  auto driver = std::make_shared<CurlDriver>(executor);
  drivers[key] = driver;
  return driver;
}

CurlDriver::CurlDriver(asio::any_io_executor executor)
    : executor_(std::move(executor)), timer_(executor_) {
  globalInit();
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlDriver::socketCallback);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlDriver::timerCallback);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlDriver::~CurlDriver() {
  for (const auto& [easy, hooks] : easies_) {
    curl_multi_remove_handle(multi_, easy);
  }
  easies_.clear();
  curl_multi_cleanup(multi_);  // may close cached connections: closeSocketCallback
  for (auto& [fd, watch] : watches_) {
    watch->stop();
  }
  watches_.clear();
  timer_.cancel();
}

void CurlDriver::configureEasy(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlDriver::closeSocketCallback);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
}

Result<void> CurlDriver::add(CURL* easy, Hooks hooks) {
  easies_[easy] = std::move(hooks);
  const CURLMcode code = curl_multi_add_handle(multi_, easy);
  if (code != CURLM_OK) {
    easies_.erase(easy);
    return makeError(ErrorCode::Internal,
                     std::string("curl_multi_add_handle: ") + curl_multi_strerror(code));
  }
  return {};
}

void CurlDriver::remove(CURL* easy) {
  if (easies_.erase(easy) == 0) {
    return;
  }
  curl_multi_remove_handle(multi_, easy);
  // curl normally says CURL_POLL_REMOVE; make sure no wait outlives the
  // handle. Sockets curl keeps in its cache keep their watch, idle.
  for (auto& [fd, watch] : watches_) {
    if (watch->easy == easy) {
      watch->stop();
      watch->easy = nullptr;
    }
  }
}

std::optional<asio::ip::tcp::socket> CurlDriver::registerSocket(
    curl_socket_t fd, const asio::any_io_executor& executor) {
  auto owner = owners_.find(fd);
  const int family = owner == owners_.end() ? AF_INET : owner->second.family;
  asio::ip::tcp::socket socket(executor);
  asio::error_code ec;
  socket.assign(family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), fd, ec);
  if (ec) {
    return std::nullopt;
  }
  return socket;
}

std::optional<asio::ip::tcp::socket> CurlDriver::take(curl_socket_t fd,
                                                      const asio::any_io_executor& home) {
  const bool same_context = !home || &asio::query(home, asio::execution::context) ==
                                         &asio::query(executor_, asio::execution::context);
  std::optional<asio::ip::tcp::socket> socket;
  auto it = watches_.find(fd);
  if (it != watches_.end()) {
    it->second->stop();
    if (same_context) {
      socket.emplace(std::move(it->second->socket));
    } else {
      // Off this context's reactor (epoll, or the completion port through
      // FileReplaceCompletionInformation on Windows 8.1 and later) before
      // the other context takes it.
      asio::error_code ec;
      (void)it->second->socket.release(ec);
      if (ec) {
        return std::nullopt;  // still curl's: its close closes it
      }
    }
    watches_.erase(it);
  }
  if (!socket) {
    socket = registerSocket(fd, same_context ? executor_ : home);
  }
  if (socket) {
    taken_.insert(fd);
  }
  return socket;
}

int CurlDriver::socketCallback(CURL* easy, curl_socket_t fd, int what, void* user,
                               void* /*socketp*/) {
  static_cast<CurlDriver*>(user)->onSocket(easy, fd, what);
  return 0;
}

int CurlDriver::timerCallback(CURLM* /*multi*/, long timeout_ms, void* user) {
  auto* self = static_cast<CurlDriver*>(user);
  if (timeout_ms < 0) {
    self->timer_.cancel();
    return 0;
  }
  self->timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  std::weak_ptr<CurlDriver> weak = self->weak_from_this();
  self->timer_.async_wait([weak](const asio::error_code& ec) {
    if (ec) {
      return;
    }
    if (auto driver = weak.lock()) {
      driver->action(CURL_SOCKET_TIMEOUT, 0);
    }
  });
  return 0;
}

int CurlDriver::closeSocketCallback(void* user, curl_socket_t fd) {
  auto* self = static_cast<CurlDriver*>(user);
  const auto owner = self->owners_.find(fd);
  const Owner closed = owner == self->owners_.end() ? Owner{} : owner->second;
  if (owner != self->owners_.end()) {
    self->owners_.erase(owner);
  }
  if (self->taken_.erase(fd) != 0) {
    return 0;  // the tunnel's now
  }
  auto it = self->watches_.find(fd);
  if (closed.keep) {
    // Off the reactor (as take() does for another context), then the owner's.
    if (it != self->watches_.end()) {
      const std::shared_ptr<Watch> watch = it->second;
      self->watches_.erase(it);
      watch->stop();
      asio::error_code ec;
      (void)watch->socket.release(ec);
      if (ec) {
        return closeSocket(fd);
      }
    }
    self->kept_[closed.owner] = std::make_unique<KeptConnection>(fd, closed.family);
    return 0;
  }
  if (it == self->watches_.end()) {
    return closeSocket(fd);
  }
  // Closed through Asio, which drops its registration with the socket.
  const std::shared_ptr<Watch> watch = it->second;
  self->watches_.erase(it);
  watch->stop();
  asio::error_code ec;
  watch->socket.close(ec);
  return ec ? -1 : 0;
}

void CurlDriver::onSocket(CURL* easy, curl_socket_t fd, int what) {
  auto it = watches_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it != watches_.end()) {
      it->second->stop();
      it->second->what = 0;
    }
    return;
  }
  if (it == watches_.end()) {
    auto socket = registerSocket(fd, executor_);
    if (!socket) {
      return;  // curl's timeout ends the transfer
    }
    it = watches_.emplace(fd, std::make_shared<Watch>(std::move(*socket), fd, easy)).first;
  }
  const std::shared_ptr<Watch>& watch = it->second;
  watch->easy = easy;
  watch->what = what;
  watch->errors_in_a_row = 0;
  arm(watch);
}

void CurlDriver::arm(const std::shared_ptr<Watch>& watch) {
  if (watch->errors_in_a_row >= kMaxWaitErrorsInARow) {
    return;
  }
  std::weak_ptr<CurlDriver> weak = weak_from_this();
  const unsigned generation = watch->generation;
  if ((watch->what & CURL_POLL_IN) != 0 && !watch->read_pending) {
    watch->read_pending = true;
    watch->socket.async_wait(asio::socket_base::wait_read, [weak, watch, generation](
                                                               const asio::error_code& ec) {
      auto driver = weak.lock();
      if (!driver || generation != watch->generation || ec == asio::error::operation_aborted) {
        return;
      }
      watch->read_pending = false;
      watch->errors_in_a_row = ec ? watch->errors_in_a_row + 1 : 0;
      driver->action(watch->fd, CURL_CSELECT_IN);
      if (generation == watch->generation) {
        driver->arm(watch);
      }
    });
  }
  if ((watch->what & CURL_POLL_OUT) != 0 && !watch->write_pending) {
    watch->write_pending = true;
    watch->socket.async_wait(asio::socket_base::wait_write, [weak, watch, generation](
                                                                const asio::error_code& ec) {
      auto driver = weak.lock();
      if (!driver || generation != watch->generation || ec == asio::error::operation_aborted) {
        return;
      }
      watch->write_pending = false;
      watch->errors_in_a_row = ec ? watch->errors_in_a_row + 1 : 0;
      if (!watch->reported_connected && !ec) {
        watch->reported_connected = true;
        auto it = driver->easies_.find(watch->easy);
        if (it != driver->easies_.end() && it->second.connected && socketConnected(watch->fd)) {
          auto connected = it->second.connected;
          connected();
        }
      }
      if (generation != watch->generation) {
        return;
      }
      driver->action(watch->fd, CURL_CSELECT_OUT);
      if (generation == watch->generation) {
        driver->arm(watch);
      }
    });
  }
}

void CurlDriver::action(curl_socket_t fd, int events) {
  auto keep = shared_from_this();
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  checkDone();
}

void CurlDriver::checkDone() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg != CURLMSG_DONE) {
      continue;
    }
    CURL* easy = msg->easy_handle;
    const CURLcode result = msg->data.result;
    auto it = easies_.find(easy);
    if (it == easies_.end() || !it->second.done) {
      continue;
    }
    auto done = std::move(it->second.done);
    it->second.done = nullptr;
    done(result);
  }
}

}  // namespace parley::net
