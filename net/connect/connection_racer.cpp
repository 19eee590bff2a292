#include "net/connect/connection_racer.h"

#include <algorithm>

#include "core/base/thread_check.h"

namespace parley::net {

std::vector<asio::ip::address> interleaveAddressFamilies(std::vector<asio::ip::address> addresses) {
  if (addresses.empty()) {
    return addresses;
  }
  const bool first_v6 = addresses.front().is_v6();
  std::vector<asio::ip::address> preferred;
  std::vector<asio::ip::address> other;
  for (auto& address : addresses) {
    if (std::find(preferred.begin(), preferred.end(), address) != preferred.end() ||
        std::find(other.begin(), other.end(), address) != other.end()) {
      continue;  // getaddrinfo repeats an address once per socket type
    }
    (address.is_v6() == first_v6 ? preferred : other).push_back(address);
  }
  std::vector<asio::ip::address> out;
  out.reserve(preferred.size() + other.size());
  for (std::size_t i = 0; i < std::max(preferred.size(), other.size()); ++i) {
    if (i < preferred.size()) {
      out.push_back(preferred[i]);
    }
    if (i < other.size()) {
      out.push_back(other[i]);
    }
  }
  return out;
}

ConnectionRacer::ConnectionRacer(Scheduler& scheduler, HostResolver& resolver,
                                 AttemptFactory& factory, std::string server_host,
                                 RaceOptions options)
    : scheduler_(scheduler),
      resolver_(resolver),
      factory_(factory),
      server_host_(std::move(server_host)),
      options_(options) {}

ConnectionRacer::~ConnectionRacer() {
  // Order matters: attempts first (they may hold sockets the resolver or
  // timers know nothing about), then everything else goes with the members.
  attempts_.clear();
  graveyard_.clear();
}

void ConnectionRacer::start(Progress progress, Done done) {
  PARLEY_DCHECK(state_ == State::Idle);
  progress_ = std::move(progress);
  done_ = std::move(done);
  state_ = State::Racing;
  started_ = scheduler_.clock().now();
  race_timer_ = scheduler_.schedule(options_.race_timeout, [this] { onRaceTimeout(); });
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    startRoute(i);
  }
  maybeFinishFailed();
}

void ConnectionRacer::addRoute(Route route) {
  if (state_ == State::Finished) {
    return;
  }
  for (const auto& existing : routes_) {
    if (existing.route == route) {
      return;
    }
  }
  routes_.push_back(RouteState{});
  routes_.back().route = std::move(route);
  if (state_ == State::Racing) {
    startRoute(routes_.size() - 1);
  }
}

void ConnectionRacer::noMoreRoutes() {
  no_more_routes_ = true;
  if (state_ == State::Racing) {
    maybeFinishFailed();
  }
}

std::chrono::milliseconds ConnectionRacer::elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(scheduler_.clock().now() - started_);
}

std::string ConnectionRacer::targetText(const Route& route, const std::string& address) const {
  std::string text = server_host_ + ":" + std::to_string(route.server_port);
  if (!address.empty()) {
    text += route.proxy ? " (proxy at " + address + ")" : " (" + address + ")";
  }
  return text;
}

void ConnectionRacer::emit(int id, const Route& route, const std::string& target,
                           AttemptEvent::Stage stage, std::string detail, ErrorCode error) {
  if (!progress_) {
    return;
  }
  AttemptEvent event;
  event.id = id;
  event.method = route.method();
  event.via = route.via();
  event.target = target;
  event.stage = stage;
  event.elapsed = elapsed();
  event.detail = std::move(detail);
  event.error = error;
  progress_(event);
}

void ConnectionRacer::startRoute(std::size_t index) {
  RouteState& rs = routes_[index];
  rs.first_id = next_id_++;
  const std::string& host = rs.route.firstHop(server_host_);
  emit(rs.first_id, rs.route, targetText(rs.route, ""), AttemptEvent::Stage::Started,
       "resolving " + host);
  rs.resolving =
      resolver_.resolve(host, [this, index](auto result) { onResolved(index, std::move(result)); });
}

