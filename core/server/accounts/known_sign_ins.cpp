#include "core/server/accounts/known_sign_ins.h"

#include <string>

namespace parley::server {

KnownSignIns::KnownSignIns() : slots_(std::make_unique<std::atomic<std::uint64_t>[]>(kSlots)) {}

std::uint64_t KnownSignIns::fingerprint(std::string_view account, std::string_view source) const {
  // A source (an address) never holds a NUL, so the separator keeps
  // ("ab", "c") and ("a", "bc") apart. Never 0: that marks an empty slot.
  std::string text(account);
  text += '\0';
  text += source;
  return hash_(text) | 1U;
}

bool KnownSignIns::contains(std::string_view account, std::string_view source) const {
  const std::uint64_t print = fingerprint(account, source);
  return slots_[(print >> 1) % kSlots].load(std::memory_order_relaxed) == print;
}

void KnownSignIns::remember(std::string_view account, std::string_view source) {
  const std::uint64_t print = fingerprint(account, source);
  slots_[(print >> 1) % kSlots].store(print, std::memory_order_relaxed);
}

}  // namespace parley::server
