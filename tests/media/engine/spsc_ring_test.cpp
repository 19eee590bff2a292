#include "media/engine/spsc_ring.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

namespace parley::media {
namespace {

bool push(SpscRing<int>& ring, int value) {
  return ring.tryPush([&](int& slot) { slot = value; });
}

// The oldest item, or -1 when the ring is empty.
int pop(SpscRing<int>& ring) {
  int out = -1;
  const bool popped = ring.tryPop([&](int& slot) { out = slot; });
  CHECK(popped == (out != -1));
  return out;
}

}  // namespace

TEST_CASE("SpscRing holds exactly its capacity and refuses the next item", "[engine][ring]") {
  SpscRing<int> ring(4);
  CHECK(ring.empty());
  CHECK(pop(ring) == -1);
  for (int i = 1; i <= 4; ++i) {
    CHECK(push(ring, i));
  }
  CHECK_FALSE(ring.empty());
  bool called = false;
  CHECK_FALSE(ring.tryPush([&](int&) { called = true; }));
  CHECK_FALSE(called);  // a full ring never hands out a slot
  for (int i = 1; i <= 4; ++i) {
    CHECK(pop(ring) == i);
  }
  CHECK(ring.empty());
  called = false;
  CHECK_FALSE(ring.tryPop([&](int&) { called = true; }));
  CHECK_FALSE(called);
}

TEST_CASE("SpscRing keeps order across many wrap-arounds", "[engine][ring]") {
  SpscRing<int> ring(3);
  int next_in = 0;
  int next_out = 0;
  // Fill levels 1, 2, 3 in turn, so head and tail meet the end of the slot
  // array at every offset.
  for (int round = 0; round < 30; ++round) {
    const int fill = 1 + round % 3;
    for (int i = 0; i < fill; ++i) {
      REQUIRE(push(ring, next_in++));
    }
    if (fill == 3) {
      CHECK_FALSE(push(ring, -2));
    }
    for (int i = 0; i < fill; ++i) {
      REQUIRE(pop(ring) == next_out++);
    }
    REQUIRE(ring.empty());
  }
  CHECK(next_out == next_in);
}

TEST_CASE("SpscRing of capacity one alternates full and empty", "[engine][ring]") {
  SpscRing<int> ring(1);
  for (int i = 0; i < 5; ++i) {
    CHECK(push(ring, i));
    CHECK_FALSE(push(ring, 100 + i));
    CHECK(pop(ring) == i);
    CHECK(pop(ring) == -1);
  }
}

TEST_CASE("SpscRing hands every item from one thread to another in order", "[engine][ring]") {
  constexpr int kItems = 200'000;
  SpscRing<int> ring(64);
  std::thread producer([&] {
    for (int i = 0; i < kItems;) {
      if (push(ring, i)) {
        ++i;
      } else {
        std::this_thread::yield();
      }
    }
  });
  std::vector<int> out_of_order;
  int expected = 0;
  while (expected < kItems) {
    int got = -1;
    if (!ring.tryPop([&](int& slot) { got = slot; })) {
      std::this_thread::yield();
      continue;
    }
    if (got != expected && out_of_order.size() < 10) {
      out_of_order.push_back(got);
    }
    expected = got + 1;
  }
  producer.join();
  CHECK(out_of_order.empty());
  CHECK(ring.empty());
}

}  // namespace parley::media
