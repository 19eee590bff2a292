#pragma once
// Debug checks for our own invariants. Untrusted input never reaches these:
// it gets an Error. PARLEY_DCHECK compiles away in release builds.

#include <cstdio>
#include <cstdlib>
#include <thread>

#if defined(__clang__)
#define PARLEY_GUARDED_BY(x) __attribute__((guarded_by(x)))
#else
#define PARLEY_GUARDED_BY(x)
#endif

namespace parley::detail {
[[noreturn]] inline void dcheckFailed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "PARLEY_DCHECK failed: %s at %s:%d\n", expr, file, line);
  std::abort();
}
}  // namespace parley::detail

#ifdef NDEBUG
#define PARLEY_DCHECK(cond) ((void)0)
#else
#define PARLEY_DCHECK(cond) \
  ((cond) ? (void)0 : ::parley::detail::dcheckFailed(#cond, __FILE__, __LINE__))
#endif

// Asserts that the calling thread runs the given Asio strand or executor.
#define PARLEY_DCHECK_RUN_ON(strand) PARLEY_DCHECK((strand).running_in_this_thread())

namespace parley {

// Remembers the thread that first touched an object and checks later calls
// come from the same one (for objects bound to one plain thread, not a strand).
class ThreadChecker {
 public:
  [[nodiscard]] bool calledOnValidThread() {
    if (owner_ == std::thread::id{}) {
      owner_ = std::this_thread::get_id();
    }
    return owner_ == std::this_thread::get_id();
  }
  void detach() { owner_ = std::thread::id{}; }

 private:
  std::thread::id owner_{};
};

}  // namespace parley
