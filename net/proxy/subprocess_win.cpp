// Subprocess on Windows: CreateProcessW with only the three standard handles
// inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST, so a child started at the
// same time on another thread inherits nothing of ours), inside a Job object
// that kills it and anything it starts (kill-on-close: no child outlives
// us) and, when asked, bounds its memory and CPU time (SubprocessOptions).
// Input from a delete-on-close temporary file, so no pipe write can
// block; output through an anonymous pipe read by a thread of its own with
// plain blocking ReadFile, which posts the whole output to the executor once:
// a helper writes a few hundred bytes per PAC answer, and the pipe stays out
// of the I/O completion port. After the output ends the process is polled
// briefly for its exit code, as the POSIX side does with waitpid. Same
// contract as subprocess_posix.cpp (subprocess.h).

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <windows.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/platform/wide_string.h"
#include "net/proxy/subprocess.h"

namespace parley::net {
namespace {

std::string lastErrorText(const std::string& what) {
  const DWORD code = ::GetLastError();
  return what + " (Windows error " + std::to_string(code) + ")";
}

// One argument quoted the way CommandLineToArgvW and the C runtime read it
// back: backslashes are literal unless they precede a quote.
void appendQuoted(std::wstring& line, const std::wstring& arg) {
  if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
    line += arg;
    return;
  }
  line += L'"';
  std::size_t backslashes = 0;
  for (const wchar_t c : arg) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    if (c == L'"') {
      line.append(backslashes * 2 + 1, L'\\');
    } else {
      line.append(backslashes, L'\\');
    }
    backslashes = 0;
    line += c;
  }
  line.append(backslashes * 2, L'\\');
  line += L'"';
}

// The inherited environment plus `extra` ("NAME=value"), as a
// CREATE_UNICODE_ENVIRONMENT block.
std::vector<wchar_t> environmentBlock(const std::vector<std::string>& extra) {
  std::vector<wchar_t> block;
  if (wchar_t* env = ::GetEnvironmentStringsW(); env != nullptr) {
    const wchar_t* p = env;
    while (*p != L'\0') {
      const std::wstring entry(p);
      block.insert(block.end(), entry.begin(), entry.end());
      block.push_back(L'\0');
      p += entry.size() + 1;
    }
    ::FreeEnvironmentStringsW(env);
  }
  for (const auto& e : extra) {
    const std::wstring entry = widen(e);
    block.insert(block.end(), entry.begin(), entry.end());
    block.push_back(L'\0');
  }
  block.push_back(L'\0');
  return block;
}

// A handle closed on scope exit unless released.
class OwnedHandle {
 public:
  OwnedHandle() = default;
  explicit OwnedHandle(HANDLE h) : h_(h == INVALID_HANDLE_VALUE ? nullptr : h) {}
  ~OwnedHandle() {
    if (h_ != nullptr) {
      ::CloseHandle(h_);
    }
  }
  OwnedHandle(const OwnedHandle&) = delete;
  OwnedHandle& operator=(const OwnedHandle&) = delete;
  OwnedHandle(OwnedHandle&& other) noexcept : h_(other.release()) {}
  OwnedHandle& operator=(OwnedHandle&& other) noexcept {
    if (this != &other) {
      if (h_ != nullptr) {
        ::CloseHandle(h_);
      }
      h_ = other.release();
    }
    return *this;
  }
  [[nodiscard]] HANDLE get() const { return h_; }
  HANDLE release() {
    HANDLE h = h_;
    h_ = nullptr;
    return h;
  }

 private:
  HANDLE h_ = nullptr;
};

// The input as an inheritable handle to a temporary file positioned at its
// start; the file goes away with its last handle.
OwnedHandle inputHandle(const std::string& input) {
  std::array<wchar_t, MAX_PATH + 1> dir{};
  std::array<wchar_t, MAX_PATH + 1> path{};
  if (::GetTempPathW(static_cast<DWORD>(dir.size()), dir.data()) == 0 ||
      ::GetTempFileNameW(dir.data(), L"pin", 0, path.data()) == 0) {
    return OwnedHandle();
  }
  SECURITY_ATTRIBUTES inherit{static_cast<DWORD>(sizeof(SECURITY_ATTRIBUTES)), nullptr, TRUE};
  OwnedHandle file(::CreateFileW(path.data(), GENERIC_READ | GENERIC_WRITE,
                                 FILE_SHARE_READ | FILE_SHARE_DELETE, &inherit, CREATE_ALWAYS,
                                 FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr));
  if (file.get() == nullptr) {
    ::DeleteFileW(path.data());
    return OwnedHandle();
  }
  std::size_t written = 0;
  while (written < input.size()) {
    DWORD n = 0;
    const auto chunk = static_cast<DWORD>(std::min<std::size_t>(input.size() - written, 1 << 20));
    if (::WriteFile(file.get(), input.data() + written, chunk, &n, nullptr) == 0 || n == 0) {
      return OwnedHandle();
    }
    written += n;
  }
  if (::SetFilePointer(file.get(), 0, nullptr, FILE_BEGIN) == INVALID_SET_FILE_POINTER) {
    return OwnedHandle();
  }
  return OwnedHandle(file.release());
}

}  // namespace

