#pragma once
// Virtual-time stand-ins for the race's environment (net/connect/race_environment.h):
// a scheduler on FakeClock, a resolver and an attempt factory driven by
// tables. Nothing touches the network; time moves only in runFor().
// Single-threaded, like the racer.

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "net/connect/race_environment.h"
#include "tests/fakes/fake_clock.h"

namespace parley::testing {

class FakeScheduler final : public net::Scheduler {
 public:
  std::unique_ptr<net::Cancellable> schedule(std::chrono::milliseconds delay,
                                             std::function<void()> task) override {
    const std::uint64_t key = next_key_++;
    tasks_[key] = Task{clock_.now() + delay, key, std::move(task)};
    return std::make_unique<Handle>(this, key, alive_);
  }
  const Clock& clock() const override { return clock_; }

  // Runs every task due within `d`, in time order, advancing the clock to
  // each task's time and finally to now + d.
  void runFor(std::chrono::milliseconds d) {
    const auto until = clock_.now() + d;
    for (int guard = 0; guard < 100000; ++guard) {
      auto next = nextDue(until);
      if (!next) {
        break;
      }
      if (next->when > clock_.now()) {
        clock_.advance(next->when - clock_.now());
      }
      auto task = std::move(next->fn);
      tasks_.erase(next->key);
      task();
    }
    if (until > clock_.now()) {
      clock_.advance(until - clock_.now());
    }
  }
  [[nodiscard]] std::size_t pending() const { return tasks_.size(); }
  [[nodiscard]] std::chrono::milliseconds sinceStart() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start_);
  }

 private:
  struct Task {
    Clock::TimePoint when;
    std::uint64_t key = 0;
    std::function<void()> fn;
  };
  struct Handle final : net::Cancellable {
    Handle(FakeScheduler* s, std::uint64_t k, std::weak_ptr<int> a)
        : scheduler(s), key(k), alive(std::move(a)) {}
    ~Handle() override {
      if (!alive.expired()) {
        scheduler->tasks_.erase(key);
      }
    }
    FakeScheduler* scheduler;
    std::uint64_t key;
    std::weak_ptr<int> alive;
  };
  Task* nextDue(Clock::TimePoint until) {
    Task* best = nullptr;
    for (auto& [key, task] : tasks_) {
      if (task.when <= until && (best == nullptr || task.when < best->when ||
                                 (task.when == best->when && task.key < best->key))) {
        best = &task;
      }
    }
    return best;
  }

  FakeClock clock_;
  Clock::TimePoint start_ = clock_.now();
  std::map<std::uint64_t, Task> tasks_;
  std::uint64_t next_key_ = 1;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

// host -> after `delay`, these addresses (or a failure when empty).
class FakeResolver final : public net::HostResolver {
 public:
  struct Answer {
    std::chrono::milliseconds delay{0};
    std::vector<std::string> addresses;
  };
  explicit FakeResolver(FakeScheduler& scheduler) : scheduler_(scheduler) {}
  void set(const std::string& host, Answer answer) { answers_[host] = std::move(answer); }

  std::unique_ptr<net::Cancellable> resolve(const std::string& host, Done done) override {
    auto it = answers_.find(host);
    Answer answer = it == answers_.end() ? Answer{} : it->second;
    return scheduler_.schedule(answer.delay, [answer, host, done = std::move(done)] {
      if (answer.addresses.empty()) {
        done(makeError(ErrorCode::ResolveFailed, "Host not found"));
        return;
      }
      std::vector<asio::ip::address> out;
      for (const auto& a : answer.addresses) {
        out.push_back(asio::ip::make_address(a));
      }
      done(std::move(out));
    });
  }

 private:
  FakeScheduler& scheduler_;
  std::map<std::string, Answer> answers_;
};

// Attempts scripted by key "<route.describe()>@<address>", e.g.
// "direct:443@10.0.0.1" or "http web-proxy:8088@10.0.0.9". Unscripted keys
// never finish (a silently dropped path).
class FakeAttemptFactory final : public net::AttemptFactory {
 public:
  struct Script {
    Script() = default;
    Script(std::chrono::milliseconds tcp_after, std::chrono::milliseconds done_after,
           ErrorCode error_code = ErrorCode::Ok, std::string error_detail = {})
        : tcp(tcp_after), done(done_after), error(error_code), detail(std::move(error_detail)) {}
    std::chrono::milliseconds tcp{-1};   // TcpConnected after this long (-1: never)
    std::chrono::milliseconds done{-1};  // result after this long (-1: never)
    ErrorCode error = ErrorCode::Ok;     // Ok = success
    std::string detail;
  };
  explicit FakeAttemptFactory(FakeScheduler& scheduler) : scheduler_(scheduler) {}
  void set(const std::string& key, Script script) { scripts_[key] = std::move(script); }

  std::unique_ptr<net::RaceAttempt> start(const net::AttemptPlan& plan,
                                          net::AttemptObserver& observer) override {
    const std::string key = plan.route.describe() + "@" + plan.address.to_string();
    started.push_back(key);
    auto it = scripts_.find(key);
    const Script script = it == scripts_.end() ? Script{} : it->second;
    return std::make_unique<Attempt>(*this, plan.id, script, observer);
  }

  std::vector<std::string> started;
  int live = 0;       // attempts not yet destroyed
  int destroyed = 0;  // attempts destroyed before they finished (cancelled)

 private:
  struct Attempt final : net::RaceAttempt {
    Attempt(FakeAttemptFactory& f, int id, const Script& s, net::AttemptObserver& observer)
        : factory(f) {
      ++factory.live;
      if (s.tcp.count() >= 0) {
        tcp = f.scheduler_.schedule(s.tcp, [&observer, id] {
          observer.onAttemptStage(id, net::AttemptEvent::Stage::TcpConnected, "");
        });
      }
      if (s.done.count() >= 0) {
        done = f.scheduler_.schedule(s.done, [this, &observer, id, s] {
          finished = true;
          if (s.error == ErrorCode::Ok) {
            observer.onAttemptStage(id, net::AttemptEvent::Stage::HelloDone, "");
            observer.onAttemptDone(id, net::ConnectedStream{});
          } else {
            observer.onAttemptDone(id, makeError(s.error, s.detail));
          }
        });
      }
    }
    ~Attempt() override {
      --factory.live;
      if (!finished) {
        ++factory.destroyed;
      }
    }
    FakeAttemptFactory& factory;
    std::unique_ptr<net::Cancellable> tcp;
    std::unique_ptr<net::Cancellable> done;
    bool finished = false;
  };

  FakeScheduler& scheduler_;
  std::map<std::string, Script> scripts_;
};

}  // namespace parley::testing
