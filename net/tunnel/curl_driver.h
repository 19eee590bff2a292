#pragma once
// CurlDriver: one curl multi handle driven by an Asio executor.
//
// curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to
// wake up (CURLMOPT_TIMERFUNCTION); we watch them with
// asio::posix::stream_descriptor::async_wait and a steady_timer and call
// curl_multi_socket_action on readiness. No busy polling, no thread.
//
// The descriptors are curl's: a watch never closes them. A watch is released
// (epoll deregistration, fd left open) on CURL_POLL_REMOVE and, through
// CURLOPT_CLOSESOCKETFUNCTION (closeSocketCallback), right before curl closes
// a socket, so a descriptor number is never left registered after close.
//
// One driver per execution context (forExecutor), shared by every tunnel on
// it. The context must run on one thread (Parley's io threads do): the driver
// has no lock. Everything is called on that thread.

#include <functional>
#include <map>
#include <memory>

#include <curl/curl.h>
#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>

#include "core/base/result.h"

namespace parley::net {

class CurlDriver : public std::enable_shared_from_this<CurlDriver> {
 public:
  struct Hooks {
    // Called once per easy handle when the transfer is done (CURLMSG_DONE).
    // The handle is still added; the owner removes it (remove()).
    std::function<void(CURLcode)> done;
    // Called the first time one of the handle's sockets is writable and
    // connected (TCP handshake done). Optional.
    std::function<void()> connected;
  };

  // The driver of the context behind `executor`; made on first use.
  static std::shared_ptr<CurlDriver> forExecutor(const asio::any_io_executor& executor);

  explicit CurlDriver(asio::any_io_executor executor);
  ~CurlDriver();
  CurlDriver(const CurlDriver&) = delete;
  CurlDriver& operator=(const CurlDriver&) = delete;

  [[nodiscard]] const asio::any_io_executor& executor() const { return executor_; }

  // Adds `easy` (already configured) and starts it. The easy handle must have
  // its CURLOPT_CLOSESOCKETFUNCTION set with configureEasy().
  Result<void> add(CURL* easy, Hooks hooks);
  // Removes `easy`; no hook is called for it afterwards. Safe to call for a
  // handle that was never added. Does not clean the handle up.
  void remove(CURL* easy);
  // Stops watching `fd` without closing it (before handing the fd over).
  void forget(curl_socket_t fd);
  // Sets the options the driver relies on (close-socket callback).
  void configureEasy(CURL* easy);
  // Socket bookkeeping: which try opened a descriptor that curl has not yet
  // closed. Connections curl keeps in its cache after a failed try are shut
  // down by their try (CurlTry), so the proxy sees them end at once.
  void adopt(curl_socket_t fd, const void* owner) { owners_[fd] = owner; }
  [[nodiscard]] const void* owner(curl_socket_t fd) const {
    auto it = owners_.find(fd);
    return it == owners_.end() ? nullptr : it->second;
  }

 private:
  struct Watch;

  static int socketCallback(CURL* easy, curl_socket_t fd, int what, void* user, void* socketp);
  static int timerCallback(CURLM* multi, long timeout_ms, void* user);
  static int closeSocketCallback(void* user, curl_socket_t fd);

  void onSocket(CURL* easy, curl_socket_t fd, int what);
  void arm(const std::shared_ptr<Watch>& watch);
  void action(curl_socket_t fd, int events);
  void checkDone();

  asio::any_io_executor executor_;
  CURLM* multi_ = nullptr;
  asio::steady_timer timer_;
  std::map<curl_socket_t, std::shared_ptr<Watch>> watches_;
  std::map<CURL*, Hooks> easies_;
  std::map<curl_socket_t, const void*> owners_;
  bool in_action_ = false;
};

}  // namespace parley::net
