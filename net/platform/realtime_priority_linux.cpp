// Linux: SCHED_FIFO within RLIMIT_RTPRIO, else the lowest nice value
// RLIMIT_NICE allows (realtime_priority.h).

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "net/platform/realtime_priority.h"

namespace parley::net {
namespace {

using detail::reportOnce;

constexpr int kRaisedNice = -10;

struct Saved {
  bool changed = false;
  int policy = SCHED_OTHER;
  sched_param param{};
  int nice = 0;
};
thread_local Saved saved;

pid_t threadId() { return static_cast<pid_t>(syscall(SYS_gettid)); }

rlim_t softLimit(int resource) {
  rlimit limit{};
  return getrlimit(resource, &limit) == 0 ? limit.rlim_cur : 0;
}

bool setFifo(int priority) {
  sched_param param{};
  param.sched_priority = priority;
  return pthread_setschedparam(pthread_self(), SCHED_FIFO | SCHED_RESET_ON_FORK, &param) == 0;
}

// Tries kVoicePriority, then the highest RLIMIT_RTPRIO allows: the limit
// binds only threads without CAP_SYS_NICE, so it is not checked first.
bool trySchedFifo() {
  if (setFifo(kVoicePriority)) {
    return true;
  }
  const rlim_t limit = softLimit(RLIMIT_RTPRIO);
  return limit > 0 && limit < static_cast<rlim_t>(kVoicePriority) &&
         setFifo(static_cast<int>(limit));
}

// The nice value of this thread alone (Linux: a thread ID is a PRIO_PROCESS
// target); RLIMIT_NICE allows down to 20 - limit.
bool tryNice() {
  const rlim_t limit = std::min<rlim_t>(softLimit(RLIMIT_NICE), 40);
  const int lowest_allowed = 20 - static_cast<int>(limit);
  for (const int nice : {kRaisedNice, std::max(kRaisedNice, lowest_allowed)}) {
    if (nice < saved.nice && setpriority(PRIO_PROCESS, static_cast<id_t>(threadId()), nice) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

ThreadPriority raiseVoiceThread(VoiceThread thread) {
  if (!realtimePriorityWanted()) {
    reportOnce(thread, "normal priority (PARLEY_REALTIME=0)");
    return ThreadPriority::Normal;
  }
  if (!saved.changed) {
    (void)pthread_getschedparam(pthread_self(), &saved.policy, &saved.param);
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(threadId()));
    saved.nice = errno == 0 ? nice : 0;
  }
  if (trySchedFifo()) {
    saved.changed = true;
    return ThreadPriority::Realtime;
  }
  const int fifo_errno = errno;
  if (tryNice()) {
    saved.changed = true;
    char what[200];
    std::snprintf(what, sizeof what,
                  "real-time priority refused (SCHED_FIFO: %s; RLIMIT_RTPRIO %lu): runs at a "
                  "raised nice value instead; a busy machine may still cut the voice",
                  std::strerror(fifo_errno), static_cast<unsigned long>(softLimit(RLIMIT_RTPRIO)));
    reportOnce(thread, what);
    return ThreadPriority::Raised;
  }
  char what[240];
  std::snprintf(what, sizeof what,
                "real-time priority refused (RLIMIT_RTPRIO %lu, RLIMIT_NICE %lu, no "
                "CAP_SYS_NICE): runs at normal priority; a busy machine may cut the voice "
                "(docs/media.md, \"A busy machine\")",
                static_cast<unsigned long>(softLimit(RLIMIT_RTPRIO)),
                static_cast<unsigned long>(softLimit(RLIMIT_NICE)));
  reportOnce(thread, what);
  return ThreadPriority::Normal;
}

void restoreThreadPriority() {
  if (!saved.changed) {
    return;
  }
  (void)pthread_setschedparam(pthread_self(), saved.policy, &saved.param);
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(threadId()), saved.nice);
  saved.changed = false;
}

}  // namespace parley::net
