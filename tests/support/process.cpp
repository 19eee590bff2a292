#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace parley::test {
namespace {

int decodeStatus(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

}  // namespace

ChildProcess::ChildProcess(Options options) {
  int stdin_pipe[2];
  if (pipe2(stdin_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const std::string out = options.stdout_path.empty() ? "/dev/null" : options.stdout_path;
  const std::string err = options.stderr_path;

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto key = entry.substr(0, entry.find('='));
    if (options.env.count(key) == 0) {
      env_strings.push_back(entry);
    }
  }
  for (const auto& [key, value] : options.env) {
    env_strings.push_back(key + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (auto& a : options.argv) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);

  // fork + exec rather than posix_spawn, for PR_SET_PDEATHSIG: a daemon a
  // test started dies with the test process even when the test crashes, so a
  // failing run never leaves servers behind. Between fork and exec the child
  // calls only async-signal-safe functions; everything is prepared above.
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    close(stdin_pipe[0]);
    close(stdin_pipe[1]);
    throw std::runtime_error("cannot start " + options.argv[0] + ": fork failed");
  }
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
      _exit(126);  // the test died before prctl took effect
    }
    dup2(stdin_pipe[0], 0);
    close(stdin_pipe[0]);
    close(stdin_pipe[1]);
    const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd >= 0) {
      dup2(out_fd, 1);
    }
    if (!err.empty()) {
      const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (err_fd >= 0) {
        dup2(err_fd, 2);
      }
    }
    // Nothing else of the test's: a socket a test closes (a TcpRelay's cut)
    // must not live on in a child, or the peer never sees it reset.
    close_range(3, ~0U, 0);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(stdin_pipe[0]);
  if (!options.stdin_text.empty()) {
    // Small inputs (passwords, a few lines) fit the pipe buffer.
    const ssize_t written =
        write(stdin_pipe[1], options.stdin_text.data(), options.stdin_text.size());
    (void)written;
  }
  close(stdin_pipe[1]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), status_(other.status_) {
  other.pid_ = -1;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

void ChildProcess::signal(int signo) const {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, signo);
  }
}

bool ChildProcess::running() {
  if (status_) {
    return false;
  }
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = decodeStatus(status);
    return false;
  }
  return true;
}

std::optional<int> ChildProcess::waitFor(std::chrono::milliseconds timeout) {
  eventually([this] { return !running(); }, timeout);
  return status_;
}

RunResult runProgram(const std::vector<std::string>& argv, const std::string& stdin_text,
                     std::chrono::seconds timeout, const std::map<std::string, std::string>& env) {
  const std::string dir = makeTempDir("run");
  ChildProcess::Options options;
  options.argv = argv;
  options.env = env;
  options.stdin_text = stdin_text;
  options.stdout_path = dir + "/out";
  options.stderr_path = dir + "/err";
  RunResult result;
  {
    ChildProcess child(options);  // ended (by its PID) when it outlives the timeout
    auto code = child.waitFor(timeout);
    result.exit_code = code ? *code : -1;
  }
  result.out = readFile(dir + "/out");
  result.err = readFile(dir + "/err");
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);  // what it printed is in `result`
  return result;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string makeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr ? base : "/tmp") + "/parley-" + prefix + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  return pattern;
}

}  // namespace parley::test
