#include "core/server/server_context.h"

#include <cstdlib>

#include <sodium.h>

#include "core/server/accounts/password_hasher.h"
#include "core/server/client_connection.h"
#include "core/server/rooms/room.h"

namespace parley::server {

ServerContext::ServerContext(asio::io_context& io_context, ServerConfig server_config,
                             std::string version, Store& account_store, const Clock& server_clock,
                             std::shared_ptr<asio::ssl::context> tls_context)
    : io(io_context),
      config(std::move(server_config)),
      server_version(std::move(version)),
      store(account_store),
      clock(server_clock),
      tls(std::move(tls_context)),
      pair_limiter(server_clock, RateLimiter::Policy{.max_failures = config.max_failures,
                                                     .lockout_max = config.lockout_max,
                                                     .lockout_first = config.lockout_first}),
      address_limiter(server_clock, RateLimiter::Policy{.max_failures = config.address_max_failures,
                                                        .lockout_max = config.lockout_max,
                                                        .lockout_first = config.lockout_first}),
      account_backoff(server_clock, AccountBackoff::Policy{.slow_after = config.account_slow_after,
                                                           .max_delay = config.account_delay_max,
                                                           .forget_after = config.lockout_max}),
      resume_tokens(account_store, server_clock, config.resume_token_lifetime),
      unauthenticated(UnauthenticatedLimiter::create(
          UnauthenticatedLimiter::Limits{.per_source = config.max_unauthenticated_per_address,
                                         .total = config.max_unauthenticated})),
      // PARLEY_HASH_NORMAL_PRIORITY=1: for measuring what the background
      // priority buys (docs/benchmarks.md).
      hash_queue(hash_pool, server_clock, config.effectiveThreads(),
                 std::getenv("PARLEY_HASH_NORMAL_PRIORITY") == nullptr),
      hash_pool(config.effectiveThreads()) {}

std::shared_ptr<Room> RoomRegistry::acquire(const std::shared_ptr<ServerContext>& ctx,
                                            const std::string& name) {
  std::lock_guard lock(mu_);
  auto& slot = rooms_[name];
  if (!slot.room) {
    slot.room = std::make_shared<Room>(ctx, name);
  }
  ++slot.holders;
  return slot.room;
}

std::shared_ptr<Room> RoomRegistry::acquireExisting(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(name);
  if (it == rooms_.end()) {
    return nullptr;
  }
  ++it->second.holders;
  return it->second.room;
}

std::vector<std::shared_ptr<Room>> RoomRegistry::acquireAll() {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Room>> out;
  out.reserve(rooms_.size());
  for (auto& [name, slot] : rooms_) {
    ++slot.holders;
    out.push_back(slot.room);
  }
  return out;
}

void RoomRegistry::release(const Room& room) {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(room.name());
  if (it == rooms_.end() || it->second.room.get() != &room) {
    return;
  }
  if (--it->second.holders == 0) {
    rooms_.erase(it);  // reloaded from the store when someone joins again
  }
}

void RoomRegistry::clear() {
  std::unordered_map<std::string, Slot> doomed;
  {
    std::lock_guard lock(mu_);
    doomed.swap(rooms_);
  }
}

std::size_t RoomRegistry::size() const {
  std::lock_guard lock(mu_);
  return rooms_.size();
}

void ConnectionRegistry::add(std::uint64_t id, std::shared_ptr<ClientConnection> connection) {
  std::lock_guard lock(mu_);
  connections_.emplace(id, std::move(connection));
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::shared_ptr<ClientConnection> doomed;  // destroyed outside the lock
  std::lock_guard lock(mu_);
  auto it = connections_.find(id);
  if (it != connections_.end()) {
    doomed = std::move(it->second);
    connections_.erase(it);
  }
}

void ConnectionRegistry::clear() {
  std::map<std::uint64_t, std::shared_ptr<ClientConnection>> doomed;  // destroyed unlocked
  std::lock_guard lock(mu_);
  doomed.swap(connections_);
}

std::vector<std::shared_ptr<ClientConnection>> ConnectionRegistry::snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<ClientConnection>> out;
  out.reserve(connections_.size());
  for (const auto& [id, c] : connections_) {
    out.push_back(c);
  }
  return out;
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mu_);
  return connections_.size();
}

}  // namespace parley::server
