#pragma once
// ChildProcess: a program this test started, by PID, with its output in files.
// Only ever signals the PID it spawned. The destructor kills (SIGKILL) and
// reaps a child still running, so a failing test leaves nothing behind.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parley::test {

class ChildProcess {
 public:
  struct Options {
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;  // added to the inherited environment
    std::string stdin_text;                  // written then closed
    std::string stdout_path;                 // default: /dev/null
    std::string stderr_path;                 // default: inherit
  };

  explicit ChildProcess(Options options);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  void signal(int signo) const;
  // Exit code (or 128+signal) once it ended, nullopt if still running at the deadline.
  std::optional<int> waitFor(std::chrono::milliseconds timeout);
  [[nodiscard]] bool running();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Runs to completion (bounded); returns exit code and stdout.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult runProgram(const std::vector<std::string>& argv, const std::string& stdin_text = "",
                     std::chrono::seconds timeout = std::chrono::seconds(60),
                     const std::map<std::string, std::string>& env = {});

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& text);
std::string makeTempDir(const std::string& prefix);

// Polls `predicate` every 10 ms until true or the deadline; returns its last value.
template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (predicate()) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    struct timespec ts {
      0, 10'000'000
    };
    nanosleep(&ts, nullptr);
  }
}

}  // namespace parley::test
