#include "core/server/accounts/hash_queue.h"

#include <asio/thread_pool.hpp>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "tests/fakes/fake_clock.h"

using namespace std::chrono_literals;
using parley::server::HashQueue;
using parley::testing::FakeClock;

namespace {

// Records what ran, in order; the first job holds the only worker until
// release(), so every later submit waits in the queue and the order it
// drains in is the queue's, not the scheduler's.
struct Recorder {
  std::mutex mu;
  std::condition_variable cv;
  bool started = false;
  bool released = false;
  std::vector<std::string> ran;

  HashQueue::Job blocker() {
    return [this](bool) {
      std::unique_lock lock(mu);
      started = true;
      cv.notify_all();
      cv.wait(lock, [&] { return released; });
    };
  }
  // Until the blocker holds the worker, a later submit could run first.
  void waitStarted() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return started; });
  }
  HashQueue::Job job(std::string name) {
    return [this, name = std::move(name)](bool run) {
      std::lock_guard lock(mu);
      ran.push_back(run ? name : name + " expired");
    };
  }
  void release() {
    {
      std::lock_guard lock(mu);
      released = true;
    }
    cv.notify_all();
  }
};

}  // namespace

TEST_CASE("hash queue runs known sign-ins first without starving the others",
          "[server][hash_queue]") {
  FakeClock clock;
  asio::thread_pool pool(1);
  HashQueue queue(pool, clock, 1);
  Recorder rec;
  const auto later = clock.now() + 1h;
  queue.submit(HashQueue::Lane::Other, later, rec.blocker());
  rec.waitStarted();
  queue.submit(HashQueue::Lane::Other, later, rec.job("o1"));
  queue.submit(HashQueue::Lane::Other, later, rec.job("o2"));
  for (int i = 1; i <= 6; ++i) {
    queue.submit(HashQueue::Lane::Known, later, rec.job("k" + std::to_string(i)));
  }
  CHECK(queue.waitingForTest() == 8);
  rec.release();
  pool.join();
  // kKnownInARow (4) known ones, then one other, and so on.
  CHECK(rec.ran == std::vector<std::string>{"k1", "k2", "k3", "k4", "o1", "k5", "k6", "o2"});
}

TEST_CASE("hash queue does not run a check whose deadline passed while it waited",
          "[server][hash_queue]") {
  FakeClock clock;
  asio::thread_pool pool(1);
  HashQueue queue(pool, clock, 1);
  Recorder rec;
  queue.submit(HashQueue::Lane::Other, clock.now() + 1h, rec.blocker());
  rec.waitStarted();
  queue.submit(HashQueue::Lane::Other, clock.now() + 10s, rec.job("soon"));
  queue.submit(HashQueue::Lane::Other, clock.now() + 1h, rec.job("late"));
  clock.advance(11s);
  rec.release();
  pool.join();
  CHECK(rec.ran == std::vector<std::string>{"soon expired", "late"});
}

TEST_CASE("hash queue drops waiting checks when stopped", "[server][hash_queue]") {
  FakeClock clock;
  asio::thread_pool pool(1);
  HashQueue queue(pool, clock, 1);
  Recorder rec;
  queue.submit(HashQueue::Lane::Other, clock.now() + 1h, rec.blocker());
  rec.waitStarted();
  queue.submit(HashQueue::Lane::Known, clock.now() + 1h, rec.job("waiting"));
  queue.stop();
  queue.submit(HashQueue::Lane::Known, clock.now() + 1h, rec.job("after stop"));
  CHECK(queue.waitingForTest() == 0);
  rec.release();
  pool.join();
  CHECK(rec.ran.empty());
}
