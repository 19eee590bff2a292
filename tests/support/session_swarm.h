#pragma once
// SessionSwarm: many real ClientSessions of one account joining one room,
// each on its own strand of a shared io_context and with its own
// SessionRecorder. For load tests and benchmarks. Stops every session when
// destroyed; the io_context (IoThreads) must outlive the swarm.

#include <asio/strand.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/client/client_session.h"
#include "net/connect/direct_connector.h"
#include "net/event/io_thread.h"
#include "support/server_fixture.h"
#include "support/session_recorder.h"

namespace parley::test {

struct SessionSwarm {
  SessionSwarm(net::IoThreads& io, const ServerFixture& server, int count, const std::string& user,
               const std::string& password, const std::string& room) {
    auto tls = net::makeClientTlsContext(server.caFile());
    if (!tls) {
      throw std::runtime_error(tls.error().toString());
    }
    for (int i = 0; i < count; ++i) {
      auto strand = asio::make_strand(io.context());
      client::SessionConfig config;
      config.target = {"127.0.0.1", server.port(), server.port()};
      config.user = user;
      config.password = password;
      config.room = room;
      config.client_name = "session-swarm";
      recorders.push_back(std::make_unique<SessionRecorder>());
      sessions.push_back(std::make_unique<client::ClientSession>(
          strand, config, std::make_shared<net::DirectConnectorFactory>(strand, *tls),
          *recorders.back()));
      sessions.back()->start();
    }
  }
  ~SessionSwarm() {
    for (auto& s : sessions) {
      s->stop();
    }
  }
  SessionSwarm(const SessionSwarm&) = delete;
  SessionSwarm& operator=(const SessionSwarm&) = delete;

  std::vector<std::unique_ptr<SessionRecorder>> recorders;
  std::vector<std::unique_ptr<client::ClientSession>> sessions;
};

}  // namespace parley::test
