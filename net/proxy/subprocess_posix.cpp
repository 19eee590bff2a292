#include "net/proxy/subprocess.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace parley::net {

struct Subprocess::State : std::enable_shared_from_this<Subprocess::State> {
  explicit State(const asio::any_io_executor& executor)
      : out(executor), deadline(executor), reap_timer(executor) {}

  asio::posix::stream_descriptor out;
  asio::steady_timer deadline;
  asio::steady_timer reap_timer;
  pid_t pid = 0;
  std::size_t max_output = 0;
  std::string buffer;
  std::array<char, 4096> chunk{};
  Done done;
  bool finished = false;

  // Kills and reaps the child (idempotent). SIGKILL cannot be ignored, so
  // the blocking waitpid returns at once.
  SubprocessOutput killAndReap() {
    SubprocessOutput result;
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      pid = 0;
    }
    return result;
  }

  void finish(Result<SubprocessOutput> result) {
    if (finished) {
      return;
    }
    finished = true;
    asio::error_code ignored;
    out.close(ignored);
    deadline.cancel();
    reap_timer.cancel();
    auto callback = std::move(done);
    done = nullptr;
    if (callback) {
      callback(std::move(result));
    }
  }

  void read() {
    out.async_read_some(asio::buffer(chunk), [self = shared_from_this()](const asio::error_code& ec,
                                                                         std::size_t n) {
      if (self->finished) {
        return;
      }
      if (!ec) {
        if (self->buffer.size() + n > self->max_output) {
          self->killAndReap();
          self->finish(makeError(ErrorCode::ResponseTooLarge, "the program wrote more than " +
                                                                  std::to_string(self->max_output) +
                                                                  " bytes"));
          return;
        }
        self->buffer.append(self->chunk.data(), n);
        self->read();
        return;
      }
      // EOF (or a read error): the child closed stdout; collect its status.
      asio::error_code ignored;
      self->out.close(ignored);
      self->tryReap();
    });
  }

  // After EOF: the child normally exits right away. Poll briefly (the
  // deadline still applies) rather than block the loop in waitpid.
  void tryReap() {
    if (finished) {
      return;
    }
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      pid = 0;
      SubprocessOutput output;
      output.out = std::move(buffer);
      if (WIFEXITED(status)) {
        output.exit_code = WEXITSTATUS(status);
      } else if (WIFSIGNALED(status)) {
        output.signal = WTERMSIG(status);
      }
      finish(std::move(output));
      return;
    }
    if (r < 0 && errno != EINTR) {
      pid = 0;
      finish(makeError(ErrorCode::Internal, std::string("waitpid: ") + std::strerror(errno)));
      return;
    }
    reap_timer.expires_after(std::chrono::milliseconds(5));
    reap_timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (!ec) {
        self->tryReap();
      }
    });
  }
};

namespace {

// The input as a file descriptor positioned at its start: an anonymous file
// (memfd on Linux, an unlinked temporary file elsewhere), so the child reads
// it at its own pace and the parent never writes to a pipe.
int inputDescriptor(const std::string& input) {
#if defined(__linux__)
  int fd = ::memfd_create("parley-subprocess-input", MFD_CLOEXEC);
#else
  int fd = -1;
#endif
  if (fd < 0) {
    std::FILE* f = std::tmpfile();
    if (f == nullptr) {
      return -1;
    }
    fd = ::dup(::fileno(f));
    std::fclose(f);
    if (fd < 0) {
      return -1;
    }
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  std::size_t written = 0;
  while (written < input.size()) {
    const ssize_t n = ::write(fd, input.data() + written, input.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      ::close(fd);
      return -1;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::unique_ptr<Subprocess> Subprocess::start(asio::any_io_executor executor,
                                              SubprocessOptions options, Done done) {
  // options.memory_limit and cpu_limit are the Windows Job object's: here the
  // child sets its own rlimits (parley-pac-helper does), as posix_spawn
  // cannot set them for it.
  auto state = std::make_shared<State>(executor);
  state->done = std::move(done);
  state->max_output = options.max_output;
  auto self = std::unique_ptr<Subprocess>(new Subprocess(state));

  auto fail = [&](const std::string& what) {
    const std::string detail = what + ": " + std::strerror(errno);
    asio::post(executor,
               [state, detail] { state->finish(makeError(ErrorCode::Internal, detail)); });
    return std::move(self);
  };
  if (options.argv.empty()) {
    errno = EINVAL;
    return fail("no program given");
  }
  const int in_fd = inputDescriptor(options.input);
  if (in_fd < 0) {
    return fail("cannot stage the program's input");
  }
  int out_pipe[2] = {-1, -1};
  // pipe + FD_CLOEXEC rather than pipe2 (macOS has no pipe2); other threads
  // spawning between the two calls could inherit the ends, which only delays
  // our EOF until they exit, never blocks us past the deadline.
  if (::pipe(out_pipe) != 0) {
    ::close(in_fd);
    return fail("pipe");
  }
  ::fcntl(out_pipe[0], F_SETFD, FD_CLOEXEC);
  ::fcntl(out_pipe[1], F_SETFD, FD_CLOEXEC);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child starts with default signal handling whatever the parent set.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGALRM);
  sigaddset(&defaults, SIGXCPU);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (auto& a : options.argv) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  std::vector<char*> envp;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    envp.push_back(*e);
  }
  for (auto& e : options.extra_env) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);

  pid_t pid = 0;
  const int rc = options.search_path
                     ? ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data())
                     : ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in_fd);
  ::close(out_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    errno = rc;
    return fail("cannot start " + options.argv[0]);
  }
  state->pid = pid;
  state->out.assign(out_pipe[0]);
  state->deadline.expires_after(options.timeout);
  state->deadline.async_wait(
      [weak = std::weak_ptr<State>(state), timeout = options.timeout](const asio::error_code& ec) {
        auto s = weak.lock();
        if (ec || !s || s->finished) {
          return;
        }
        s->killAndReap();
        s->finish(makeError(ErrorCode::TimedOut, "the program did not finish within " +
                                                     std::to_string(timeout.count()) +
                                                     " ms and was killed"));
      });
  state->read();
  return self;
}

Subprocess::~Subprocess() {
  state_->done = nullptr;
  state_->killAndReap();
  try {
    state_->finish(makeError(ErrorCode::Cancelled, "cancelled"));
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing to do in a destructor
  }
}

int Subprocess::pidForTest() const { return state_->pid; }

}  // namespace parley::net
