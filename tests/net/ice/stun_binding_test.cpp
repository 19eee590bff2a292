// The STUN Binding responder on parleyd's media port: a request gets its
// transaction ID back with the sender's address XOR-ed (IPv4 and IPv6) and
// a FINGERPRINT that checks; anything else gets nothing.

#include <catch2/catch.hpp>

#include <vector>

#include "net/ice/stun_binding.h"

using namespace parley::net;

namespace {

std::vector<std::byte> bindingRequest(std::size_t attribute_bytes = 0) {
  std::vector<std::byte> r(20 + attribute_bytes);
  r[1] = std::byte{0x01};
  r[3] = static_cast<std::byte>(attribute_bytes);
  r[4] = std::byte{0x21};
  r[5] = std::byte{0x12};
  r[6] = std::byte{0xA4};
  r[7] = std::byte{0x42};
  for (std::size_t i = 8; i < 20; ++i) {
    r[i] = static_cast<std::byte>(i * 11);
  }
  return r;
}

unsigned at(const std::vector<std::byte>& d, std::size_t i) {
  return std::to_integer<unsigned>(d[i]);
}

}  // namespace

TEST_CASE("a Binding request from IPv4 gets the XOR-mapped address and a fingerprint") {
  const auto request = bindingRequest();
  StunPeerAddress from;
  from.bytes = {192, 0, 2, 7};
  from.port = 40000;
  const auto answer = answerStunBinding(request, from);
  REQUIRE(answer);
  REQUIRE(answer->size() == 20 + 12 + 8);
  CHECK(at(*answer, 0) == 0x01);
  CHECK(at(*answer, 1) == 0x01);
  CHECK(at(*answer, 3) == 20);  // 12 + 8
  CHECK(std::equal(answer->begin() + 4, answer->begin() + 20, request.begin() + 4));
  // XOR-MAPPED-ADDRESS
  CHECK(at(*answer, 20) == 0x00);
  CHECK(at(*answer, 21) == 0x20);
  CHECK(at(*answer, 25) == 0x01);
  const unsigned port = ((at(*answer, 26) << 8) | at(*answer, 27)) ^ 0x2112;
  CHECK(port == 40000);
  CHECK((at(*answer, 28) ^ 0x21) == 192);
  CHECK((at(*answer, 29) ^ 0x12) == 0);
  CHECK((at(*answer, 30) ^ 0xA4) == 2);
  CHECK((at(*answer, 31) ^ 0x42) == 7);
  // FINGERPRINT: CRC-32 of what precedes it, XOR 0x5354554e
  CHECK(at(*answer, 32) == 0x80);
  CHECK(at(*answer, 33) == 0x28);
  const std::uint32_t got =
      (at(*answer, 36) << 24) | (at(*answer, 37) << 16) | (at(*answer, 38) << 8) | at(*answer, 39);
  const std::uint32_t want = crc32(std::span<const std::byte>(answer->data(), 32)) ^ 0x5354554eU;
  CHECK(got == want);
}

TEST_CASE("CRC-32 is the IEEE one") {
  const std::string text = "123456789";
  CHECK(crc32(std::as_bytes(std::span<const char>(text.data(), text.size()))) == 0xCBF43926U);
}

TEST_CASE("IPv6 senders are XOR-ed with the cookie and the transaction ID") {
  const auto request = bindingRequest(8);  // with an attribute we ignore
  StunPeerAddress from;
  from.ipv6 = true;
  from.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20};
  from.port = 5000;
  const auto answer = answerStunBinding(request, from);
  REQUIRE(answer);
  REQUIRE(answer->size() == 20 + 24 + 8);
  CHECK(at(*answer, 25) == 0x02);
  for (std::size_t i = 0; i < 16; ++i) {
    CHECK((at(*answer, 28 + i) ^ std::to_integer<unsigned>(request[4 + i])) == from.bytes[i]);
  }
}

TEST_CASE("anything but a well-formed Binding request gets no answer") {
  StunPeerAddress from;
  from.bytes = {10, 0, 0, 1};
  from.port = 1;
  auto bad = bindingRequest();
  bad[1] = std::byte{0x03};  // Allocate
  CHECK_FALSE(answerStunBinding(bad, from));
  bad = bindingRequest();
  bad[0] = std::byte{0x80};  // an RTP header
  CHECK_FALSE(answerStunBinding(bad, from));
  CHECK_FALSE(looksLikeStun(bad));
  bad = bindingRequest(4);
  bad[3] = std::byte{8};  // length says more than there is
  CHECK_FALSE(answerStunBinding(bad, from));
  bad = bindingRequest(3);  // not a multiple of 4
  CHECK_FALSE(answerStunBinding(bad, from));
  CHECK_FALSE(answerStunBinding(std::vector<std::byte>(10), from));
  auto huge = bindingRequest(552);
  huge[2] = std::byte{0x02};
  huge[3] = std::byte{0x28};
  CHECK_FALSE(answerStunBinding(huge, from));
  std::vector<std::byte> rtp(40, std::byte{0x80});
  CHECK_FALSE(looksLikeStun(rtp));
}

TEST_CASE("an RFC 3489 request (no magic cookie) gets a plain MAPPED-ADDRESS") {
  auto request = bindingRequest();
  request[4] = std::byte{0x1f};  // a 128-bit transaction ID instead of the cookie
  StunPeerAddress from;
  from.bytes = {10, 232, 2, 10};
  from.port = 43328;
  const auto answer = answerStunBinding(request, from);
  REQUIRE(answer);
  REQUIRE(answer->size() == 20 + 12);
  CHECK(std::equal(answer->begin() + 4, answer->begin() + 20, request.begin() + 4));
  CHECK(at(*answer, 21) == 0x01);  // MAPPED-ADDRESS
  CHECK(((at(*answer, 26) << 8) | at(*answer, 27)) == 43328);
  CHECK(at(*answer, 28) == 10);
  CHECK(at(*answer, 31) == 10);
  from.ipv6 = true;
  CHECK_FALSE(answerStunBinding(request, from));
}
