#include "core/server/accounts/known_sign_ins.h"

#include <catch2/catch.hpp>

using parley::server::KnownSignIns;

TEST_CASE("known sign-ins remember the account and source pair, nothing wider",
          "[server][known_sign_ins]") {
  KnownSignIns known;
  CHECK_FALSE(known.contains("alice", "192.0.2.7"));
  known.remember("alice", "192.0.2.7");
  CHECK(known.contains("alice", "192.0.2.7"));
  CHECK_FALSE(known.contains("alice", "192.0.2.8"));
  CHECK_FALSE(known.contains("bob", "192.0.2.7"));
  // The separator keeps the two fields apart.
  CHECK_FALSE(known.contains("alice1", "92.0.2.7"));
  known.remember("alice", "2001:db8:1:2::/64");
  CHECK(known.contains("alice", "2001:db8:1:2::/64"));
  CHECK(known.contains("alice", "192.0.2.7"));
}
