#include <catch2/catch.hpp>

#include "core/protocol/frame_codec.h"

using parley::ErrorCode;
using parley::protocol::appendFrame;
using parley::protocol::FrameDecoder;

namespace {
std::span<const std::byte> bytes(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}
}  // namespace

TEST_CASE("a frame round-trips with a big-endian length header") {
  std::string wire;
  REQUIRE(appendFrame(bytes("hello"), wire));
  REQUIRE(wire.size() == 9);
  CHECK(wire.substr(0, 4) == std::string("\0\0\0\5", 4));
  FrameDecoder decoder;
  REQUIRE(decoder.feed(bytes(wire)));
  auto frame = decoder.next();
  REQUIRE(frame);
  REQUIRE(frame->has_value());
  CHECK(**frame == "hello");
  CHECK_FALSE(decoder.hasPartialFrame());
}

TEST_CASE("frames split at every byte boundary are reassembled") {
  std::string wire;
  REQUIRE(appendFrame(bytes("first"), wire));
  REQUIRE(appendFrame(bytes(""), wire));
  REQUIRE(appendFrame(bytes(std::string(300, 'x')), wire));
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    FrameDecoder decoder;
    std::vector<std::string> got;
    for (const std::string& part : {wire.substr(0, cut), wire.substr(cut)}) {
      REQUIRE(decoder.feed(bytes(part)));
      while (true) {
        auto frame = decoder.next();
        REQUIRE(frame);
        if (!frame->has_value()) {
          break;
        }
        got.push_back(**frame);
      }
    }
    REQUIRE(got.size() == 3);
    CHECK(got[0] == "first");
    CHECK(got[1].empty());
    CHECK(got[2] == std::string(300, 'x'));
  }
}

TEST_CASE("a header announcing more than the limit fails the decoder") {
  FrameDecoder decoder(1024);
  const std::string header("\0\0\x04\x01", 4);  // 1025
  auto fed = decoder.feed(bytes(header));
  REQUIRE_FALSE(fed);
  CHECK(fed.error().code == ErrorCode::FrameTooLarge);
  // and stays failed
  CHECK_FALSE(decoder.feed(bytes("x")));
}

TEST_CASE("an oversize frame after a good one is reported by next()") {
  FrameDecoder decoder(16);
  std::string wire;
  REQUIRE(appendFrame(bytes("ok"), wire));
  wire += std::string("\xff\xff\xff\xff", 4);
  REQUIRE(decoder.feed(bytes(wire)));
  auto first = decoder.next();
  REQUIRE(first);
  REQUIRE(**first == "ok");
  auto second = decoder.next();
  REQUIRE_FALSE(second);
  CHECK(second.error().code == ErrorCode::FrameTooLarge);
}

TEST_CASE("the 1 MiB limit is inclusive") {
  const std::string max(parley::protocol::kMaxFrameBytes, 'a');
  std::string wire;
  REQUIRE(appendFrame(bytes(max), wire));
  auto over = appendFrame(bytes(max + "a"), wire);
  REQUIRE_FALSE(over);
  CHECK(over.error().code == ErrorCode::FrameTooLarge);
  FrameDecoder decoder;
  REQUIRE(decoder.feed(bytes(wire)));
  auto frame = decoder.next();
  REQUIRE(frame);
  REQUIRE(frame->has_value());
  CHECK((*frame)->size() == max.size());
}

TEST_CASE("a partial frame is visible so a cut stream reads as truncated") {
  FrameDecoder decoder;
  REQUIRE(
      decoder.feed(bytes(std::string("\0\0\0\x0a"
                                     "abc",
                                     7))));
  auto frame = decoder.next();
  REQUIRE(frame);
  CHECK_FALSE(frame->has_value());
  CHECK(decoder.hasPartialFrame());
  CHECK(decoder.bufferedBytes() == 7);
}
