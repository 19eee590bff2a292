// POSIX: the kernel enforces the limits, so they hold however the script
// misbehaves. RLIMIT_CPU ends the process with SIGXCPU, RLIMIT_AS makes
// allocations fail (and a failure outside Duktape's allocator, e.g. in the
// resolver, ends it), alarm() ends it with SIGALRM.

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "app/parley-pac-helper/helper_limits.h"

#if defined(__SANITIZE_ADDRESS__)
#define PARLEY_PAC_HELPER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARLEY_PAC_HELPER_ASAN 1
#endif
#endif

namespace parley::pac {
namespace {

// The Windows parent gives its Job object the same two values
// (net/proxy/pac_evaluator.cpp).
constexpr rlim_t kCpuSeconds = 2;
constexpr rlim_t kAddressSpace = 256ull * 1024 * 1024;

void limit(int resource, rlim_t value) {
  const rlimit r{value, value};
  (void)setrlimit(resource, &r);
}

}  // namespace

void fenceThisProcess() {
  limit(RLIMIT_CPU, kCpuSeconds);
#if !defined(PARLEY_PAC_HELPER_ASAN)
  // AddressSanitizer reserves terabytes of shadow memory at startup; under it
  // only the Duktape heap cap bounds memory.
  limit(RLIMIT_AS, kAddressSpace);
#endif
  limit(RLIMIT_FSIZE, 64 * 1024);  // stdout may be a file; nothing else is written
  limit(RLIMIT_CORE, 0);
#if defined(__linux__)
  // An orphan serves nobody: it goes with the parent.
  (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  (void)alarm(kWallSeconds);
}

}  // namespace parley::pac
