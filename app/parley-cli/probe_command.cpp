#include "app/parley-cli/probe_command.h"

#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "app/parley-cli/exit_codes.h"
#include "app/parley-cli/ice_gathering.h"
#include "app/version.h"
#include "core/client/hello_greeting.h"
#include "net/connect/racing_connector.h"
#include "net/io_thread.h"
#include "net/tls/tls_context.h"

namespace parley::cli {
namespace {

using Stage = net::AttemptEvent::Stage;

// One row of the table: everything one attempt reported.
struct AttemptRow {
  int id = 0;
  std::string method;
  std::string via;
  std::string target;
  std::map<Stage, std::int64_t> stage_ms;  // first time each stage was reached
  std::string outcome = "running";
  std::string error;  // slug
  std::string detail;
  std::string last_detail;
};

struct ProbeState {
  std::mutex mu;
  std::condition_variable cv;
  std::map<int, AttemptRow> rows;  // guarded by mu
  std::optional<Result<net::ConnectedStream>> result;
  std::int64_t finished_ms = 0;
};

const Stage kColumns[] = {Stage::Resolved, Stage::TcpConnected, Stage::ProxyAuth,
                          Stage::TunnelUp, Stage::TlsDone,      Stage::HelloDone};
const char* kColumnTitles[] = {"dns", "tcp", "auth", "tunnel", "tls", "hello"};

void record(ProbeState& state, const net::AttemptEvent& e) {
  std::lock_guard lock(state.mu);
  AttemptRow& row = state.rows[e.id];
  row.id = e.id;
  row.method = e.method;
  row.via = e.via;
  if (!e.target.empty()) {
    row.target = e.target;
  }
  row.stage_ms.emplace(e.stage, e.elapsed.count());
  if (!e.detail.empty()) {
    row.last_detail = e.detail;
  }
  switch (e.stage) {
    case Stage::Failed:
      row.outcome = "failed";
      row.error = std::string(errorSlug(e.error));
      row.detail = e.detail;
      break;
    case Stage::Cancelled:
      row.outcome = "cancelled";
      break;
    case Stage::HelloDone:
      row.outcome = "won";  // only the winner gets this far
      break;
    case Stage::ProxyAuth:
      row.detail = e.detail;
      break;
    default:
      break;
  }
}

std::string cell(const AttemptRow& row, Stage stage) {
  auto it = row.stage_ms.find(stage);
  return it == row.stage_ms.end() ? "-" : std::to_string(it->second);
}

void printTable(const ProbeState& state, const std::string& winner_line) {
  std::printf("%-3s %-8s %-22s %-40s %-9s", "#", "method", "via", "target", "outcome");
  for (const char* title : kColumnTitles) {
    std::printf(" %6s", title);
  }
  std::printf("  %s\n", "detail");
  for (const auto& [id, row] : state.rows) {
    std::printf("%-3d %-8s %-22s %-40s %-9s", id, row.method.c_str(),
                row.via.empty() ? "-" : row.via.c_str(), row.target.c_str(), row.outcome.c_str());
    for (Stage stage : kColumns) {
      std::printf(" %6s", cell(row, stage).c_str());
    }
    std::string detail = row.detail;
    if (row.outcome == "failed" && !row.error.empty()) {
      detail = row.error + ": " + detail;
    } else if (detail.empty() && row.outcome == "won") {
      detail = row.last_detail;
    }
    std::printf("  %s\n", detail.c_str());
  }
  std::printf("%s\n", winner_line.c_str());
  std::fflush(stdout);
}

nlohmann::ordered_json toJson(const ProbeState& state, const net::ConnectedStream* winner,
                              int winner_id) {
  nlohmann::ordered_json attempts = nlohmann::ordered_json::array();
  for (const auto& [id, row] : state.rows) {
    nlohmann::ordered_json stages = nlohmann::ordered_json::object();
    for (const auto& [stage, ms] : row.stage_ms) {
      stages[net::attemptStageName(stage)] = ms;
    }
    nlohmann::ordered_json a = {{"id", id},
                                {"method", row.method},
                                {"via", row.via},
                                {"target", row.target},
                                {"outcome", row.outcome},
                                {"stages", stages}};
    if (!row.error.empty()) {
      a["error"] = row.error;
    }
    if (!row.detail.empty()) {
      a["detail"] = row.detail;
    }
    attempts.push_back(std::move(a));
  }
  nlohmann::ordered_json out;
  if (winner != nullptr) {
    out["winner"] = {
        {"method", winner->method},           {"via", winner->via},          {"port", winner->port},
        {"address", winner->address},         {"ms", state.finished_ms},     {"attempt", winner_id},
        {"tls_version", winner->tls.version}, {"cipher", winner->tls.cipher}};
  } else {
    out["winner"] = nullptr;
  }
  out["attempts"] = std::move(attempts);
  return out;
}

}  // namespace

int runProbe(const ProbeOptions& options) {
  auto settings = makeRaceSettings(options.network);
  if (!settings) {
    std::cerr << "parley-cli probe: " << settings.error().detail << '\n';
    return kExitUsage;
  }
  auto tls = net::makeClientTlsContext(options.ca);
  if (!tls) {
    std::cerr << "parley-cli probe: cannot use CA file '" << options.ca
              << "': " << tls.error().detail << '\n';
    return kExitUsage;
  }

  ProbeState state;
  net::IoThreads io(1);
  auto executor = io.context().get_executor();
  std::random_device entropy;
  const std::uint64_t instance = (std::uint64_t{entropy()} << 32U) | entropy();
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<net::Connector> connector;

  asio::post(executor, [&] {
    net::RacingConnectorFactory factory(executor, *tls, *settings);
    connector = factory.create();
    connector->setGreeting(
        client::makeHelloGreeting(std::string("parley-cli/") + app::kVersion + " probe", instance));
    connector->setProgressHandler([&state](const net::AttemptEvent& e) { record(state, e); });
    connector->connect(net::ConnectTarget{options.server, options.tls_port, options.alt_port},
                       [&state, started](Result<net::ConnectedStream> result) {
                         std::lock_guard lock(state.mu);
                         state.finished_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::steady_clock::now() - started)
                                                 .count();
                         state.result = std::move(result);
                         state.cv.notify_all();
                       });
  });

