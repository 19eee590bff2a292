#include <catch2/catch.hpp>
#include <vector>

#include "core/server/accounts/sign_in_gate.h"

using parley::server::SignInGate;

TEST_CASE("sign-in gate: a few checks per address at once, the rest wait in order") {
  SignInGate gate(SignInGate::Limits{2, 3, 100});
  std::vector<int> ran;
  for (int i = 0; i < 5; ++i) {
    REQUIRE(gate.enter("10.0.0.1", [&ran, i] { ran.push_back(i); }));
  }
  CHECK(ran == std::vector<int>{0, 1});  // two in flight
  CHECK(gate.waitingForTest() == 3);
  // The queue for this address is full: refused, not run.
  bool refused_ran = false;
  CHECK_FALSE(gate.enter("10.0.0.1", [&] { refused_ran = true; }));
  CHECK_FALSE(refused_ran);
  // Another address is not held up.
  REQUIRE(gate.enter("10.0.0.2", [&ran] { ran.push_back(100); }));
  CHECK(ran.back() == 100);

  gate.leave("10.0.0.1");
  CHECK(ran == std::vector<int>{0, 1, 100, 2});
  gate.leave("10.0.0.1");
  gate.leave("10.0.0.1");
  CHECK(ran == std::vector<int>{0, 1, 100, 2, 3, 4});
  CHECK(gate.waitingForTest() == 0);
}

TEST_CASE("sign-in gate: the total waiting across addresses is bounded") {
  SignInGate gate(SignInGate::Limits{1, 10, 2});
  int ran = 0;
  REQUIRE(gate.enter("a", [&] { ++ran; }));
  REQUIRE(gate.enter("a", [&] { ++ran; }));
  REQUIRE(gate.enter("b", [&] { ++ran; }));
  REQUIRE(gate.enter("b", [&] { ++ran; }));
  CHECK(ran == 2);
  CHECK_FALSE(gate.enter("c", [&] { ++ran; }) == false);  // c has a free slot: runs at once
  CHECK(ran == 3);
  CHECK_FALSE(gate.enter("c", [&] { ++ran; }));  // would wait, but the total is full
  gate.leave("a");
  gate.leave("a");
  gate.leave("b");
  gate.leave("b");
  gate.leave("c");
  CHECK(ran == 5);
  CHECK(gate.waitingForTest() == 0);
  // Everything released: a fresh address runs at once.
  REQUIRE(gate.enter("a", [&] { ++ran; }));
  CHECK(ran == 6);
}
