#pragma once
// MetricsHttpServer: a minimal HTTP/1.1 responder for Prometheus scrapes.
// `GET /metrics` answers 200 with the text the provider returns; any other
// path is 404, any other method 405, a request head over 8 KiB 431, a
// malformed one 400. Every connection is closed after one response and is
// bounded in time (5 s to send the request head) and in number (16 open at
// once; more are closed at once). No TLS: bind it to loopback or a management
// network (the config's default is 127.0.0.1:9464).
//
// Ownership: the caller owns this object and the io_context; the state the
// handlers use is shared, so destroying the object with handlers pending is
// safe. Threads: start()/stop() from the control thread; the rest runs on one
// strand of the io_context. The provider runs on an I/O thread.

#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/base/result.h"
#include "core/server/deployment/server_config.h"

namespace parley::server {

class MetricsHttpServer {
 public:
  using Provider = std::function<std::string()>;
  static constexpr std::size_t kMaxRequestHead = 8 * 1024;
  static constexpr std::size_t kMaxConnections = 16;
  // Bytes read and thrown away after an answer, before the connection is closed anyway.
  static constexpr std::size_t kMaxDrain = 256 * 1024;
  static constexpr std::chrono::seconds kRequestTimeout{5};

  MetricsHttpServer(asio::io_context& io, Provider provider);
  ~MetricsHttpServer();
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  // Binds and listens; returns the bound address (port 0 resolved). Synchronous.
  Result<Endpoint> start(const Endpoint& address);
  // Closes the listener and every open connection. Asynchronous, idempotent.
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace parley::server
