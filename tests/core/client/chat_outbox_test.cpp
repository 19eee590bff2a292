#include "core/client/chat_outbox.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using parley::ErrorCode;
using parley::client::ChatOutbox;
using parley::client::OutboxLimits;

namespace {
std::vector<std::uint64_t> ids(const ChatOutbox& outbox) {
  std::vector<std::uint64_t> out;
  for (const auto& e : outbox.pending()) {
    out.push_back(e.client_msg_id);
  }
  return out;
}
}  // namespace

TEST_CASE("outbox keeps unacknowledged chat in send order", "[client][outbox]") {
  ChatOutbox outbox;
  REQUIRE(outbox.add(1, "one"));
  REQUIRE(outbox.add(2, "two"));
  REQUIRE(outbox.add(3, "three"));
  CHECK(outbox.bytes() == 11);
  CHECK(outbox.acknowledge(2));
  CHECK(ids(outbox) == std::vector<std::uint64_t>{1, 3});
  CHECK_FALSE(outbox.acknowledge(2));  // a repeated ack after a resend
  CHECK(outbox.remove(1) == std::optional<std::string>("one"));
  CHECK(outbox.pending().front().text == "three");
  CHECK(outbox.acknowledge(3));
  CHECK(outbox.empty());
  CHECK(outbox.bytes() == 0);
}

TEST_CASE("outbox refuses beyond its bounds and loses nothing queued", "[client][outbox]") {
  struct Case {
    OutboxLimits limits;
    std::vector<std::string> texts;
    std::size_t accepted;
  };
  const std::vector<Case> cases{
      {{3, 1000}, {"a", "b", "c", "d"}, 3},
      {{100, 10}, {"12345", "12345", "1"}, 2},
      {{100, 10}, {"1234567890"}, 1},
      {{0, 10}, {"a"}, 0},
  };
  for (const auto& c : cases) {
    ChatOutbox outbox(c.limits);
    std::size_t accepted = 0;
    std::uint64_t id = 1;
    for (const auto& text : c.texts) {
      auto added = outbox.add(id++, text);
      if (added) {
        ++accepted;
      } else {
        CHECK(added.error().code == ErrorCode::OutboxFull);
        CHECK_FALSE(added.error().detail.empty());
      }
    }
    CHECK(accepted == c.accepted);
    CHECK(outbox.size() == c.accepted);
  }
  ChatOutbox full({1, 100});
  REQUIRE(full.add(1, "x"));
  REQUIRE_FALSE(full.add(2, "y"));
  REQUIRE(full.acknowledge(1));
  CHECK(full.add(3, "z"));  // room again once the server confirmed
}
