#pragma once
// ConnectionRacer: the heart of connecting. Every route starts at once; each
// route's first hop is resolved and its addresses are raced with RFC 8305
// (Happy Eyeballs v2) spacing; every attempt runs the whole secure handshake
// (TCP, tunnel, TLS 1.3 with the pinned CA, server hello). The first attempt
// to finish wins; every other attempt is destroyed at once (which cancels it)
// and reported Cancelled. When every route has failed and no more routes can
// come, the race fails with one error that names each attempt and why.
//
// Routes may be added while the race runs (proxy discovery is progressive);
// call noMoreRoutes() when discovery is over. A route equal to one already in
// the race is ignored.
//
// Threads: not thread-safe; everything runs on the executor behind the
// Scheduler, HostResolver and AttemptFactory it is given (all three must use
// the same one). Destroying the racer cancels everything, reports nothing
// more and never calls `done`.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "net/connect/connector.h"
#include "net/connect/race_environment.h"
#include "net/connect/race_route.h"

namespace parley::net {

struct RaceOptions {
  // RFC 8305 section 5 "Connection Attempt Delay": the next address of a
  // route starts this long after the previous one, or as soon as it fails.
  std::chrono::milliseconds attempt_delay{250};
  // Bound on the whole race; what is still running then fails as timed out.
  std::chrono::milliseconds race_timeout{30000};
};

struct RaceWin {
  ConnectedStream connected;
  Route route;
  int attempt_id = 0;
  std::chrono::milliseconds elapsed{0};
};

class ConnectionRacer final : private AttemptObserver {
 public:
  using Done = std::function<void(Result<RaceWin>)>;
  using Progress = std::function<void(const AttemptEvent&)>;

  ConnectionRacer(Scheduler& scheduler, HostResolver& resolver, AttemptFactory& factory,
                  std::string server_host, RaceOptions options = {});
  ~ConnectionRacer() override;
  ConnectionRacer(const ConnectionRacer&) = delete;
  ConnectionRacer& operator=(const ConnectionRacer&) = delete;

  // Starts the clock and the race timeout. `done` is called once, later.
  void start(Progress progress, Done done);
  void addRoute(Route route);
  void noMoreRoutes();

  [[nodiscard]] bool finished() const { return state_ == State::Finished; }

 private:
  enum class State { Idle, Racing, Finished };

  struct RouteState {
    Route route;
    int first_id = 0;  // the attempt id announced while resolving
    std::unique_ptr<Cancellable> resolving;
    std::vector<asio::ip::address> addresses;  // Happy Eyeballs order
    std::size_t next_address = 0;
    std::unique_ptr<Cancellable> stagger;
    int running = 0;
    bool resolved = false;
  };

  struct AttemptState {
    std::size_t route_index = 0;
    std::unique_ptr<RaceAttempt> attempt;
    AttemptPlan plan;
  };

  struct Failure {
    int id;
    std::string what;  // "direct:443 (10.0.0.1)"
    Error error;
  };

  void startRoute(std::size_t index);
  void onResolved(std::size_t index, Result<std::vector<asio::ip::address>> result);
  void startNextAddress(std::size_t index);
  void armStagger(std::size_t index);
  void onAttemptStage(int id, AttemptEvent::Stage stage, std::string detail) override;
  void onAttemptDone(int id, Result<ConnectedStream> result) override;
  void recordFailure(int id, const Route& route, const std::string& address, Error error);
  void maybeFinishFailed();
  void onRaceTimeout();
  void finish(Result<RaceWin> result);
  void emit(int id, const Route& route, const std::string& target, AttemptEvent::Stage stage,
            std::string detail, ErrorCode error = ErrorCode::Ok);
  [[nodiscard]] std::chrono::milliseconds elapsed() const;
  [[nodiscard]] std::string targetText(const Route& route, const std::string& address) const;
  [[nodiscard]] Error aggregateError() const;

  Scheduler& scheduler_;
  HostResolver& resolver_;
  AttemptFactory& factory_;
  std::string server_host_;
  RaceOptions options_;
  State state_ = State::Idle;
  bool no_more_routes_ = false;
  Clock::TimePoint started_{};
  Progress progress_;
  Done done_;
  std::vector<RouteState> routes_;
  std::map<int, AttemptState> attempts_;
  // Attempts that reported their end: destroyed on the next turn, never
  // inside their own callback.
  std::vector<std::unique_ptr<RaceAttempt>> graveyard_;
  std::unique_ptr<Cancellable> graveyard_sweep_;
  std::unique_ptr<Cancellable> race_timer_;
  std::vector<Failure> failures_;
  int next_id_ = 1;
  // Expires with the racer; callbacks that may run after `done` check it.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

// RFC 8305 section 4: alternate address families, starting with the family
// of the first (most preferred) address; order within a family is kept.
std::vector<asio::ip::address> interleaveAddressFamilies(std::vector<asio::ip::address> addresses);

}  // namespace parley::net
