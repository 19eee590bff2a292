#include "tests/support/server_fixture.h"

#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

#include "parley_test_paths.h"

namespace parley::test {

std::string parleydPath() { return std::string(PARLEY_BINARY_DIR) + "/app/parleyd/parleyd"; }
std::string parleyCliPath() {
  return std::string(PARLEY_BINARY_DIR) + "/app/parley-cli/parley-cli";
}

ServerFixture::ServerFixture() : ServerFixture(Options{}) {}

ServerFixture::ServerFixture(Options options) : options_(std::move(options)) {
  dir_ = makeTempDir("server") + "/srv";
  auto init = runProgram({parleydPath(), "init", "--dir", dir_, "--tcp", "127.0.0.1:0", "--udp",
                          "127.0.0.1:0", "--host", "localhost", "--host", "127.0.0.1", "--rsa-bits",
                          "2048"});
  if (init.exit_code != 0) {
    throw std::runtime_error("parleyd init failed: " + init.out + init.err);
  }
  // Cheap Argon2id so hundreds of sign-ins stay fast; production keeps the
  // interactive defaults.
  setConfig("argon2_opslimit", "1");
  setConfig("argon2_memlimit_kib", "64");
  // Peer paths only where a test asks for them (with clients told which
  // interfaces to gather on): the others test the server path.
  setConfig("peer_to_peer", "false");
  for (const auto& [key, value] : options_.config) {
    setConfig(key, value);
  }
  for (const auto& [user, password] : options_.users) {
    auto add =
        runProgram({parleydPath(), "user", "add", user, "--config", configFile()}, password + "\n");
    if (add.exit_code != 0) {
      throw std::runtime_error("parleyd user add failed: " + add.out + add.err);
    }
  }
}

ServerFixture::~ServerFixture() {
  if (process_ && process_->running()) {
    process_->signal(SIGKILL);
    process_->waitFor(std::chrono::seconds(5));
  }
}

void ServerFixture::setConfig(const std::string& name, const std::string& value) {
  std::string text = readFile(configFile());
  // "section.key" may add a key the file does not have yet.
  const auto dot = name.find('.');
  const std::string key = dot == std::string::npos ? name : name.substr(dot + 1);
  const std::regex line("(^|\n)" + key + "[ \t]*=[^\n]*");
  if (!std::regex_search(text, line) && dot != std::string::npos) {
    const std::string header = "[" + name.substr(0, dot) + "]\n";
    const auto at = text.find(header);
    if (at == std::string::npos) {
      throw std::runtime_error("config has no section " + header);
    }
    text.insert(at + header.size(), key + " = " + value + "\n");
    writeFile(configFile(), text);
    return;
  }
  if (!std::regex_search(text, line)) {
    throw std::runtime_error("config has no key " + key);
  }
  text = std::regex_replace(text, line, "$1" + key + " = " + value);
  writeFile(configFile(), text);
}

void ServerFixture::start() {
  const std::string ports = dir_ + "/ports.json";
  std::remove(ports.c_str());
  ChildProcess::Options options;
  options.argv = options_.launcher;
  for (const auto& arg : {parleydPath(), std::string("run"), std::string("--config"), configFile(),
                          std::string("--ports-file"), ports}) {
    options.argv.push_back(arg);
  }
  options.env = options_.env;
  options.stdout_path = dir_ + "/parleyd.out";
  options.stderr_path = dir_ + "/parleyd.log";
  process_ = std::make_unique<ChildProcess>(options);
  const bool listening =
      eventually([&] { return !readFile(ports).empty() || !process_->running(); },
                 std::chrono::seconds(60));
  if (!listening || readFile(ports).empty()) {
    throw std::runtime_error("parleyd did not start: " + log());
  }
  const auto json = nlohmann::json::parse(readFile(ports));
  port_ = json.at("tcp").at(0).at("port").get<std::uint16_t>();
}

void ServerFixture::kill9() {
  process_->signal(SIGKILL);
  process_->waitFor(std::chrono::seconds(10));
}

int ServerFixture::terminate() {
  process_->signal(SIGTERM);
  auto code = process_->waitFor(std::chrono::seconds(60));
  return code ? *code : -1;
}

void ServerFixture::restart() {
  setConfig("tcp", "[\"127.0.0.1:" + std::to_string(port_) + "\"]");
  // The old socket may linger in TIME_WAIT; parleyd sets SO_REUSEADDR.
  start();
}

std::string CliRun::transcript() const {
  std::string out = "exit " + std::to_string(exit_code) + "\n";
  for (const auto& l : lines) {
    out += l + "\n";
  }
  return out + err;
}

std::vector<std::string> CliRun::eventsOf(const std::string& event) const {
  std::vector<std::string> out;
  for (const auto& line : lines) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (!json.is_discarded() && json.value("event", "") == event) {
      out.push_back(line);
    }
  }
  return out;
}