  {
    std::unique_lock lock(state.mu);
    state.cv.wait(lock, [&] { return state.result.has_value(); });
  }
  // Close the winning connection and the connector on their own thread.
  std::promise<void> closed;
  asio::post(executor, [&] {
    if (state.result && *state.result) {
      asio::error_code ignored;
      state.result->value().stream->lowest_layer().close(ignored);
      state.result->value().stream.reset();  // belongs to this io_context
    }
    connector.reset();
    closed.set_value();
  });
  closed.get_future().wait();

  std::lock_guard lock(state.mu);
  const Result<net::ConnectedStream>& result = *state.result;
  int winner_id = 0;
  for (const auto& [id, row] : state.rows) {
    if (row.outcome == "won") {
      winner_id = id;
    }
  }
  // The candidates a peer path could use from here (5 s at most for STUN).
  net::InterfacePolicy interfaces;
  interfaces.allow = options.ice_interfaces;
  std::optional<net::IceStunServer> stun;
  if (!options.stun.empty()) {
    const auto colon = options.stun.rfind(':');
    unsigned port = 0;
    if (colon == std::string::npos ||
        std::from_chars(options.stun.data() + colon + 1, options.stun.data() + options.stun.size(),
                        port)
                .ec != std::errc{} ||
        port == 0 || port > 65535) {
      std::cerr << "parley-cli probe: --stun wants ADDRESS:PORT\n";
      return kExitUsage;
    }
    stun = net::IceStunServer{options.stun.substr(0, colon), static_cast<std::uint16_t>(port)};
  }
  auto ice = gatherIceCandidates(interfaces, stun, std::chrono::seconds(5));
  if (options.json) {
    auto out = toJson(state, result ? &result.value() : nullptr, winner_id);
    if (ice) {
      out["ice"] = {{"candidates", ice->candidates}, {"complete", ice->complete}};
    } else {
      out["ice"] = {{"error", ice.error().detail}};
    }
    std::cout << out.dump() << std::endl;
  } else {
    std::string line;
    if (result) {
      const auto& w = result.value();
      line = "winner: #" + std::to_string(winner_id) + " " + w.method +
             (w.via.empty() ? "" : " via " + w.via) + " to port " + std::to_string(w.port) +
             " in " + std::to_string(state.finished_ms) + " ms (" + w.tls.version + " " +
             w.tls.cipher + ", server hello received)";
    } else {
      line = "no secure connection: " + std::string(result.error().slug()) + ": " +
             result.error().detail;
    }
    printTable(state, line);
    if (ice) {
      std::printf("ICE candidates a peer-to-peer path could use (%zu%s):\n", ice->candidates.size(),
                  ice->complete ? "" : ", gathering cut short");
      for (const auto& candidate : ice->candidates) {
        std::printf("  %s\n", candidate.c_str());
      }
    } else {
      std::printf("ICE candidates: %s\n", ice.error().detail.c_str());
    }
  }
  return result ? kExitOk : kExitOther;
}

}  // namespace parley::cli
