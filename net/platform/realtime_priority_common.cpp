// What every system's implementation shares (realtime_priority.h).

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "net/platform/realtime_priority.h"

namespace parley::net {

bool realtimePriorityWanted() {
  static const bool kWanted = [] {
    const char* value = std::getenv("PARLEY_REALTIME");
    return value == nullptr || std::strcmp(value, "0") != 0;
  }();
  return kWanted;
}

namespace detail {

void reportOnce(VoiceThread thread, const char* what) {
  // One report per kind and process: a reconnect makes a new call, and the
  // log should not say it again every time.
  static std::array<std::atomic<bool>, 3> reported{};
  if (reported.at(static_cast<std::size_t>(thread)).exchange(true)) {
    return;
  }
  const char* name = thread == VoiceThread::Audio     ? "audio thread"
                     : thread == VoiceThread::Network ? "media network thread"
                                                      : "peer-path network thread";
  std::fprintf(stderr, "parley: %s: %s\n", name, what);
}

}  // namespace detail
}  // namespace parley::net
