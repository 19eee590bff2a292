#pragma once
// ServerContext: what every connection and room of one running server
// shares. Owned by shared_ptr: the Server, each ClientConnection and each Room
// keep it alive, so a late handler never touches freed state.
//
// Threads: the immutable members are read from any thread. RoomRegistry and
// ConnectionRegistry guard themselves with their own mutex (contract below).

#include <asio/io_context.hpp>
#include <asio/ssl/context.hpp>
#include <asio/thread_pool.hpp>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/base/clock.h"
#include "core/base/thread_check.h"
#include "core/server/accounts/account_backoff.h"
#include "core/server/accounts/hash_queue.h"
#include "core/server/accounts/known_sign_ins.h"
#include "core/server/accounts/rate_limiter.h"
#include "core/server/accounts/resume_tokens.h"
#include "core/server/accounts/sign_in_gate.h"
#include "core/server/accounts/unauthenticated_limiter.h"
#include "core/server/deployment/server_config.h"
#include "core/server/observability/server_metrics.h"
#include "core/server/store/store.h"

namespace parley::server {

class Room;
class ClientConnection;
class MediaRouter;
class Interconnect;
struct ServerContext;

// Name -> live Room. A room lives while some connection holds it (between
// acquire() and the room strand processing that connection's leave, which
// calls release()); so a room is recreated from the store only once every
// operation of its previous incarnation has run.
class RoomRegistry {
 public:
  std::shared_ptr<Room> acquire(const std::shared_ptr<ServerContext>& ctx, const std::string& name);
  // The live room of that name, held, or null: never creates one.
  std::shared_ptr<Room> acquireExisting(const std::string& name);
  // Every live room, each held.
  std::vector<std::shared_ptr<Room>> acquireAll();
  void release(const Room& room);
  void clear();
  [[nodiscard]] std::size_t size() const;

 private:
  struct Slot {
    std::shared_ptr<Room> room;
    std::size_t holders = 0;
  };
  // Guards rooms_. Taken from connection and room strands; never held while
  // calling into a Room, the store or a channel.
  mutable std::mutex mu_;
  std::unordered_map<std::string, Slot> rooms_ PARLEY_GUARDED_BY(mu_);
};

// Connection id -> connection, owning it while its channel is open.
class ConnectionRegistry {
 public:
  void add(std::uint64_t id, std::shared_ptr<ClientConnection> connection);
  void remove(std::uint64_t id);
  // Drops every connection (they hold the context: a cycle once I/O stopped).
  void clear();
  [[nodiscard]] std::vector<std::shared_ptr<ClientConnection>> snapshot() const;
  [[nodiscard]] std::size_t size() const;

 private:
  // Guards connections_. Held only for map operations.
  mutable std::mutex mu_;
  std::map<std::uint64_t, std::shared_ptr<ClientConnection>> connections_ PARLEY_GUARDED_BY(mu_);
};

struct ServerContext {
  ServerContext(asio::io_context& io_context, ServerConfig server_config, std::string version,
                Store& account_store, const Clock& server_clock,
                std::shared_ptr<asio::ssl::context> tls_context);

  asio::io_context& io;
  const ServerConfig config;
  const std::string server_version;
  Store& store;
  const Clock& clock;
  std::shared_ptr<asio::ssl::context> tls;
  // The sign-in limits (docs/server-admin.md, "Sign-in limits"). Keys are
  // sources (IPv4 address or IPv6 /64): wrong passwords per (account,
  // source) and per source refuse for a while; per account they only slow.
  RateLimiter pair_limiter;
  RateLimiter address_limiter;
  AccountBackoff account_backoff;
  KnownSignIns known_sign_ins;
  // Tokens a client presents instead of its password on a reconnect.
  ResumeTokens resume_tokens;
  // Password checks in flight per source (see SignInGate).
  SignInGate sign_in_gate;
  // Connections not signed in yet, per source and in total (never null).
  std::shared_ptr<UnauthenticatedLimiter> unauthenticated;
  // Who gets the hash pool next. Declared before the pool, so the pool (and
  // any drain() running on it) is gone before the queue is destroyed.
  HashQueue hash_queue;
  // Argon2 runs here, off the I/O threads, in the order of hash_queue.
  asio::thread_pool hash_pool;
  // One thread for the store writes of token sign-ins (check and rotation),
  // off the I/O threads and never queued behind Argon2. Its jobs hold their
  // connections weakly, so a job dropped at shutdown keeps nothing alive.
  asio::thread_pool store_thread{1};
  // A hash of a random password: verified against when the user does not
  // exist, so a missing account costs as much time as a wrong password.
  std::string dummy_hash;
  std::atomic<std::uint64_t> next_participant_id{1};
  std::atomic<bool> shutting_down{false};
  RoomRegistry rooms;
  ConnectionRegistry connections;
  ServerMetrics metrics;
  // The media forwarder; set by Server::start (null until then, and in tests
  // that run rooms without media).
  std::shared_ptr<MediaRouter> media;
  // Links to the servers this one shares rooms with; set by Server::start
  // when [[interconnect.peers]] are configured, else null.
  std::shared_ptr<Interconnect> interconnect;
};

}  // namespace parley::server
