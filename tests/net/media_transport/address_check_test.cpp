// The address check's wire format: found in a compound by type, never read
// past a truncated or lying length.

#include <catch2/catch.hpp>

#include "net/media_transport/address_check.h"

using namespace parley::net;

TEST_CASE("an address check round-trips and is found by type in a compound",
          "[net][media_transport]") {
  std::vector<std::byte> compound = {std::byte{0x80}, std::byte{201}, std::byte{0}, std::byte{1},
                                     std::byte{0},    std::byte{0},   std::byte{0}, std::byte{7}};
  appendAddressCheck(AddressCheckType::Padding, 7, 0, compound);
  appendAddressCheck(AddressCheckType::Check, 7, 0x0123456789abcdefULL, compound);
  CHECK(compound.size() == 8 + 2 * kAddressCheckPlainBytes);
  CHECK(findAddressCheck(compound, AddressCheckType::Check) == 0x0123456789abcdefULL);
  CHECK(findAddressCheck(compound, AddressCheckType::Padding) == 0U);
  CHECK_FALSE(findAddressCheck(compound, AddressCheckType::Answer));
  CHECK(makeAddressCheckNonce() != makeAddressCheckNonce());  // 2^-64 to fail by chance
}

TEST_CASE("a truncated or malformed compound yields no check", "[net][media_transport]") {
  std::vector<std::byte> check;
  appendAddressCheck(AddressCheckType::Answer, 7, 42, check);
  for (std::size_t n = 0; n < check.size(); ++n) {
    CHECK_FALSE(findAddressCheck(std::span(check).first(n), AddressCheckType::Answer));
  }
  auto renamed = check;
  renamed[8] = std::byte{'X'};
  CHECK_FALSE(findAddressCheck(renamed, AddressCheckType::Answer));
  auto longer = check;
  longer[3] = std::byte{0xff};  // claims more than there is
  CHECK_FALSE(findAddressCheck(longer, AddressCheckType::Answer));
}
