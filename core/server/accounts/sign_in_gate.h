#pragma once
// SignInGate: limits password checks in flight per source address. Wrong
// passwords are counted when Argon2 has answered; without this gate one
// address could open many connections and have all their guesses checked at
// once, before any failure counted (and tie up the hash pool). With it, a
// few checks per address run at a time, later ones wait their turn and then
// see every failure recorded before them. A burst from one NAT is slowed,
// not refused; only a full queue is refused.
//
// Threads: called from any connection strand or the hash pool; one mutex
// guards all state (see mu_). Turns run outside the lock.

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/base/thread_check.h"

namespace parley::server {

class SignInGate {
 public:
  struct Limits {
    std::size_t in_flight_per_address = 2;
    std::size_t waiting_per_address = 512;
    std::size_t waiting_total = 4096;
  };

  explicit SignInGate(Limits limits) : limits_(limits) {}
  SignInGate() : SignInGate(Limits{}) {}

  // Runs `turn` once this address may check a password: at once (on the
  // caller's thread) or later (on the thread that calls leave()). Returns
  // false, without running it, when the waiting queue is full. Every turn
  // that runs must be answered by exactly one leave(address).
  bool enter(const std::string& address, std::function<void()> turn);

  // A check for `address` has finished (its failure, if any, is recorded):
  // the next waiting turn for that address runs.
  void leave(const std::string& address);

  [[nodiscard]] std::size_t waitingForTest() const;

 private:
  struct Slot {
    std::size_t in_flight = 0;
    std::deque<std::function<void()>> waiting;
  };

  const Limits limits_;
  // Guards slots_ and waiting_total_. Never held while a turn runs.
  mutable std::mutex mu_;
  std::unordered_map<std::string, Slot> slots_ PARLEY_GUARDED_BY(mu_);
  std::size_t waiting_total_ PARLEY_GUARDED_BY(mu_) = 0;
};

}  // namespace parley::server
