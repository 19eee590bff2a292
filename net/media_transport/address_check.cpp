#include "net/media_transport/address_check.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>

namespace parley::net {
namespace {

constexpr std::uint8_t kRtcpApp = 204;
constexpr std::array<std::byte, 4> kName = {std::byte{'P'}, std::byte{'R'}, std::byte{'L'},
                                            std::byte{'Y'}};

void appendBe(std::vector<std::byte>& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xff));
  }
}

}  // namespace

void appendAddressCheck(AddressCheckType type, std::uint32_t sender_ssrc, std::uint64_t nonce,
                        std::vector<std::byte>& out) {
  out.push_back(static_cast<std::byte>(0x80U | static_cast<std::uint8_t>(type)));
  out.push_back(static_cast<std::byte>(kRtcpApp));
  appendBe(out, kAddressCheckPlainBytes / 4 - 1, 2);
  appendBe(out, sender_ssrc, 4);
  out.insert(out.end(), kName.begin(), kName.end());
  appendBe(out, nonce, 8);
}

std::optional<std::uint64_t> findAddressCheck(std::span<const std::byte> compound,
                                              AddressCheckType type) {
  std::size_t at = 0;
  while (compound.size() - at >= 4) {
    const auto b0 = static_cast<std::uint8_t>(compound[at]);
    const auto pt = static_cast<std::uint8_t>(compound[at + 1]);
    const std::size_t words = (static_cast<std::size_t>(compound[at + 2]) << 8) |
                              static_cast<std::size_t>(compound[at + 3]);
    const std::size_t size = (words + 1) * 4;
    if ((b0 >> 6U) != 2 || size > compound.size() - at) {
      return std::nullopt;
    }
    if (pt == kRtcpApp && (b0 & 0x1fU) == static_cast<std::uint8_t>(type) &&
        size == kAddressCheckPlainBytes &&
        std::equal(kName.begin(), kName.end(),
                   compound.begin() + static_cast<std::ptrdiff_t>(at + 8))) {
      std::uint64_t nonce = 0;
      for (std::size_t i = 0; i < 8; ++i) {
        nonce = (nonce << 8) | static_cast<std::uint64_t>(compound[at + 12 + i]);
      }
      return nonce;
    }
    at += size;
  }
  return std::nullopt;
}

std::uint64_t makeAddressCheckNonce() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // Without the CSPRNG the nonce is still secret to anyone without the
    // leg's keys (it travels inside SRTCP); a zero would only be guessable.
    bytes = {};
  }
  std::uint64_t nonce = 0;
  for (const auto b : bytes) {
    nonce = (nonce << 8) | b;
  }
  return nonce;
}

}  // namespace parley::net
