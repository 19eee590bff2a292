#pragma once
// SessionClient: one real ClientSession (the code the CLI and the GUI use)
// signed in to a ServerFixture on loopback, reconnecting quickly, with a
// recorder that also keeps which message ids the server refused and why.
// For the fault tests (a full disk, a killed server) and the soak.

#include <asio/strand.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "core/client/client_session.h"
#include "net/io_thread.h"
#include "tests/support/direct_routes.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_recorder.h"

namespace parley::test {

// A SessionRecorder that also keeps each refusal by client message id.
class RefusalRecorder : public SessionRecorder {
 public:
  void onChatRefused(std::uint64_t client_msg_id, const Error& reason) override {
    {
      std::lock_guard lock(mu_);
      refused_.emplace(client_msg_id, reason);
    }
    // After the map: a test woken by the base's notification finds it there.
    SessionRecorder::onChatRefused(client_msg_id, reason);
  }
  std::map<std::uint64_t, Error> refusedById() {
    std::lock_guard lock(mu_);
    return refused_;
  }

 private:
  std::mutex mu_;  // guards refused_: written on the network thread
  std::map<std::uint64_t, Error> refused_;
};

struct SessionClient {
  SessionClient(net::IoThreads& io, const ServerFixture& server, std::string user,
                std::string password, std::string room = "lobby")
      : strand(asio::make_strand(io.context())) {
    auto tls = net::makeClientTlsContext(server.caFile());
    if (!tls) {
      throw std::runtime_error(tls.error().toString());
    }
    client::SessionConfig config;
    config.target = {"127.0.0.1", server.port(), server.port()};
    config.user = std::move(user);
    config.password = std::move(password);
    config.room = std::move(room);
    config.client_name = "session-client";
    // Back quickly after a restart; the tests bound their waits anyway.
    config.reconnect.initial = std::chrono::milliseconds(50);
    config.reconnect.max = std::chrono::milliseconds(500);
    session = std::make_unique<client::ClientSession>(strand, config,
                                                      directOnlyConnectors(strand, *tls), recorder);
    session->start();
  }
  ~SessionClient() { session->stop(); }
  SessionClient(const SessionClient&) = delete;
  SessionClient& operator=(const SessionClient&) = delete;

  asio::strand<asio::io_context::executor_type> strand;
  RefusalRecorder recorder;
  std::unique_ptr<client::ClientSession> session;
};

}  // namespace parley::test
