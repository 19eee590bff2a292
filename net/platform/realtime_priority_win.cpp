// Windows: the Multimedia Class Scheduler Service (MMCSS), task "Pro Audio",
// as audio applications register their audio threads (realtime_priority.h).
// Compiled by the mingw build; not yet run on Windows or under Wine.

#include <windows.h>
// windows.h first
#include <avrt.h>

#include <cstdio>

#include "net/platform/realtime_priority.h"

namespace parley::net {
namespace {

using detail::reportOnce;

thread_local HANDLE mmcss = nullptr;

}  // namespace

ThreadPriority raiseVoiceThread(VoiceThread thread) {
  if (!realtimePriorityWanted()) {
    reportOnce(thread, "normal priority (PARLEY_REALTIME=0)");
    return ThreadPriority::Normal;
  }
  if (mmcss == nullptr) {
    DWORD task_index = 0;
    mmcss = AvSetMmThreadCharacteristicsW(L"Pro Audio", &task_index);
  }
  if (mmcss != nullptr && AvSetMmThreadPriority(mmcss, AVRT_PRIORITY_HIGH) != FALSE) {
    return ThreadPriority::Realtime;
  }
  const DWORD error = GetLastError();
  // Without MMCSS (a service stopped, Windows Server without the Audio
  // service): the highest priority an ordinary process may give a thread.
  if (SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_TIME_CRITICAL) != FALSE) {
    char what[160];
    std::snprintf(what, sizeof what,
                  "MMCSS refused (error %lu): runs at THREAD_PRIORITY_TIME_CRITICAL instead",
                  static_cast<unsigned long>(error));
    reportOnce(thread, what);
    return ThreadPriority::Raised;
  }
  reportOnce(thread, "MMCSS and thread priority refused: runs at normal priority");
  return ThreadPriority::Normal;
}

void restoreThreadPriority() {
  if (mmcss != nullptr) {
    (void)AvRevertMmThreadCharacteristics(mmcss);
    mmcss = nullptr;
  }
  (void)SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_NORMAL);
}

}  // namespace parley::net
