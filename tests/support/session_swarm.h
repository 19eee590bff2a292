#pragma once
// SessionSwarm: many real ClientSessions of one account joining one room,
// each on its own strand of a shared io_context and with its own
// SessionRecorder, connecting as the product does (the racing connector, with
// direct routes only: support/direct_routes.h). For load tests and
// benchmarks. Stops every session when destroyed; the io_context (IoThreads)
// must outlive the swarm.

#include <algorithm>
#include <asio/strand.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/client/client_session.h"
#include "net/io_thread.h"
#include "tests/support/direct_routes.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_recorder.h"

namespace parley::test {

struct SessionSwarm {
  struct Options {
    // Adjusts each session's config (timeouts, retries) before it is created.
    std::function<void(client::SessionConfig&)> configure;
    // How many sessions start at once; the next batch starts when every
    // session of this one has joined (or failed for good). 0: all at once.
    // The server gives each connection a fixed time from accept to signed in,
    // so a batch bounds the work that must fit in that time however slow the
    // machine is.
    std::size_t batch = 0;
    // Bound on one batch's joins: only for a broken server, far above any
    // run's time for them.
    std::chrono::milliseconds batch_bound{std::chrono::minutes(3)};
  };

  SessionSwarm(net::IoThreads& io, const ServerFixture& server, int count, const std::string& user,
               const std::string& password, const std::string& room)
      : SessionSwarm(io, server, count, user, password, room, Options{}) {}

  SessionSwarm(net::IoThreads& io, const ServerFixture& server, int count, const std::string& user,
               const std::string& password, const std::string& room, const Options& options) {
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
      if (options.configure) {
        options.configure(config);
      }
      recorders.push_back(std::make_unique<SessionRecorder>());
      sessions.push_back(std::make_unique<client::ClientSession>(strand, config,
                                                                 directOnlyConnectors(strand, *tls),
                                                                 *recorders.back()));
    }
    const std::size_t batch = options.batch == 0 ? sessions.size() : options.batch;
    for (std::size_t first = 0; first < sessions.size(); first += batch) {
      const std::size_t end = std::min(first + batch, sessions.size());
      for (std::size_t i = first; i < end; ++i) {
        sessions[i]->start();
      }
      if (options.batch == 0) {
        break;
      }
      // A session that does not join in time is left to the caller's checks.
      const auto deadline = std::chrono::steady_clock::now() + options.batch_bound;
      for (std::size_t i = first; i < end; ++i) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        recorders[i]->waitFor([](auto& s) { return s.joins >= 1 || !s.errors.empty(); },
                              std::max(left, std::chrono::milliseconds(0)));
      }
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
