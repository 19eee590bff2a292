#include "core/server/accounts/hash_queue.h"

#include <asio/post.hpp>

#include "core/server/accounts/background_priority.h"

namespace parley::server {

HashQueue::HashQueue(asio::thread_pool& pool, const Clock& clock, std::size_t workers,
                     bool background)
    : pool_(pool), clock_(clock), workers_(workers == 0 ? 1 : workers), background_(background) {}

void HashQueue::submit(Lane lane, Clock::TimePoint deadline, Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      return;  // dropped unrun, as stop() drops the waiting ones
    }
    (lane == Lane::Known ? known_ : other_).push_back(Entry{deadline, std::move(job)});
    if (running_ >= workers_) {
      return;  // a running drain() takes it
    }
    ++running_;
  }
  asio::post(pool_, [this] { drain(); });
}

void HashQueue::stop() {
  std::deque<Entry> doomed_known;  // destroyed unlocked: they release connections
  std::deque<Entry> doomed_other;
  std::lock_guard lock(mu_);
  stopped_ = true;
  doomed_known.swap(known_);
  doomed_other.swap(other_);
}

bool HashQueue::popLocked(Entry& out) {
  if (stopped_) {
    return false;
  }
  const bool other_due = !other_.empty() && known_in_a_row_ >= kKnownInARow;
  if (!known_.empty() && !other_due) {
    out = std::move(known_.front());
    known_.pop_front();
    ++known_in_a_row_;
    return true;
  }
  if (!other_.empty()) {
    out = std::move(other_.front());
    other_.pop_front();
    known_in_a_row_ = 0;
    return true;
  }
  known_in_a_row_ = 0;
  return false;
}

void HashQueue::drain() {
  // The pool's threads do nothing but this queue's checks.
  thread_local bool lowered = false;
  if (background_ && !lowered) {
    lowered = true;
    (void)lowerCurrentThreadPriority();
  }
  for (;;) {
    Entry entry;
    {
      std::lock_guard lock(mu_);
      if (!popLocked(entry)) {
        --running_;
        return;
      }
    }
    entry.job(clock_.now() < entry.deadline);
  }
}

std::size_t HashQueue::waitingForTest() const {
  std::lock_guard lock(mu_);
  return known_.size() + other_.size();
}

}  // namespace parley::server
