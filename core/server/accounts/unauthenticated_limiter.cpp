#include "core/server/accounts/unauthenticated_limiter.h"

#include <algorithm>

namespace parley::server {

UnauthenticatedLimiter::Ticket& UnauthenticatedLimiter::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    limiter_ = std::move(other.limiter_);
    source_ = std::move(other.source_);
    other.limiter_.reset();
  }
  return *this;
}

void UnauthenticatedLimiter::Ticket::release() {
  if (limiter_) {
    limiter_->release(source_);
    limiter_.reset();
  }
}

std::shared_ptr<UnauthenticatedLimiter> UnauthenticatedLimiter::create(Limits limits) {
  return std::make_shared<UnauthenticatedLimiter>(limits);
}

std::string UnauthenticatedLimiter::sourceOf(const asio::ip::address& address) {
  if (address.is_v4()) {
    return address.to_string();
  }
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
  }
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return asio::ip::address_v6(bytes).to_string() + "/64";
}

UnauthenticatedLimiter::Admission UnauthenticatedLimiter::admit(const asio::ip::address& address) {
  Admission out;
  out.source = sourceOf(address);
  std::lock_guard lock(mu_);
  if (total_ >= limits_.total) {
    out.refused = Refusal::Total;
    return out;
  }
  auto& count = per_source_[out.source];
  if (count >= limits_.per_source) {
    out.refused = Refusal::PerSource;
    return out;
  }
  ++count;
  ++total_;
  out.ticket = Ticket(shared_from_this(), out.source);
  return out;
}

void UnauthenticatedLimiter::release(const std::string& source) {
  std::lock_guard lock(mu_);
  auto it = per_source_.find(source);
  if (it == per_source_.end()) {
    return;
  }
  if (--it->second == 0) {
    per_source_.erase(it);
  }
  --total_;
}

UnauthenticatedLimiter::LogDecision UnauthenticatedLimiter::logRefusal(const std::string& source,
                                                                       Clock::TimePoint now) {
  std::lock_guard lock(mu_);
  const auto due = [&](Logged& entry) {
    if (now - entry.last < limits_.log_interval) {
      ++entry.suppressed;
      return LogDecision{};
    }
    LogDecision decision{true, source, entry.suppressed};
    entry = Logged{now, 0};
    return decision;
  };
  if (auto it = logged_.find(source); it != logged_.end()) {
    return due(it->second);
  }
  if (logged_.size() >= limits_.max_logged_sources) {
    std::erase_if(logged_, [&](const auto& entry) {
      return now - entry.second.last >= limits_.log_interval;
    });
  }
  if (logged_.size() < limits_.max_logged_sources) {
    logged_.emplace(source, Logged{now, 0});
    return LogDecision{true, source, 0};
  }
  // Every remembered source was logged within the interval: the rest share
  // one line, so a flood from many sources cannot flood the log either.
  if (!overflow_) {
    overflow_ = Logged{now, 0};
    return LogDecision{true, "other sources", 0};
  }
  auto decision = due(*overflow_);
  decision.source = "other sources";
  return decision;
}

std::size_t UnauthenticatedLimiter::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

std::size_t UnauthenticatedLimiter::fromSource(const std::string& source) const {
  std::lock_guard lock(mu_);
  const auto it = per_source_.find(source);
  return it == per_source_.end() ? 0 : it->second;
}

}  // namespace parley::server
