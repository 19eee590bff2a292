#pragma once
// CurlDriver: one curl multi handle driven by an Asio executor.
//
// curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to
// wake up (CURLMOPT_TIMERFUNCTION); we watch them with
// asio::ip::tcp::socket::async_wait and a steady_timer and call
// curl_multi_socket_action on readiness. No busy polling, no thread. The same
// code runs on epoll and on Windows' I/O completion port, where a wait for
// reading is a zero-byte overlapped receive.
//
// Every socket curl uses is opened by its try (CURLOPT_OPENSOCKETFUNCTION)
// and registered here with adopt(). A watch is made on the socket's first
// CURL_POLL_* and lives until the socket is closed (closeSocketCallback, where
// the watch closes it) or taken over by the tunnel (take()): an I/O completion
// port cannot let go of a socket once it has it, so a socket is registered
// once and its waits are only cancelled when curl says CURL_POLL_REMOVE.
//
// One driver per execution context (forExecutor), shared by every tunnel on
// it. The context must run on one thread (Parley's io threads do): the driver
// has no lock. Everything is called on that thread.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <curl/curl.h>
#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "core/base/result.h"
#include "net/tunnel/kept_connection.h"

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
  // Takes `fd` over from curl for good, as a socket of `home`'s context (the
  // driver's own when `home` is empty or on the same context): its waits end,
  // and curl's close of it (when its easy handle is removed) leaves it open.
  // A socket moves to another context by release and assign here, on the
  // thread that owns its registration. Empty when that fails.
  std::optional<asio::ip::tcp::socket> take(curl_socket_t fd, const asio::any_io_executor& home);
  // Sets the options the driver relies on (close-socket callback).
  void configureEasy(CURL* easy);
  // Socket bookkeeping: which try opened a socket that curl has not yet
  // closed, and its address family. Connections curl keeps in its cache after
  // a failed try are shut down by their try (CurlTry), so the proxy sees them
  // end at once.
  void adopt(curl_socket_t fd, const void* owner, int family) {
    owners_[fd] = {owner, family};
    taken_.erase(fd);  // a new socket under a number the tunnel has since closed
  }
  [[nodiscard]] const void* owner(curl_socket_t fd) const {
    auto it = owners_.find(fd);
    return it == owners_.end() ? nullptr : it->second.owner;
  }
  // When curl closes `fd` (after a 407 it does not answer itself), keep it
  // open instead, off this driver's reactor, for takeKept() by its owner.
  void keepOnClose(curl_socket_t fd, bool keep) {
    auto it = owners_.find(fd);
    if (it != owners_.end()) {
      it->second.keep = keep;
    }
  }
  // The socket kept for `owner`, if curl closed one it was to keep.
  std::unique_ptr<KeptConnection> takeKept(const void* owner) {
    auto it = kept_.find(owner);
    if (it == kept_.end()) {
      return nullptr;
    }
    auto kept = std::move(it->second);
    kept_.erase(it);
    return kept;
  }
  // `owner` is ending: sockets curl still holds in its cache are no longer
  // its, so a later close is a plain close and nothing stays keyed by an
  // address a new try may be given.
  void disown(const void* owner) {
    for (auto& [fd, entry] : owners_) {
      if (entry.owner == owner) {
        entry =
            Owner{.owner = nullptr, .family = entry.family, .keep = false};  // family still true
      }
    }
    kept_.erase(owner);
  }

 private:
  struct Watch;

  static int socketCallback(CURL* easy, curl_socket_t fd, int what, void* user, void* socketp);
  static int timerCallback(CURLM* multi, long timeout_ms, void* user);
  static int closeSocketCallback(void* user, curl_socket_t fd);

  struct Owner {
    const void* owner = nullptr;
    int family = 0;
    bool keep = false;  // keepOnClose()
  };

  void onSocket(CURL* easy, curl_socket_t fd, int what);
  std::optional<asio::ip::tcp::socket> registerSocket(curl_socket_t fd,
                                                      const asio::any_io_executor& executor);
  void arm(const std::shared_ptr<Watch>& watch);
  void action(curl_socket_t fd, int events);
  void checkDone();

  asio::any_io_executor executor_;
  CURLM* multi_ = nullptr;
  asio::steady_timer timer_;
  std::map<curl_socket_t, std::shared_ptr<Watch>> watches_;
  std::map<CURL*, Hooks> easies_;
  std::map<curl_socket_t, Owner> owners_;
  std::set<curl_socket_t> taken_;  // taken over; curl's close must not close them
  std::map<const void*, std::unique_ptr<KeptConnection>> kept_;  // closed by curl, kept
};

}  // namespace parley::net
