#include "net/tunnel/curl_driver.h"

#include <sys/socket.h>
#include <unistd.h>

#include <mutex>

#include <asio/execution/context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/query.hpp>

namespace parley::net {

struct CurlDriver::Watch {
  Watch(const asio::any_io_executor& ex, curl_socket_t f, CURL* e) : fd(f), easy(e), desc(ex, f) {}
  ~Watch() { release(); }
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  // Deregisters the fd from the reactor and gives it back without closing.
  void release() {
    active = false;
    if (desc.is_open()) {
      (void)desc.release();
    }
  }

  curl_socket_t fd;
  CURL* easy;
  asio::posix::stream_descriptor desc;
  int what = 0;
  bool active = true;
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
  socklen_t peer_len = sizeof(peer);
  return getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0;
}

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
    watch->release();
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
  // curl normally says CURL_POLL_REMOVE; make sure no watch outlives the handle.
  for (auto it = watches_.begin(); it != watches_.end();) {
    if (it->second->easy == easy) {
      it->second->release();
      it = watches_.erase(it);
    } else {
      ++it;
    }
  }
}

void CurlDriver::forget(curl_socket_t fd) {
  auto it = watches_.find(fd);
  if (it != watches_.end()) {
    it->second->release();
    watches_.erase(it);
  }
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
  self->forget(fd);
  self->owners_.erase(fd);
  return ::close(fd);
}

void CurlDriver::onSocket(CURL* easy, curl_socket_t fd, int what) {
  if (what == CURL_POLL_REMOVE) {
    forget(fd);
    return;
  }
  auto& watch = watches_[fd];
  if (!watch) {
    watch = std::make_shared<Watch>(executor_, fd, easy);
  }
  watch->easy = easy;
  watch->what = what;
  arm(watch);
}

void CurlDriver::arm(const std::shared_ptr<Watch>& watch) {
  if (!watch->active) {
    return;
  }
  std::weak_ptr<CurlDriver> weak = weak_from_this();
  if ((watch->what & CURL_POLL_IN) != 0 && !watch->read_pending) {
    watch->read_pending = true;
    watch->desc.async_wait(asio::posix::descriptor_base::wait_read,
                           [weak, watch](const asio::error_code& ec) {
                             watch->read_pending = false;
                             auto driver = weak.lock();
                             if (ec || !driver || !watch->active) {
                               return;
                             }
                             driver->action(watch->fd, CURL_CSELECT_IN);
                             driver->arm(watch);
                           });
  }
  if ((watch->what & CURL_POLL_OUT) != 0 && !watch->write_pending) {
    watch->write_pending = true;
    watch->desc.async_wait(asio::posix::descriptor_base::wait_write,
                           [weak, watch](const asio::error_code& ec) {
                             watch->write_pending = false;
                             auto driver = weak.lock();
                             if (ec || !driver || !watch->active) {
                               return;
                             }
                             if (!watch->reported_connected) {
                               watch->reported_connected = true;
                               auto it = driver->easies_.find(watch->easy);
                               if (it != driver->easies_.end() && it->second.connected &&
                                   socketConnected(watch->fd)) {
                                 auto connected = it->second.connected;
                                 connected();
                               }
                             }
                             if (!watch->active) {
                               return;
                             }
                             driver->action(watch->fd, CURL_CSELECT_OUT);
                             driver->arm(watch);
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
