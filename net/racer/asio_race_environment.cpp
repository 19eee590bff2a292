#include "net/racer/asio_race_environment.h"

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

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

struct ResolveTask final : Cancellable {
  struct State {
    explicit State(const asio::any_io_executor& ex) : resolver(ex) {}
    asio::ip::tcp::resolver resolver;
    bool cancelled = false;
  };
  std::shared_ptr<State> state;
  ~ResolveTask() override {
    state->cancelled = true;
    state->resolver.cancel();
  }
};

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
  handle->state = std::make_shared<ResolveTask::State>(executor_);
  handle->state->resolver.async_resolve(
      host, "0",
      [state = handle->state, host, done = std::move(done)](
          const asio::error_code& ec, const asio::ip::tcp::resolver::results_type& results) {
        if (state->cancelled) {
          return;
        }
        if (ec) {
          done(makeError(ErrorCode::ResolveFailed, ec.message()));
          return;
        }
        std::vector<asio::ip::address> addresses;
        for (const auto& entry : results) {
          addresses.push_back(entry.endpoint().address());
        }
        done(std::move(addresses));
      });
  return handle;
}

}  // namespace parley::net