std::optional<nlohmann::json> CliRun::lastStatsInCall() const {
  std::optional<nlohmann::json> last;
  for (const auto& line : lines) {
    auto event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_discarded() || !event.is_object()) {
      continue;
    }
    const auto name = event.value("event", "");
    if (name == "left" || (name == "media_path" && event.value("path", "") == "off")) {
      break;
    }
    if (name == "stats") {
      last = std::move(event);
    }
  }
  return last;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end == std::string::npos ? end : end - start);
    if (!line.empty()) {
      lines.push_back(line);
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return lines;
}

CliProcess::CliProcess(const ServerFixture& server, const CliOptions& options, std::uint16_t port) {
  const std::string p = std::to_string(port != 0 ? port : server.port());
  dir_ = makeTempDir("cli");
  ChildProcess::Options child;
  child.argv = options.run_as;
  const std::vector<std::string> join = {
      options.program.empty() ? parleyCliPath() : options.program, "join", "--server", "127.0.0.1",
      "--tls-port", p, "--alt-port", p, "--ca", options.ca.empty() ? server.caFile() : options.ca,
      "--user", options.user, "--room", options.room, "--json",
      // Hermetic: the machine's proxy settings must not change a test.
      "--no-auto",
      // A loaded machine may take seconds to store a chat; the
      // default (5 s) would turn that into a failed --say.
      "--ack-wait", "60"};
  child.argv.insert(child.argv.end(), join.begin(), join.end());
  if (options.for_seconds != CliOptions::kUntilStopped) {
    child.argv.push_back("--for");
    child.argv.push_back(std::to_string(options.for_seconds));
  }
  for (const auto& text : options.say) {
    child.argv.push_back("--say");
    child.argv.push_back(text);
  }
  child.argv.insert(child.argv.end(), options.extra.begin(), options.extra.end());
  child.env = options.env;
  child.env["PARLEY_PASSWORD"] = options.password;
  child.stdout_path = dir_ + "/out";
  child.stderr_path = dir_ + "/err";
  process_ = std::make_unique<ChildProcess>(child);
}

std::vector<std::string> CliProcess::linesSoFar() const {
  return splitLines(readFile(dir_ + "/out"));
}

bool CliProcess::sawEvent(const std::string& event) const {
  CliRun run;
  run.lines = linesSoFar();
  return !run.eventsOf(event).empty();
}

std::vector<nlohmann::json> CliProcess::events(const std::string& event) const {
  std::vector<nlohmann::json> out;
  for (const auto& line : linesSoFar()) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (!json.is_discarded() && json.is_object() && json.value("event", "") == event) {
      out.push_back(std::move(json));
    }
  }
  return out;
}

bool CliProcess::waitForEvent(const std::string& event,
                              const std::function<bool(const nlohmann::json&)>& match,
                              std::chrono::seconds timeout) {
  // Parses only what was printed since the last look: a --stats run prints
  // a line a second, and this polls every 10 ms.
  std::size_t parsed = 0;
  auto seen = [&] {
    const std::string out = readFile(dir_ + "/out");
    const auto complete = out.rfind('\n');
    if (complete == std::string::npos || complete + 1 <= parsed) {
      return false;
    }
    const auto fresh = splitLines(out.substr(parsed, complete + 1 - parsed));
    parsed = complete + 1;
    for (const auto& line : fresh) {
      auto json = nlohmann::json::parse(line, nullptr, false);
      if (!json.is_discarded() && json.is_object() && json.value("event", "") == event &&
          (!match || match(json))) {
        return true;
      }
    }
    return false;
  };
  bool ended = false;
  const bool found = eventually(
      [&] {
        if (seen()) {
          return true;
        }
        ended = !process_->running();
        return ended;
      },
      timeout);
  // What it printed just before it ended still counts.
  return found && (!ended || seen());
}

CliRun CliProcess::stop(std::chrono::seconds timeout) {
  process_->signal(SIGTERM);
  return wait(timeout);
}

CliRun CliProcess::wait(std::chrono::seconds timeout) {
  CliRun run;
  auto code = process_->waitFor(timeout);
  run.exit_code = code ? *code : -1;
  run.lines = linesSoFar();
  run.err = readFile(dir_ + "/err");
  return run;
}

CliRun runCli(const ServerFixture& server, const CliOptions& options) {
  CliProcess process(server, options);
  return process.wait();
}

}  // namespace parley::test
