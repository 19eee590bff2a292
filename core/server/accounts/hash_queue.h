#pragma once
// HashQueue: the order in which password checks get the hash pool. Argon2 is
// the server's most expensive step, so who waits for it decides whether a
// legitimate sign-in meets its handshake deadline while strangers sign in
// from many addresses at once:
//  - checks run `workers` at a time (the pool's size), the rest wait here
//    instead of in the pool's FIFO, so the order below can apply;
//  - a known sign-in (KnownSignIns: this account signed in from this source
//    before) goes first, but after kKnownInARow known ones a waiting other
//    one runs, so a busy known lane cannot starve everyone else;
//  - others are served in arrival order; SignInGate already lets each source
//    have only a few checks here at a time, so arrival order is round-robin
//    between sources;
//  - the checks run below normal priority, so the I/O threads of everyone
//    else's connections are not kept waiting by the scheduler;
//  - a check whose connection's deadline passed while it waited is not run
//    (its job is told so): nobody is waiting for the answer any more.
//
// Threads: submit() from any thread; jobs run on the pool. One mutex guards
// the lanes, held only to push or pop.

#include <asio/thread_pool.hpp>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "core/base/clock.h"
#include "core/base/thread_check.h"

namespace parley::server {

class HashQueue {
 public:
  enum class Lane { Known, Other };
  // `run` true: do the check now (on a pool thread). False: the deadline
  // passed before its turn; do not check, just answer the connection.
  using Job = std::function<void(bool run)>;
  static constexpr std::size_t kKnownInARow = 4;

  // `background`: the pool's threads run below normal priority
  // (background_priority.h) once they take a check.
  HashQueue(asio::thread_pool& pool, const Clock& clock, std::size_t workers,
            bool background = true);

  void submit(Lane lane, Clock::TimePoint deadline, Job job);
  // The server is stopping: waiting jobs are dropped unrun (they hold their
  // connections, which hold the server's context), later ones too.
  void stop();

  [[nodiscard]] std::size_t waitingForTest() const;

 private:
  struct Entry {
    Clock::TimePoint deadline;
    Job job;
  };
  // Pool thread: runs waiting jobs until none is left.
  void drain();
  [[nodiscard]] bool popLocked(Entry& out);  // mu_ held

  asio::thread_pool& pool_;
  const Clock& clock_;
  const std::size_t workers_;
  const bool background_;
  mutable std::mutex mu_;
  std::deque<Entry> known_ PARLEY_GUARDED_BY(mu_);
  std::deque<Entry> other_ PARLEY_GUARDED_BY(mu_);
  std::size_t known_in_a_row_ PARLEY_GUARDED_BY(mu_) = 0;
  std::size_t running_ PARLEY_GUARDED_BY(mu_) = 0;
  bool stopped_ PARLEY_GUARDED_BY(mu_) = false;
};

}  // namespace parley::server
