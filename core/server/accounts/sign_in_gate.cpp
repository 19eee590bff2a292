#include "core/server/accounts/sign_in_gate.h"

namespace parley::server {

bool SignInGate::enter(const std::string& address, std::function<void()> turn) {
  {
    std::lock_guard lock(mu_);
    Slot& slot = slots_[address];
    if (slot.in_flight >= limits_.in_flight_per_address) {
      if (slot.waiting.size() >= limits_.waiting_per_address ||
          waiting_total_ >= limits_.waiting_total) {
        if (slot.in_flight == 0 && slot.waiting.empty()) {
          slots_.erase(address);
        }
        return false;
      }
      slot.waiting.push_back(std::move(turn));
      ++waiting_total_;
      return true;
    }
    ++slot.in_flight;
  }
  turn();
  return true;
}

void SignInGate::leave(const std::string& address) {
  std::function<void()> next;
  {
    std::lock_guard lock(mu_);
    auto it = slots_.find(address);
    if (it == slots_.end()) {
      return;
    }
    Slot& slot = it->second;
    if (!slot.waiting.empty()) {
      // The finished check's slot passes straight to the next in line.
      next = std::move(slot.waiting.front());
      slot.waiting.pop_front();
      --waiting_total_;
    } else if (--slot.in_flight == 0) {
      slots_.erase(it);
    }
  }
  if (next) {
    next();
  }
}

std::size_t SignInGate::waitingForTest() const {
  std::lock_guard lock(mu_);
  return waiting_total_;
}

}  // namespace parley::server
