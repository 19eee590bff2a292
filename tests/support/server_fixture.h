#pragma once
// ServerFixture: a real `parleyd` in a temporary directory, created with
// `parleyd init` (2048-bit keys and cheap Argon2 parameters, so tests are
// fast), listening on 127.0.0.1 with an ephemeral port, driven as a child
// process. Can be SIGKILLed and restarted on the same port.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace parley::test {

std::string parleydPath();
std::string parleyCliPath();

class ServerFixture {
 public:
  struct Options {
    std::map<std::string, std::string> users{{"alice", "alice-pw"},
                                             {"bob", "bob-pw"},
                                             {"carol", "carol-pw"}};
    // Config keys to set (key = raw TOML value), e.g. {"idle_timeout_s", "2"};
    // "section.key" adds a key the written file lacks.
    std::map<std::string, std::string> config;
    // Put before parleyd's own argv (the first an absolute path): a wrapper
    // that execs it in the same process, e.g. unshare, so pid() stays parleyd.
    std::vector<std::string> launcher;
    // Added to parleyd's environment (e.g. ASAN_OPTIONS for a soak).
    std::map<std::string, std::string> env;
  };

  ServerFixture();
  explicit ServerFixture(Options options);
  ~ServerFixture();

  // Starts `parleyd run` and waits (bounded) until it listens.
  void start();
  void kill9();
  // SIGTERM and wait; returns the exit code.
  int terminate();
  // Runs again on the same port as before (so clients reconnect to it).
  void restart();

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] std::string caFile() const { return dir_ + "/ca.crt"; }
  [[nodiscard]] std::string configFile() const { return dir_ + "/parleyd.toml"; }
  [[nodiscard]] std::string log() const { return readFile(dir_ + "/parleyd.log"); }
  [[nodiscard]] bool running() { return process_ && process_->running(); }
  [[nodiscard]] pid_t pid() const { return process_ ? process_->pid() : -1; }

  // Sets `key = value` in the config file (the key must exist there), or
  // with "section.key" adds it to that section when it does not.
  void setConfig(const std::string& name, const std::string& value);

 private:
  Options options_;
  std::string dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// One `parley-cli join ... --json` run; events parsed from its stdout.
struct CliRun {
  int exit_code = -1;
  std::vector<std::string> lines;
  std::string err;
  [[nodiscard]] std::vector<std::string> eventsOf(const std::string& event) const;
  // The exit code, every line printed and stderr: what a failed check shows.
  [[nodiscard]] std::string transcript() const;
  // The last stats line printed while the run was still in the call (after
  // SIGTERM the CLI leaves, its media path goes "off", and the stats thread
  // may print once more); nullopt when there is none.
  [[nodiscard]] std::optional<nlohmann::json> lastStatsInCall() const;
};

struct CliOptions {
  // for_seconds: no --for at all; the CLI stays until CliProcess::stop().
  static constexpr int kUntilStopped = -1;

  std::string user = "alice";
  std::string password = "alice-pw";
  std::string room = "lobby";
  std::vector<std::string> say;
  // --for: how long to stay after joining. A test that needs something to
  // happen while the CLI is in the room uses kUntilStopped and waits for it.
  int for_seconds = 1;
  std::string ca;  // default: the fixture's
  std::vector<std::string> extra;
  // Another desktop's client: parley-cli run through `run_as` (e.g.
  // setpriv to the desktop's user), from `program` (default: the build's
  // parley-cli), with `env` added to its environment.
  std::vector<std::string> run_as;
  std::string program;
  std::map<std::string, std::string> env;
};

// A parley-cli running in the background; its JSON lines can be read while it runs.
class CliProcess {
 public:
  CliProcess(const ServerFixture& server, const CliOptions& options, std::uint16_t port = 0);
  [[nodiscard]] std::vector<std::string> linesSoFar() const;
  [[nodiscard]] bool sawEvent(const std::string& event) const;
  // The JSON events named `event` printed so far, in order.
  [[nodiscard]] std::vector<nlohmann::json> events(const std::string& event) const;
  // Waits (bounded) until an `event` line for which `match` (if given) holds
  // has been printed. False at the deadline, or as soon as the process ended
  // without printing one.
  bool waitForEvent(const std::string& event,
                    const std::function<bool(const nlohmann::json&)>& match = {},
                    std::chrono::seconds timeout = std::chrono::seconds(60));
  // Waits (bounded) for the process to end.
  CliRun wait(std::chrono::seconds timeout = std::chrono::seconds(60));
  // SIGTERM, then wait (bounded): parley-cli waits for its --say acks,
  // leaves the room and exits 0.
  CliRun stop(std::chrono::seconds timeout = std::chrono::seconds(60));
  ChildProcess& process() { return *process_; }

 private:
  std::string dir_;
  std::unique_ptr<ChildProcess> process_;
};

CliRun runCli(const ServerFixture& server, const CliOptions& options);
std::vector<std::string> splitLines(const std::string& text);

}  // namespace parley::test
