#include "net/connect/asio_race_environment.h"

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <cstring>
#include <mutex>

#include "net/platform/socket_api.h"

namespace parley::net {
namespace {

// Shared by the handle and the pending callback: the handle's destructor
// flips `cancelled`, so a completion already queued stands down.
struct TimerTask final : Cancellable {
  struct State {
    explicit State(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    bool cancelled = false;
  };
  std::shared_ptr<State> state;
  ~TimerTask() override {
    state->cancelled = true;
    state->timer.cancel();
  }
};

// One name lookup. getaddrinfo blocks, and Asio's resolver runs every lookup
// of an io_context on one private thread, one after another: the race would
// then resolve the server for the alt port only after the TLS port, and a
// proxy's name after both. Lookups run on a small pool of their own instead;
// the answer is posted back only while the handle is alive, under `mu`, so a
// late answer never touches a finished race or a destroyed io_context (the
// handle dies on the race's thread before its io_context does).
struct ResolveTask final : Cancellable {
  struct State {
    std::mutex mu;
    bool alive = true;  // guarded by mu
  };
  std::shared_ptr<State> state = std::make_shared<State>();
  ~ResolveTask() override {
    std::lock_guard lock(state->mu);
    state->alive = false;
  }
};

asio::thread_pool& lookupPool() {
  static asio::thread_pool pool(4);
  return pool;
}

Result<std::vector<asio::ip::address>> lookUp(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
  if (rc != 0) {
    return makeError(ErrorCode::ResolveFailed, ::gai_strerror(rc));
  }
  std::vector<asio::ip::address> addresses;
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      asio::ip::address_v4::bytes_type bytes;
      std::memcpy(bytes.data(), &sin->sin_addr, bytes.size());
      addresses.emplace_back(asio::ip::address_v4(bytes));
    } else if (ai->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &sin6->sin6_addr, bytes.size());
      addresses.emplace_back(asio::ip::address_v6(bytes, sin6->sin6_scope_id));
    }
  }
  ::freeaddrinfo(list);
  if (addresses.empty()) {
    return makeError(ErrorCode::ResolveFailed, "no IPv4 or IPv6 address");
  }
  return addresses;
}

}  // namespace

std::unique_ptr<Cancellable> AsioScheduler::schedule(std::chrono::milliseconds delay,
                                                     std::function<void()> task) {
  auto handle = std::make_unique<TimerTask>();
  handle->state = std::make_shared<TimerTask::State>(executor_);
  handle->state->timer.expires_after(delay);
  handle->state->timer.async_wait(
      [state = handle->state, task = std::move(task)](const asio::error_code& ec) {
        if (!ec && !state->cancelled) {
          task();
        }
      });
  return handle;
}

std::unique_ptr<Cancellable> AsioHostResolver::resolve(const std::string& host, Done done) {
  auto handle = std::make_unique<ResolveTask>();
  asio::post(lookupPool(), [state = handle->state, executor = executor_, host,
                            done = std::move(done)]() mutable {
    auto result = lookUp(host);
    std::lock_guard lock(state->mu);
    if (!state->alive) {
      return;
    }
    asio::post(executor, [state, result = std::move(result), done = std::move(done)]() mutable {
      {
        std::lock_guard guard(state->mu);
        if (!state->alive) {
          return;
        }
      }
      done(std::move(result));
    });
  });
  return handle;
}

}  // namespace parley::net
