// Windows has no rlimits a process can set on itself. The memory and CPU
// bounds (256 MiB committed, 2 s of CPU, as RLIMIT_AS and RLIMIT_CPU on
// POSIX) come from the Job object the parent starts the helper in
// (SubprocessOptions::memory_limit and cpu_limit, set by
// net/proxy/pac_evaluator.cpp); the Job's kill-on-close also does what
// PR_SET_PDEATHSIG does on Linux. Left here: the wall clock, which no Job
// limit measures, and what stands in for RLIMIT_CORE (no crash dialog).

#include <windows.h>

#include <fcntl.h>
#include <io.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "app/parley-pac-helper/helper_limits.h"

namespace parley::pac {
namespace {

// Neither 0 (an answer) nor 2 (a reasoned refusal): the parent sees a helper
// that ended without a word, as a SIGALRM looks on POSIX.
constexpr int kWatchdogExit = 3;

}  // namespace

void fenceThisProcess() {
  // A crash ends the process at once instead of opening Windows Error
  // Reporting's dialog, which would keep it alive until the parent's timeout.
  (void)::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
  // The C runtime opens the standard streams in text mode, which turns
  // "\r\n" into "\n" on reading and "\n" into "\r\n" on writing: the script's
  // byte counts would no longer match what fread returns, and the answer line
  // would end in "\r".
  (void)_setmode(_fileno(stdin), _O_BINARY);
  (void)_setmode(_fileno(stdout), _O_BINARY);
  // A detached thread that sleeps through the evaluation: if it wakes, the
  // script is looping or stuck in the resolver, and the whole process ends
  // without unwinding (the main thread may be anywhere).
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::seconds(kWallSeconds));
    std::_Exit(kWatchdogExit);
  }).detach();
}

}  // namespace parley::pac
