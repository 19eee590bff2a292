#pragma once
// UnauthenticatedLimiter: counts connections from accept until sign-in (TCP
// accepted, in the TLS handshake, or before a successful SignIn), per source
// and in total, and refuses one over either cap. A source is an IPv4 address,
// or an IPv6 /64: one host usually holds a whole /64, so counting its single
// addresses would let it open a connection from each.
//
// A refusal happens right after accept, before any TLS work, so one address
// opening thousands of connections or trickling bytes (slowloris) holds at
// most its cap and cannot starve everyone else. Refusals are meant to be
// logged once per source and interval, not per connection: logRefusal()
// says when, remembering a bounded number of sources.
//
// Threads: any thread; one mutex guards all state. Tickets hold the limiter
// by shared_ptr, so a ticket may outlive the server that issued it.

#include <asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/base/clock.h"
#include "core/base/thread_check.h"

namespace parley::server {

class UnauthenticatedLimiter : public std::enable_shared_from_this<UnauthenticatedLimiter> {
 public:
  struct Limits {
    std::size_t per_source = 32;
    std::size_t total = 1024;
    std::chrono::seconds log_interval{60};
    // Sources whose last refusal log line is remembered; past this, the
    // overflow is logged as one line per interval for all of them.
    std::size_t max_logged_sources = 4096;
  };

  // One counted connection; released when signed in, closed or destroyed.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(std::shared_ptr<UnauthenticatedLimiter> limiter, std::string source)
        : limiter_(std::move(limiter)), source_(std::move(source)) {}
    Ticket(Ticket&& other) noexcept = default;
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { release(); }
    void release();
    [[nodiscard]] bool held() const { return limiter_ != nullptr; }

   private:
    std::shared_ptr<UnauthenticatedLimiter> limiter_;
    std::string source_;
  };

  enum class Refusal { PerSource, Total };

  struct Admission {
    Ticket ticket;                   // held when admitted
    std::optional<Refusal> refused;  // set when not
    std::string source;
  };

  static std::shared_ptr<UnauthenticatedLimiter> create(Limits limits);
  explicit UnauthenticatedLimiter(Limits limits) : limits_(limits) {}

  // "192.0.2.7", "2001:db8:1:2::/64"; an IPv4-mapped IPv6 address counts as
  // its IPv4 address.
  static std::string sourceOf(const asio::ip::address& address);

  Admission admit(const asio::ip::address& address);

  // Whether a refusal from `source` should be logged now, and how many
  // refusals since the last line went unlogged. The source reported may be
  // "other sources" when too many are remembered already.
  struct LogDecision {
    bool log = false;
    std::string source;
    std::uint64_t suppressed = 0;
  };
  LogDecision logRefusal(const std::string& source, Clock::TimePoint now);

  [[nodiscard]] std::size_t total() const;
  [[nodiscard]] std::size_t fromSource(const std::string& source) const;
  [[nodiscard]] const Limits& limits() const { return limits_; }

 private:
  void release(const std::string& source);

  struct Logged {
    Clock::TimePoint last;
    std::uint64_t suppressed = 0;
  };

  const Limits limits_;
  // Guards everything below. Never held while calling out.
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::size_t> per_source_ PARLEY_GUARDED_BY(mu_);
  std::size_t total_ PARLEY_GUARDED_BY(mu_) = 0;
  std::unordered_map<std::string, Logged> logged_ PARLEY_GUARDED_BY(mu_);
  std::optional<Logged> overflow_ PARLEY_GUARDED_BY(mu_);
};

}  // namespace parley::server
