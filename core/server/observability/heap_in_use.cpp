#include "core/server/observability/heap_in_use.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARLEY_HEAP_FROM_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PARLEY_HEAP_FROM_SANITIZER 1
#endif

#if defined(PARLEY_HEAP_FROM_SANITIZER)
#include <cstddef>
// From the sanitizer runtime's allocator interface; declared here because
// GCC ships no <sanitizer/allocator_interface.h>.
extern "C" std::size_t
__sanitizer_get_current_allocated_bytes();  // NOLINT(bugprone-reserved-identifier)
#elif defined(__GLIBC__)
#include <malloc.h>
#if __GLIBC_PREREQ(2, 33)
#define PARLEY_HEAP_FROM_MALLINFO2 1
#endif
#endif

namespace parley::server {

std::optional<std::uint64_t> heapInUseBytes() {
#if defined(PARLEY_HEAP_FROM_SANITIZER)
  // ASan replaces malloc; glibc's counters would read zero.
  return __sanitizer_get_current_allocated_bytes();
#elif defined(PARLEY_HEAP_FROM_MALLINFO2)
  // uordblks: in use from the arenas; hblkhd: large blocks mapped on their own.
  const struct mallinfo2 info = mallinfo2();
  return static_cast<std::uint64_t>(info.uordblks) + static_cast<std::uint64_t>(info.hblkhd);
#else
  return std::nullopt;
#endif
}

}  // namespace parley::server