struct Subprocess::State : std::enable_shared_from_this<Subprocess::State> {
  explicit State(const asio::any_io_executor& ex) : executor(ex), deadline(ex), reap_timer(ex) {}
  ~State() { stopReader(); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  asio::any_io_executor executor;
  asio::steady_timer deadline;
  asio::steady_timer reap_timer;
  OwnedHandle process;
  OwnedHandle job;
  DWORD pid = 0;
  std::size_t max_output = 0;
  std::string output;
  Done done;
  bool finished = false;

  // The reader thread posts only while `accepting`: once the result is out
  // (or the State goes) nothing more may reach the executor.
  std::thread reader;
  std::mutex post_mutex;
  bool accepting = true;

  // Ends the child and everything it started (idempotent): the job's
  // termination cannot be refused, and the wait that follows returns as soon
  // as the process object is signalled. With every process gone, the
  // pipe's write end is closed and the reader's ReadFile returns.
  void killAndReap() {
    if (job.get() != nullptr) {
      ::TerminateJobObject(job.get(), 1);
    }
    if (pid != 0 && process.get() != nullptr) {
      ::WaitForSingleObject(process.get(), INFINITE);
    }
    pid = 0;
  }

  void stopReader() {
    {
      std::lock_guard lock(post_mutex);
      accepting = false;
    }
    if (reader.joinable()) {
      killAndReap();  // the reader ends with the last writer
      reader.join();
    }
  }

  void finish(Result<SubprocessOutput> result) {
    if (finished) {
      return;
    }
    finished = true;
    stopReader();
    deadline.cancel();
    reap_timer.cancel();
    auto callback = std::move(done);
    done = nullptr;
    if (callback) {
      callback(std::move(result));
    }
  }

  // On the reader thread: everything the child writes, up to one byte past
  // the bound, then one post.
  static void readAll(HANDLE pipe, std::size_t max_output, std::weak_ptr<State> weak, State* raw) {
    std::string collected;
    std::array<char, 4096> chunk{};
    bool too_large = false;
    for (;;) {
      DWORD n = 0;
      if (::ReadFile(pipe, chunk.data(), static_cast<DWORD>(chunk.size()), &n, nullptr) == 0 ||
          n == 0) {
        break;  // ERROR_BROKEN_PIPE: every writer is gone
      }
      collected.append(chunk.data(), n);
      if (collected.size() > max_output) {
        too_large = true;
        break;
      }
    }
    ::CloseHandle(pipe);
    std::lock_guard lock(raw->post_mutex);
    if (!raw->accepting) {
      return;
    }
    asio::post(raw->executor, [weak, collected = std::move(collected), too_large]() mutable {
      auto self = weak.lock();
      if (!self || self->finished) {
        return;
      }
      if (too_large) {
        self->killAndReap();
        self->finish(makeError(ErrorCode::ResponseTooLarge, "the program wrote more than " +
                                                                std::to_string(self->max_output) +
                                                                " bytes"));
        return;
      }
      self->output = std::move(collected);
      self->tryReap();
    });
  }

  // After the output ended the child normally exits at once. Poll briefly
  // (the deadline still applies) rather than block the loop.
  void tryReap() {
    if (finished) {
      return;
    }
    if (::WaitForSingleObject(process.get(), 0) == WAIT_OBJECT_0) {
      DWORD code = 0;
      SubprocessOutput result;
      result.out = std::move(output);
      if (::GetExitCodeProcess(process.get(), &code) != 0) {
        result.exit_code = static_cast<int>(code);
      }
      pid = 0;
      finish(std::move(result));
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

std::unique_ptr<Subprocess> Subprocess::start(asio::any_io_executor executor,
                                              SubprocessOptions options, Done done) {
  auto state = std::make_shared<State>(executor);
  state->done = std::move(done);
  state->max_output = options.max_output;
  auto self = std::unique_ptr<Subprocess>(new Subprocess(state));

  auto fail = [&](const std::string& detail) {
    asio::post(executor,
               [state, detail] { state->finish(makeError(ErrorCode::Internal, detail)); });
    return std::move(self);
  };
  if (options.argv.empty()) {
    return fail("no program given");
  }
  OwnedHandle input = inputHandle(options.input);
  if (input.get() == nullptr) {
    return fail(lastErrorText("cannot stage the program's input"));
  }
  SECURITY_ATTRIBUTES inherit{static_cast<DWORD>(sizeof(SECURITY_ATTRIBUTES)), nullptr, TRUE};
  HANDLE pipe_read = nullptr;
  HANDLE pipe_write = nullptr;
  if (::CreatePipe(&pipe_read, &pipe_write, &inherit, 64 * 1024) == 0) {
    return fail(lastErrorText("cannot create the output pipe"));
  }
  OwnedHandle read_end(pipe_read);
  OwnedHandle write_end(pipe_write);
  ::SetHandleInformation(read_end.get(), HANDLE_FLAG_INHERIT, 0);
  OwnedHandle null_out(::CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                     &inherit, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (null_out.get() == nullptr) {
    return fail(lastErrorText("cannot open NUL for the program's errors"));
  }

  OwnedHandle job(::CreateJobObjectW(nullptr, nullptr));
  if (job.get() == nullptr) {
    return fail(lastErrorText("cannot create a job object"));
  }
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  // What RLIMIT_AS and RLIMIT_CPU are on POSIX, set from outside: the child
  // is in the job before its first instruction (CREATE_SUSPENDED below), so
  // it never runs unbounded. Per process, so anything it starts is bounded
  // alike.
  const bool bounded = options.memory_limit > 0 || options.cpu_limit.count() > 0;
  if (options.memory_limit > 0) {
    limits.BasicLimitInformation.LimitFlags |= JOB_OBJECT_LIMIT_PROCESS_MEMORY;
    limits.ProcessMemoryLimit = options.memory_limit;
  }
  if (options.cpu_limit.count() > 0) {
    limits.BasicLimitInformation.LimitFlags |= JOB_OBJECT_LIMIT_PROCESS_TIME;
    // In 100 ns ticks.
    limits.BasicLimitInformation.PerProcessUserTimeLimit.QuadPart =
        static_cast<LONGLONG>(options.cpu_limit.count()) * 10'000;
  }
  if (::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits,
                                sizeof(limits)) == 0 &&
      bounded) {
    // A child that asked for bounds is not started without them.
    return fail(lastErrorText("cannot set the job's limits"));
  }

  // Only these three handles are inherited.
  std::array<HANDLE, 3> inherited = {input.get(), write_end.get(), null_out.get()};
  SIZE_T attr_size = 0;
  ::InitializeProcThreadAttributeList(nullptr, 1, 0, &attr_size);
  std::vector<std::byte> attr_storage(attr_size);
  auto* attrs = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attr_storage.data());
  if (::InitializeProcThreadAttributeList(attrs, 1, 0, &attr_size) == 0 ||
      ::UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited.data(),
                                  sizeof(HANDLE) * inherited.size(), nullptr, nullptr) == 0) {
    return fail(lastErrorText("cannot limit the inherited handles"));
  }
  STARTUPINFOEXW startup{};
  startup.StartupInfo.cb = sizeof(startup);
  startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  startup.StartupInfo.hStdInput = input.get();
  startup.StartupInfo.hStdOutput = write_end.get();
  startup.StartupInfo.hStdError = null_out.get();
  startup.lpAttributeList = attrs;

  std::wstring command_line;
  for (const auto& arg : options.argv) {
    if (!command_line.empty()) {
      command_line += L' ';
    }
    appendQuoted(command_line, widen(arg));
  }
  const std::wstring program = widen(options.argv.front());
  std::vector<wchar_t> environment = environmentBlock(options.extra_env);
  PROCESS_INFORMATION info{};
  // No application name when searching: CreateProcessW then looks the first
  // token of the command line up itself (the program's directory, the
  // system directories, then PATH).
  const BOOL started =
      ::CreateProcessW(options.search_path ? nullptr : program.c_str(), command_line.data(),
                       nullptr, nullptr, TRUE,
                       CREATE_SUSPENDED | CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT |
                           EXTENDED_STARTUPINFO_PRESENT,
                       environment.data(), nullptr, &startup.StartupInfo, &info);
  ::DeleteProcThreadAttributeList(attrs);
  if (started == 0) {
    return fail(lastErrorText("cannot start " + options.argv.front()));
  }
  OwnedHandle thread(info.hThread);
  if (::AssignProcessToJobObject(job.get(), info.hProcess) == 0) {
    ::TerminateProcess(info.hProcess, 1);
    ::CloseHandle(info.hProcess);
    return fail(lastErrorText("cannot put " + options.argv.front() + " in a job"));
  }
  ::ResumeThread(thread.get());
  state->pid = info.dwProcessId;
  state->job = std::move(job);
  state->process = OwnedHandle(info.hProcess);
  state->reader = std::thread(&State::readAll, read_end.release(), state->max_output,
                              std::weak_ptr<State>(state), state.get());
  // write_end and null_out close here: the child holds the only write end,
  // so its exit ends the reader's ReadFile.
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

int Subprocess::pidForTest() const { return static_cast<int>(state_->pid); }

}  // namespace parley::net
