#pragma once
// Clock: the one source of "now" for code that waits or measures, injected so
// tests run on virtual time (tests/fakes/fake_clock.h). Thread-safe.

#include <chrono>

namespace parley {

class Clock {
 public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  [[nodiscard]] virtual TimePoint now() const = 0;
  // Wall-clock milliseconds since the Unix epoch, for timestamps people read.
  [[nodiscard]] virtual std::int64_t wallMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] TimePoint now() const override { return std::chrono::steady_clock::now(); }
  [[nodiscard]] std::int64_t wallMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static SystemClock& instance() {
    static SystemClock clock;
    return clock;
  }
};

}  // namespace parley
