#pragma once
// Server: a running parleyd. Listens on every configured TCP address, runs
// the TLS handshake for each accepted socket, then hands the channel to a
// ClientConnection. Rooms and connections share one ServerContext.
//
// Ownership: the caller owns the Server, the io_context (and the threads
// running it) and the Store; all must outlive the Server's shutdown.
// Threads: start() and shutdown() from one control thread (main); the rest
// runs on the io_context's threads.

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/strand.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/clock.h"
#include "core/base/result.h"
#include "core/server/accounts/unauthenticated_limiter.h"
#include "core/server/deployment/server_config.h"
#include "core/server/store/store.h"

namespace parley::server {

struct ServerContext;

class Server {
 public:
  // Loads the TLS certificate and key named by `config`.
  static Result<std::unique_ptr<Server>> create(asio::io_context& io, ServerConfig config,
                                                std::string version, Store& store,
                                                const Clock& clock);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on every configured address; returns the bound
  // endpoints (ephemeral ports resolved). Synchronous.
  Result<std::vector<Endpoint>> start();
  // The UDP media port (RTP/RTCP muxed), once started.
  [[nodiscard]] std::uint16_t mediaPort() const;
  // The interconnect control port (TCP), once started; 0 without peers.
  [[nodiscard]] std::uint16_t interconnectPort() const;

  // Stops accepting, tells every connection the server is shutting down and
  // waits (at most `grace`) for their queues to flush. `done` runs on an I/O
  // thread once every connection closed or the grace period ended.
  void shutdown(std::chrono::milliseconds grace, std::function<void()> done);

  [[nodiscard]] std::size_t connectionCount() const;

  // The Prometheus text of this server's metrics (see ServerMetrics). Any thread.
  [[nodiscard]] std::string renderMetrics() const;

 private:
  struct Listener;
  Server(asio::io_context& io, std::shared_ptr<ServerContext> ctx);
  void accept(const std::shared_ptr<Listener>& listener);
  // A ticket for an admitted socket; an empty one after closing a refused one.
  UnauthenticatedLimiter::Ticket admit(asio::ip::tcp::socket& socket);
  void handshake(asio::ip::tcp::socket socket, UnauthenticatedLimiter::Ticket ticket);
  Result<void> startMedia();
  Result<void> startInterconnect();

  asio::io_context& io_;
  std::shared_ptr<ServerContext> ctx_;
  std::vector<std::shared_ptr<Listener>> listeners_;
};

}  // namespace parley::server
