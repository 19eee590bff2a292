#include "core/server/interconnect/interconnect_proof.h"

#include <catch2/catch.hpp>
#include <vector>

using parley::server::interconnectProof;
using parley::server::interconnectProofValid;
using parley::server::LinkRole;

namespace {
std::vector<std::byte> bytes(unsigned char fill) {
  return std::vector<std::byte>(32, std::byte{fill});
}
constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";
}  // namespace

TEST_CASE("an interconnect proof verifies only with the same secret, session, name and role",
          "[server][interconnect]") {
  const auto session = bytes(1);
  const auto proof = interconnectProof(kSecret, LinkRole::Dialer, "outer", session);
  CHECK(proof.size() == 32);
  CHECK(interconnectProofValid(proof, kSecret, LinkRole::Dialer, "outer", session));
  // Another secret, another TLS session (a relay in between), another name,
  // the other role (reflected back), a cut or empty proof: all refused.
  CHECK_FALSE(interconnectProofValid(proof, "0123456789abcdef0123456789abcdeX", LinkRole::Dialer,
                                     "outer", session));
  CHECK_FALSE(interconnectProofValid(proof, kSecret, LinkRole::Dialer, "outer", bytes(2)));
  CHECK_FALSE(interconnectProofValid(proof, kSecret, LinkRole::Dialer, "inner", session));
  CHECK_FALSE(interconnectProofValid(proof, kSecret, LinkRole::Acceptor, "outer", session));
  CHECK_FALSE(
      interconnectProofValid(proof.substr(0, 31), kSecret, LinkRole::Dialer, "outer", session));
  CHECK_FALSE(interconnectProofValid("", kSecret, LinkRole::Dialer, "outer", session));
  CHECK_FALSE(interconnectProofValid(proof, kSecret, LinkRole::Dialer, "outer", {}));
}
