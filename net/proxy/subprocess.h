#pragma once
// Subprocess: runs one program (no shell) with a given stdin, collects at most
// `max_output` bytes of its stdout without blocking the loop, and bounds it
// in time. Used for parley-pac-helper and the desktop settings tools
// (gsettings, kreadconfig5).
//
// Owned by its caller; runs on the executor it is given, `done` comes on it,
// exactly once, unless the Subprocess is destroyed first. Destroying it kills
// the child (SIGKILL, by its PID) and reaps it: no zombie stays behind and no
// callback comes afterwards. subprocess_posix.cpp (posix_spawn) and
// subprocess_win.cpp (CreateProcessW in a kill-on-close Job object, which
// also carries the optional memory and CPU limits).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "core/base/result.h"

namespace parley::net {

struct SubprocessOptions {
  // argv[0] is the program: an absolute path, or a name looked up in PATH
  // when `search_path`.
  std::vector<std::string> argv;
  bool search_path = false;
  // Extra "NAME=value" entries added to the inherited environment.
  std::vector<std::string> extra_env;
  // Given on stdin (from an anonymous file, so no pipe write can block).
  std::string input;
  std::size_t max_output = 64 * 1024;
  std::chrono::milliseconds timeout{5000};
  // Per-process bounds the child cannot lift, 0 for none. Windows only: the
  // Job object's JOB_OBJECT_LIMIT_PROCESS_MEMORY (committed bytes; an
  // allocation beyond it fails) and JOB_OBJECT_LIMIT_PROCESS_TIME (user-mode
  // CPU time; the process is ended). POSIX ignores them: posix_spawn cannot
  // set another process's rlimits, so a program that wants them sets its own
  // (parley-pac-helper does, helper_limits_posix.cpp).
  std::size_t memory_limit = 0;
  std::chrono::milliseconds cpu_limit{0};
};

struct SubprocessOutput {
  std::string out;
  // Exit code when the program exited, -1 when a signal ended it.
  int exit_code = -1;
  int signal = 0;
};

class Subprocess {
 public:
  // Errors: the program cannot be started; Timeout (the child was killed);
  // ResponseTooLarge (more than max_output bytes; the child was killed).
  using Done = std::function<void(Result<SubprocessOutput>)>;

  static std::unique_ptr<Subprocess> start(asio::any_io_executor executor,
                                           SubprocessOptions options, Done done);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // The child's PID while it runs (0 after it was reaped or never started).
  int pidForTest() const;

  struct State;

 private:
  explicit Subprocess(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace parley::net
