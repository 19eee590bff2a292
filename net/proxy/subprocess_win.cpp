// Subprocess on Windows: CreateProcessW with only the three standard handles
// inherited (PROC_THREAD_ATTRIBUTE_HANDLE_LIST, so a child started at the
// same time on another thread inherits nothing of ours), inside a Job object
// that kills it with the job (kill-on-close: no child outlives us). Input
// from a delete-on-close temporary file, so no pipe write can block; output
// through an overlapped named pipe that Asio reads. After the output ends the
// process is polled briefly for its exit code, as the POSIX side does with
// waitpid: asio::windows::object_handle's thread-pool wait raced with closing
// it under Wine (a completion posted after the io_context was gone; heap
// corruption seen once in a few runs). Same contract as subprocess_posix.cpp
// (subprocess.h).

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/windows/stream_handle.hpp>

#include <windows.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <string>
#include <vector>

#include "net/proxy/subprocess.h"

namespace parley::net {
namespace {

std::wstring wide(const std::string& utf8) {
  if (utf8.empty()) {
    return {};
  }
  const int n =
      ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
  return out;
}

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
    const std::wstring entry = wide(e);
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

std::atomic<unsigned> g_pipe_serial{0};

}  // namespace

struct Subprocess::State : std::enable_shared_from_this<Subprocess::State> {
  explicit State(const asio::any_io_executor& executor)
      : out(executor), deadline(executor), reap_timer(executor) {}

  asio::windows::stream_handle out;
  asio::steady_timer deadline;
  asio::steady_timer reap_timer;
  OwnedHandle process;
  OwnedHandle job;
  DWORD pid = 0;
  std::size_t max_output = 0;
  std::string buffer;
  std::array<char, 4096> chunk{};
  Done done;
  bool finished = false;

  // Ends the child (idempotent): TerminateProcess cannot be refused, and the
  // wait that follows returns as soon as the process object is signalled.
  void killAndReap() {
    if (pid != 0 && process.get() != nullptr) {
      ::TerminateProcess(process.get(), 1);
      ::WaitForSingleObject(process.get(), INFINITE);
    }
    pid = 0;
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
      // End of output (ERROR_BROKEN_PIPE) or a read error: collect the
      // exit code.
      asio::error_code ignored;
      self->out.close(ignored);
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
      SubprocessOutput output;
      output.out = std::move(buffer);
      if (::GetExitCodeProcess(process.get(), &code) != 0) {
        output.exit_code = static_cast<int>(code);
      }
      pid = 0;
      finish(std::move(output));
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
  // The read end overlapped (Asio's stream_handle needs it); anonymous pipes
  // cannot be, so a uniquely named one.
  const std::wstring pipe_name = L"\\\\.\\pipe\\parley-subprocess-" +
                                 std::to_wstring(::GetCurrentProcessId()) + L"-" +
                                 std::to_wstring(g_pipe_serial.fetch_add(1));
  OwnedHandle read_end(::CreateNamedPipeW(
      pipe_name.c_str(), PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1, 0, 64 * 1024, 0, nullptr));
  if (read_end.get() == nullptr) {
    return fail(lastErrorText("cannot create the output pipe"));
  }
  SECURITY_ATTRIBUTES inherit{static_cast<DWORD>(sizeof(SECURITY_ATTRIBUTES)), nullptr, TRUE};
  OwnedHandle write_end(::CreateFileW(pipe_name.c_str(), GENERIC_WRITE, 0, &inherit, OPEN_EXISTING,
                                      FILE_ATTRIBUTE_NORMAL, nullptr));
  OwnedHandle null_out(::CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                     &inherit, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (write_end.get() == nullptr || null_out.get() == nullptr) {
    return fail(lastErrorText("cannot open the output pipe"));
  }

  OwnedHandle job(::CreateJobObjectW(nullptr, nullptr));
  if (job.get() == nullptr) {
    return fail(lastErrorText("cannot create a job object"));
  }
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  ::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits, sizeof(limits));

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
    appendQuoted(command_line, wide(arg));
  }
  const std::wstring program = wide(options.argv.front());
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
  state->out.assign(read_end.release());
  // write_end and null_out close here: the child holds the only write end,
  // so its exit ends our read.
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

int Subprocess::pidForTest() const { return static_cast<int>(state_->pid); }

}  // namespace parley::net
