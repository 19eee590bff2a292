#pragma once
// Calendar time of a time_t, thread-safe on every system: gmtime_r and
// localtime_r on POSIX, their _s forms (arguments the other way round) on
// Windows, whose C runtime has no _r functions.

#include <ctime>

namespace parley {

inline std::tm utcCalendarTime(std::time_t t) {
  std::tm tm{};
#ifdef _WIN32
  gmtime_s(&tm, &t);
#else
  gmtime_r(&t, &tm);
#endif
  return tm;
}

inline std::tm localCalendarTime(std::time_t t) {
  std::tm tm{};
#ifdef _WIN32
  localtime_s(&tm, &t);
#else
  localtime_r(&t, &tm);
#endif
  return tm;
}

}  // namespace parley
