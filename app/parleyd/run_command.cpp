// `parleyd run`: serve until SIGINT/SIGTERM.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <asio/signal_set.hpp>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/parleyd/commands.h"
#include "app/version.h"
#include "core/server/server.h"
#include "core/server/server_config.h"
#include "core/server/store.h"
#include "net/event/io_thread.h"

namespace parley::app {
namespace {

// Atomically: readers see no file or the whole file, never half of it.
bool writePortsFile(const std::filesystem::path& path,
                    const std::vector<server::Endpoint>& endpoints) {
  nlohmann::json tcp = nlohmann::json::array();
  for (const auto& ep : endpoints) {
    tcp.push_back({{"address", ep.address}, {"port", ep.port}});
  }
  const nlohmann::json doc = {{"tcp", tcp}};
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

}  // namespace

int runServer(const RunCommand& command) {
  auto logger = spdlog::stderr_color_mt("parleyd");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");

  auto config = server::loadServerConfig(command.config);
  if (!config) {
    spdlog::critical("{}", config.error().detail);
    return 1;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  spdlog::info("parleyd {} starting with {}", kVersion, config->config_file.string());

  auto store = server::Store::open(config->store_path.string(), config->synchronous, false);
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
  auto bound = (*server)->start();
  if (!bound) {
    spdlog::critical("{}", bound.error().detail);
    io.stop();
    return 1;
  }
  if (!command.ports_file.empty() && !writePortsFile(command.ports_file, *bound)) {
    spdlog::critical("cannot write the ports file {}", command.ports_file.string());
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
  io.stop();
  server->reset();
  (*store)->close();
  spdlog::info("store closed; bye");
  return 0;
}

}  // namespace parley::app
