#pragma once
// The live heap: bytes the allocator has handed out and not had back. Unlike
// the resident size it leaves out what the allocator keeps for reuse (glibc's
// arenas, ASan's quarantine and shadow memory), so it grows only when the
// program holds more: what a leak, or a cache without a bound, shows as.

#include <cstdint>
#include <optional>

namespace parley::server {

// nullopt where the allocator cannot tell (not glibc, not a sanitizer build).
// Cost: glibc walks its arenas under their locks; fine for a metrics scrape.
std::optional<std::uint64_t> heapInUseBytes();

}  // namespace parley::server
