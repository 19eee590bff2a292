#pragma once
// What the race needs from the world, behind small interfaces so that the
// race logic runs on virtual time in tests (tests/fakes/fake_race_environment.h)
// and on Asio in the product (asio_race_environment.h):
//  - Scheduler: "call me in N ms", cancelled by dropping the handle;
//  - HostResolver: a name to its addresses;
//  - AttemptFactory: starts one attempt (the whole secure handshake).
//
// Contract shared by all three: callbacks never run inside the call that
// registered them (always from a later turn of the loop), and never after
// the returned handle (or attempt) is destroyed.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <asio/ip/address.hpp>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "net/connect/connector.h"
#include "net/connect/race_route.h"

namespace parley::net {

// Dropping it cancels what it stands for.
class Cancellable {
 public:
  virtual ~Cancellable() = default;
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  [[nodiscard]] virtual std::unique_ptr<Cancellable> schedule(std::chrono::milliseconds delay,
                                                              std::function<void()> task) = 0;
  [[nodiscard]] virtual const Clock& clock() const = 0;
};

class HostResolver {
 public:
  using Done = std::function<void(Result<std::vector<asio::ip::address>>)>;
  virtual ~HostResolver() = default;
  // Addresses in the order getaddrinfo gives them (RFC 6724 preference).
  [[nodiscard]] virtual std::unique_ptr<Cancellable> resolve(const std::string& host,
                                                             Done done) = 0;
};

// Receives what one attempt reports. Calls come on the race's executor.
class AttemptObserver {
 public:
  virtual ~AttemptObserver() = default;
  virtual void onAttemptStage(int id, AttemptEvent::Stage stage, std::string detail) = 0;
  // Exactly once per attempt unless it is destroyed first.
  virtual void onAttemptDone(int id, Result<ConnectedStream> result) = 0;
};

// A running attempt; destroying it cancels it and releases everything it
// holds (sockets, tunnels, timers).
class RaceAttempt {
 public:
  virtual ~RaceAttempt() = default;
};

class AttemptFactory {
 public:
  virtual ~AttemptFactory() = default;
  [[nodiscard]] virtual std::unique_ptr<RaceAttempt> start(const AttemptPlan& plan,
                                                           AttemptObserver& observer) = 0;
};

}  // namespace parley::net
