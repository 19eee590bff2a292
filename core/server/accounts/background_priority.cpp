#include "core/server/accounts/background_priority.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace parley::server {

bool lowerCurrentThreadPriority() {
#ifdef _WIN32
  return SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_BELOW_NORMAL) != 0;
#else
  // On Linux a thread id given to setpriority changes that thread only.
  constexpr int kBackgroundNice = 10;
  const auto thread = static_cast<id_t>(::syscall(SYS_gettid));
  return ::setpriority(PRIO_PROCESS, thread, kBackgroundNice) == 0;
#endif
}

}  // namespace parley::server
