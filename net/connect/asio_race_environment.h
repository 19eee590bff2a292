#pragma once
// The race's environment on Asio: timers, getaddrinfo through Asio's
// resolver. Everything runs on the executor given; not thread-safe (the race
// is single-threaded by design). See race_environment.h for the contract.

#include <asio/any_io_executor.hpp>

#include "net/connect/race_environment.h"

namespace parley::net {

class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(asio::any_io_executor executor,
                         const Clock& clock = SystemClock::instance())
      : executor_(std::move(executor)), clock_(clock) {}
  [[nodiscard]] std::unique_ptr<Cancellable> schedule(std::chrono::milliseconds delay,
                                                      std::function<void()> task) override;
  [[nodiscard]] const Clock& clock() const override { return clock_; }

 private:
  asio::any_io_executor executor_;
  const Clock& clock_;
};

class AsioHostResolver final : public HostResolver {
 public:
  explicit AsioHostResolver(asio::any_io_executor executor) : executor_(std::move(executor)) {}
  [[nodiscard]] std::unique_ptr<Cancellable> resolve(const std::string& host, Done done) override;

 private:
  asio::any_io_executor executor_;
};

}  // namespace parley::net
