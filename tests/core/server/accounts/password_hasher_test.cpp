#include "core/server/accounts/password_hasher.h"

#include <catch2/catch.hpp>

using parley::server::hashPassword;
using parley::server::PasswordCost;
using parley::server::verifyPassword;

namespace {
// Cheap parameters so the test is fast; production uses the config's.
constexpr PasswordCost kCheap{1, 8 * 1024};
}  // namespace

TEST_CASE("password hashes are Argon2id and verify", "[server][password]") {
  auto hash = hashPassword("correct horse", kCheap);
  REQUIRE(hash);
  CHECK(hash->rfind("$argon2id$", 0) == 0);
  CHECK(verifyPassword(*hash, "correct horse"));
  CHECK_FALSE(verifyPassword(*hash, "correct hors"));
  CHECK_FALSE(verifyPassword(*hash, ""));
  CHECK_FALSE(verifyPassword("garbage", "correct horse"));
  // Salted: the same password hashes differently each time.
  auto again = hashPassword("correct horse", kCheap);
  REQUIRE(again);
  CHECK(*again != *hash);
}

TEST_CASE("empty and oversized passwords are refused", "[server][password]") {
  CHECK_FALSE(hashPassword("", kCheap));
  CHECK_FALSE(hashPassword(std::string(2000, 'x'), kCheap));
}