void ConnectionRacer::onResolved(std::size_t index, Result<std::vector<asio::ip::address>> result) {
  RouteState& rs = routes_[index];
  rs.resolving.reset();
  rs.resolved = true;
  if (!result || result.value().empty()) {
    Error error = result ? Error{ErrorCode::ResolveFailed, "no address"} : result.error();
    const std::string& host = rs.route.firstHop(server_host_);
    error.code = ErrorCode::ResolveFailed;
    error.detail = (rs.route.proxy ? "proxy name " : "server name ") + host +
                   " does not resolve (" + error.detail + ")";
    emit(rs.first_id, rs.route, targetText(rs.route, ""), AttemptEvent::Stage::Failed, error.detail,
         error.code);
    recordFailure(rs.first_id, rs.route, "", std::move(error));
    maybeFinishFailed();
    return;
  }
  rs.addresses = interleaveAddressFamilies(std::move(result).value());
  std::string list;
  for (const auto& a : rs.addresses) {
    list += (list.empty() ? "" : " ") + a.to_string();
  }
  emit(rs.first_id, rs.route, targetText(rs.route, ""), AttemptEvent::Stage::Resolved, list);
  startNextAddress(index);
}

void ConnectionRacer::startNextAddress(std::size_t index) {
  RouteState& rs = routes_[index];
  rs.stagger.reset();
  if (rs.next_address >= rs.addresses.size()) {
    return;
  }
  AttemptPlan plan;
  plan.id = rs.next_address == 0 ? rs.first_id : next_id_++;
  plan.route = rs.route;
  plan.address = rs.addresses[rs.next_address++];
  plan.server_host = server_host_;
  if (plan.id != rs.first_id) {
    emit(plan.id, plan.route, targetText(plan.route, plan.address.to_string()),
         AttemptEvent::Stage::Started, "next address (Happy Eyeballs)");
  }
  AttemptState& as = attempts_[plan.id];
  as.route_index = index;
  as.plan = plan;
  ++rs.running;
  as.attempt = factory_.start(plan, *this);
  armStagger(index);
}

void ConnectionRacer::armStagger(std::size_t index) {
  RouteState& rs = routes_[index];
  if (rs.next_address >= rs.addresses.size()) {
    return;
  }
  rs.stagger =
      scheduler_.schedule(options_.attempt_delay, [this, index] { startNextAddress(index); });
}

void ConnectionRacer::onAttemptStage(int id, AttemptEvent::Stage stage, std::string detail) {
  auto it = attempts_.find(id);
  if (it == attempts_.end() || state_ != State::Racing) {
    return;
  }
  const AttemptPlan& plan = it->second.plan;
  emit(id, plan.route, targetText(plan.route, plan.address.to_string()), stage, std::move(detail));
}

void ConnectionRacer::onAttemptDone(int id, Result<ConnectedStream> result) {
  auto it = attempts_.find(id);
  if (it == attempts_.end() || state_ != State::Racing) {
    return;
  }
  AttemptState finished = std::move(it->second);
  attempts_.erase(it);
  // The attempt is still on the stack below us: destroy it on a later turn.
  graveyard_.push_back(std::move(finished.attempt));
  if (!graveyard_sweep_) {
    graveyard_sweep_ = scheduler_.schedule(std::chrono::milliseconds(0), [this] {
      graveyard_sweep_.reset();
      graveyard_.clear();
    });
  }
  RouteState& rs = routes_[finished.route_index];
  --rs.running;
  const std::string address = finished.plan.address.to_string();

  if (result) {
    RaceWin win;
    win.connected = std::move(result).value();
    win.connected.method = finished.plan.route.method();
    win.connected.via = finished.plan.route.via();
    win.connected.port = finished.plan.route.server_port;
    win.connected.address = address;
    win.route = finished.plan.route;
    win.attempt_id = id;
    win.elapsed = elapsed();
    // Losers are reset, not flagged: destroying an attempt cancels it.
    auto losers = std::move(attempts_);
    attempts_.clear();
    for (auto& [loser_id, loser] : losers) {
      loser.attempt.reset();
      emit(loser_id, loser.plan.route, targetText(loser.plan.route, loser.plan.address.to_string()),
           AttemptEvent::Stage::Cancelled, "attempt " + std::to_string(id) + " won");
    }
    for (auto& other : routes_) {
      other.stagger.reset();
      if (other.resolving) {
        other.resolving.reset();
        emit(other.first_id, other.route, targetText(other.route, ""),
             AttemptEvent::Stage::Cancelled, "attempt " + std::to_string(id) + " won");
      }
    }
    finish(std::move(win));
    return;
  }

  Error error = std::move(result).error();
  emit(id, finished.plan.route, targetText(finished.plan.route, address),
       AttemptEvent::Stage::Failed, error.detail.empty() ? error.toString() : error.detail,
       error.code);
  recordFailure(id, finished.plan.route, address, std::move(error));
  // RFC 8305: a failure starts the next address at once.
  startNextAddress(finished.route_index);
  maybeFinishFailed();
}

