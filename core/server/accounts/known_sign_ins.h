#pragma once
// KnownSignIns: (account, source) pairs that have signed in successfully,
// the server's "known device". A sign-in from a known pair skips the
// account's backoff and the source's throttle and has its password checked
// before strangers' (HashQueue): the owner at their usual address is not
// slowed by what strangers do elsewhere. The pair's own limit still applies,
// so someone at the same address guessing the password gains nothing.
//
// Lock-free: a fixed table of atomic fingerprints (KeyedHash of account and
// source), one per slot. A pair whose slot another pair took is simply no
// longer known (it signs in as a stranger would); a stranger cannot aim at a
// slot or forge a fingerprint without the key. Nothing expires but by being
// overwritten; memory is fixed.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/server/accounts/keyed_hash.h"

namespace parley::server {

class KnownSignIns {
 public:
  static constexpr std::size_t kSlots = 1 << 16;

  KnownSignIns();

  [[nodiscard]] bool contains(std::string_view account, std::string_view source) const;
  void remember(std::string_view account, std::string_view source);

 private:
  [[nodiscard]] std::uint64_t fingerprint(std::string_view account, std::string_view source) const;

  const KeyedHash hash_;
  const std::unique_ptr<std::atomic<std::uint64_t>[]> slots_;
};

}  // namespace parley::server
