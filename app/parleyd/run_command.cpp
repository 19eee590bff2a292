// `parleyd run`: serve until SIGINT/SIGTERM.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/resource.h>
#endif
#include <asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/parleyd/commands.h"
#include "app/version.h"
#include "core/server/deployment/server_config.h"
#include "core/server/observability/metrics_http_server.h"
#include "core/server/server.h"
#include "core/server/store/store.h"
#ifndef _WIN32
#include "core/server/observability/syslog_local_sink.h"
#include "core/server/observability/syslog_udp_sink.h"
#endif
#include "net/io_thread.h"
#include "net/platform/private_file.h"

namespace parley::app {
namespace {

// Atomically: readers see no file or the whole file, never half of it.
// With `has_metrics`, the last endpoint is the metrics listener.
bool writePortsFile(const std::filesystem::path& path,
                    const std::vector<server::Endpoint>& endpoints, bool has_metrics) {
  nlohmann::json tcp = nlohmann::json::array();
  const std::size_t control = endpoints.size() - (has_metrics ? 1 : 0);
  for (std::size_t i = 0; i < control; ++i) {
    tcp.push_back({{"address", endpoints[i].address}, {"port", endpoints[i].port}});
  }
  nlohmann::json doc = {{"tcp", tcp}};
  if (has_metrics) {
    doc["metrics"] = {{"address", endpoints.back().address}, {"port", endpoints.back().port}};
  }
  const auto temp = path.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << doc.dump() << "\n";
    if (!out.flush()) {
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  return !ec;
}

// Adds the syslog sink the config asks for to the default logger. The
// journal/stderr sink stays: syslog is in addition, as administrators expect.
bool addSyslogSink(const server::ServerConfig& config) {
#ifdef _WIN32
  if (config.syslog != server::ServerConfig::Syslog::Off) {
    spdlog::critical(
        "[log] syslog is not available in parleyd for Windows yet: set syslog = \"off\"");
    return false;
  }
  return true;
#else
  const int facility = server::syslogFacilityNumber(config.syslog_facility);
  spdlog::sink_ptr sink;
  if (config.syslog == server::ServerConfig::Syslog::Local) {
    auto local = server::SyslogLocalSink::create(config.syslog_socket, facility, "parleyd");
    if (!local) {
      spdlog::critical("{}", local.error().detail);
      return false;
    }
    sink = *local;
  } else if (config.syslog == server::ServerConfig::Syslog::Udp) {
    auto udp = server::SyslogUdpSink::create(config.syslog_collector, facility, "parleyd");
    if (!udp) {
      spdlog::critical("{}", udp.error().detail);
      return false;
    }
    sink = *udp;
  } else {
    return true;
  }
  sink->set_pattern("%v");  // the syslog header carries time, level and process
  spdlog::default_logger()->sinks().push_back(std::move(sink));
  return true;
#endif
}

// Refuses to serve with secrets others can read: the TLS key, and the config
// when it holds the TURN secret. The CA key is not among them: the server
// never reads it (keep it offline).
bool checkSecretFiles(const server::ServerConfig& config) {
  std::vector<std::filesystem::path> secrets = {config.private_key};
  if (!config.peer_turn_secret.empty()) {
    secrets.push_back(config.config_file);
  }
  for (const auto& path : secrets) {
    if (auto ok = net::checkSecretFileAccess(path.string()); !ok) {
      spdlog::critical("{}", ok.error().detail);
      return false;
    }
  }
  return true;
}

// Every client holds one descriptor (its TCP connection) for as long as it
// is connected, so the open-file limit caps the clients. A shell's soft limit
// is often 1024 while the hard limit allows far more: raise the soft one to
// the hard one (no privilege needed) and say what it allows.
void raiseOpenFileLimit() {
#ifndef _WIN32
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      limit.rlim_cur = before;
    }
  }
  // About 20 descriptors are the server's own (store, listeners, UDP, logs).
  spdlog::info("open-file limit {}: room for about {} connected clients",
               static_cast<unsigned long long>(limit.rlim_cur),
               limit.rlim_cur > 32 ? static_cast<unsigned long long>(limit.rlim_cur - 32) : 0ULL);
#endif
}

}  // namespace

int runServer(const RunCommand& command) {
  auto logger = spdlog::stderr_color_mt("parleyd");
  spdlog::set_default_logger(logger);
  // Under systemd stderr goes to the journal, which stamps time and process.
  if (std::getenv("JOURNAL_STREAM") != nullptr) {
    spdlog::set_pattern("%l %v");
  } else {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  }

  auto config = server::loadServerConfig(command.config);
  if (!config) {
    spdlog::critical("{}", config.error().detail);
    return 1;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  if (!addSyslogSink(*config)) {
    return 1;
  }
  spdlog::info("parleyd {} starting with {}", kVersion, config->config_file.string());
  raiseOpenFileLimit();
  if (!checkSecretFiles(*config)) {
    return 1;
  }

  auto store = server::openStore(server::storeSettings(*config), false);
  if (!store) {
    spdlog::critical("{}", store.error().detail);
    return 1;
  }
  const unsigned threads = config->effectiveThreads();
  net::IoThreads io(threads);
  auto server =
      server::Server::create(io.context(), *config, kVersion, **store, SystemClock::instance());
  if (!server) {
    spdlog::critical("{}", server.error().detail);
    return 1;
  }
  spdlog::info("store: {}", (*store)->describe());
  auto bound = (*server)->start();
  if (!bound) {
    spdlog::critical("{}", bound.error().detail);
    io.stop();
    return 1;
  }
  std::unique_ptr<server::MetricsHttpServer> metrics;
  if (config->metrics_enabled) {
    metrics = std::make_unique<server::MetricsHttpServer>(io.context(), [s = server->get()] {
      return s->renderMetrics();
    });
    auto metrics_bound = metrics->start(config->metrics_address);
    if (!metrics_bound) {
      spdlog::critical("{}", metrics_bound.error().detail);
      metrics.reset();
      io.stop();
      return 1;
    }
    spdlog::info("metrics at http://{}/metrics", metrics_bound->toString());
    bound->push_back(*metrics_bound);
  }
  if (!command.ports_file.empty() &&
      !writePortsFile(command.ports_file, *bound, metrics != nullptr)) {
    spdlog::critical("cannot write the ports file {}", command.ports_file.string());
    metrics.reset();
    io.stop();
    return 1;
  }
  spdlog::info("serving with {} thread(s); Ctrl-C to stop", threads);

  std::promise<void> stopped;
  asio::signal_set signals(io.context(), SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code& ec, int signal) {
    if (ec) {
      return;
    }
    spdlog::info("received signal {}; shutting down", signal);
    (*server)->shutdown(std::chrono::milliseconds(2000), [&stopped] { stopped.set_value(); });
  });
  stopped.get_future().wait();
  if (metrics) {
    metrics->stop();
    metrics.reset();
  }
  io.stop();
  server->reset();
  (*store)->close();
  spdlog::info("store closed; bye");
  return 0;
}

}  // namespace parley::app