void ConnectionRacer::recordFailure(int id, const Route& route, const std::string& address,
                                    Error error) {
  std::string what = route.describe();
  if (!address.empty()) {
    what += " (" + address + ")";
  }
  failures_.push_back(Failure{id, std::move(what), std::move(error)});
}

void ConnectionRacer::maybeFinishFailed() {
  if (state_ != State::Racing || !no_more_routes_ || !attempts_.empty()) {
    return;
  }
  for (const auto& rs : routes_) {
    if (!rs.resolved || rs.next_address < rs.addresses.size()) {
      return;
    }
  }
  finish(makeError(aggregateError()));
}

Error ConnectionRacer::aggregateError() const {
  if (failures_.empty()) {
    return Error{ErrorCode::AllAttemptsFailed,
                 "no way to reach " + server_host_ + " was configured or found"};
  }
  // The code a person can act on first: someone inspects the traffic, then
  // a proxy wants a password, then "nothing got through".
  ErrorCode code = ErrorCode::AllAttemptsFailed;
  for (const auto& f : failures_) {
    if (f.error.code == ErrorCode::TlsInspection) {
      code = ErrorCode::TlsInspection;
    } else if (f.error.code == ErrorCode::ProxyAuthRequired && code != ErrorCode::TlsInspection) {
      code = ErrorCode::ProxyAuthRequired;
    }
  }
  std::string detail = "cannot reach " + server_host_ + " by any route: ";
  for (std::size_t i = 0; i < failures_.size(); ++i) {
    const auto& f = failures_[i];
    detail += (i == 0 ? "" : "; ") + f.what + ": " +
              (f.error.detail.empty() ? f.error.toString() : f.error.detail);
  }
  return Error{code, std::move(detail)};
}

void ConnectionRacer::onRaceTimeout() {
  race_timer_.reset();
  if (state_ != State::Racing) {
    return;
  }
  const std::string why = "still not connected when the race ended after " +
                          std::to_string(options_.race_timeout.count()) + " ms";
  auto running = std::move(attempts_);
  attempts_.clear();
  for (auto& [id, as] : running) {
    as.attempt.reset();
    const std::string address = as.plan.address.to_string();
    emit(id, as.plan.route, targetText(as.plan.route, address), AttemptEvent::Stage::Failed, why,
         ErrorCode::TimedOut);
    recordFailure(id, as.plan.route, address, Error{ErrorCode::TimedOut, why});
  }
  for (auto& rs : routes_) {
    rs.stagger.reset();
    if (rs.resolving) {
      rs.resolving.reset();
      emit(rs.first_id, rs.route, targetText(rs.route, ""), AttemptEvent::Stage::Failed,
           "name lookup " + why, ErrorCode::TimedOut);
      recordFailure(rs.first_id, rs.route, "", Error{ErrorCode::TimedOut, "name lookup " + why});
    }
  }
  finish(makeError(aggregateError()));
}

void ConnectionRacer::finish(Result<RaceWin> result) {
  if (state_ == State::Finished) {
    return;
  }
  state_ = State::Finished;
  race_timer_.reset();
  for (auto& rs : routes_) {
    rs.stagger.reset();
    rs.resolving.reset();
  }
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) {
    done(std::move(result));  // may destroy this racer: nothing after it
  }
}

}  // namespace parley::net
