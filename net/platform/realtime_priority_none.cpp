// Systems without an implementation yet (macOS: a time-constraint policy via
// thread_policy_set would be the way): threads stay at normal priority.

#include "net/platform/realtime_priority.h"

namespace parley::net {

ThreadPriority raiseVoiceThread(VoiceThread thread) {
  detail::reportOnce(thread,
                     "raised priority is not implemented on this system: runs at normal "
                     "priority");
  return ThreadPriority::Normal;
}

void restoreThreadPriority() {}

}  // namespace parley::net
