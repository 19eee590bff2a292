#include "net/proxy/pac_evaluator.h"

#if defined(__linux__)
#include <unistd.h>
#endif

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "net/proxy/pac_helper_protocol.h"

namespace parley::net {
namespace {

// The helper's rlimits end it with SIGXCPU (CPU time) or SIGKILL (memory);
// Windows has neither signal (a Job object's limit ends the process with an
// exit code instead).
bool endedByLimit(int signal_number) {
#if defined(SIGXCPU) && defined(SIGKILL)
  return signal_number == SIGXCPU || signal_number == SIGKILL;
#else
  (void)signal_number;
  return false;
#endif
}

// The helper's memory and CPU bounds: on POSIX it sets them itself as
// RLIMIT_AS and RLIMIT_CPU (app/parley-pac-helper/helper_limits_posix.cpp,
// the same values); on Windows only the Job object the parent starts it in
// can, so they travel with the subprocess options.
constexpr std::size_t kHelperMemoryLimit = 256ull * 1024 * 1024;
constexpr std::chrono::milliseconds kHelperCpuLimit{2000};

}  // namespace

std::string defaultPacHelperPath() {
  constexpr const char* kName = "parley-pac-helper";
  // An explicit override (the network lab, packaging tests).
  if (const char* env = std::getenv("PARLEY_PAC_HELPER");  // NOLINT(concurrency-mt-unsafe)
      env != nullptr && *env != '\0') {
    return env;
  }
#if defined(__linux__)
  char buf[4096] = {};
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    const std::string path(buf, static_cast<std::size_t>(n));
    const auto slash = path.rfind('/');
    if (slash != std::string::npos) {
      const std::string dir = path.substr(0, slash + 1);
      // Installed: beside the program. Build tree: app/<program>/ next to
      // app/parley-pac-helper/.
      for (const std::string& candidate : {dir + kName, dir + "../parley-pac-helper/" + kName}) {
        if (::access(candidate.c_str(), X_OK) == 0) {
          return candidate;
        }
      }
    }
  }
#endif
  return kName;  // looked up in PATH
}

std::unique_ptr<Subprocess> evaluatePac(asio::any_io_executor executor,
                                        const PacEvaluatorOptions& options,
                                        const std::string& script, const std::string& url,
                                        const std::string& host, PacAnswer done) {
  SubprocessOptions sub;
  sub.argv = {options.helper_path.empty() ? defaultPacHelperPath() : options.helper_path};
  sub.search_path = sub.argv.front().find('/') == std::string::npos;
  sub.extra_env = options.extra_env;
  sub.timeout = options.timeout;
  sub.max_output = pac::kMaxReplyLength;
  sub.input = pac::encodeRequest(script, url, host);
  sub.memory_limit = kHelperMemoryLimit;
  sub.cpu_limit = kHelperCpuLimit;
  return Subprocess::start(
      std::move(executor), std::move(sub),
      [done = std::move(done)](Result<SubprocessOutput> result) {
        if (!result) {
          const Error& e = result.error();
          if (e.code == ErrorCode::TimedOut) {
            done(makeError(ErrorCode::PacFailed, "PAC evaluation " + e.detail));
          } else {
            done(makeError(ErrorCode::PacFailed, "PAC helper: " + e.detail));
          }
          return;
        }
        const SubprocessOutput& out = *result;
        if (out.signal != 0) {
          const char* why = endedByLimit(out.signal) ? " (CPU or memory limit)" : "";
          done(makeError(ErrorCode::PacFailed, "the PAC helper was killed by signal " +
                                                   std::to_string(out.signal) + why));
          return;
        }
        std::string text = out.out;
        if (!text.empty() && text.back() == '\n') {
          text.pop_back();
        }
        if (out.exit_code == 0 && text.rfind("OK ", 0) == 0) {
          done(text.substr(3));
          return;
        }
        if (out.exit_code == 0 && text == "OK") {
          done(std::string());
          return;
        }
        if (text.rfind("ERR ", 0) == 0) {
          done(makeError(ErrorCode::PacFailed, text.substr(4)));
          return;
        }
#if defined(_WIN32)
        // A missing helper fails in CreateProcessW (above); one that ends
        // without a word was stopped: by the Job object's CPU limit, by its
        // own watchdog (helper_limits_win.cpp) or by a crash.
        if (text.empty() && out.exit_code != 0) {
          done(makeError(ErrorCode::PacFailed, "the PAC helper ended without an answer (exit " +
                                                   std::to_string(out.exit_code) +
                                                   "; a CPU or time limit, or a crash)"));
          return;
        }
#endif
        if (out.exit_code == 127 || (text.empty() && out.exit_code != 0)) {
          done(makeError(ErrorCode::PacFailed, "the PAC helper failed (exit " +
                                                   std::to_string(out.exit_code) +
                                                   "; is parley-pac-helper installed?)"));
          return;
        }
        done(makeError(ErrorCode::PacFailed, "the PAC helper answered something unexpected"));
      });
}

}  // namespace parley::net
