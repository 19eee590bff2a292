#include "net/ice/stun_binding.h"

namespace parley::net {

namespace {

constexpr std::uint32_t kMagicCookie = 0x2112A442;
constexpr std::uint16_t kBindingRequest = 0x0001;
constexpr std::uint16_t kBindingSuccess = 0x0101;
constexpr std::uint16_t kMappedAddress = 0x0001;
constexpr std::uint16_t kXorMappedAddress = 0x0020;
constexpr std::uint16_t kFingerprint = 0x8028;
constexpr std::uint32_t kFingerprintXor = 0x5354554e;

std::uint32_t read32(std::span<const std::byte> d, std::size_t at) {
  return (std::to_integer<std::uint32_t>(d[at]) << 24) |
         (std::to_integer<std::uint32_t>(d[at + 1]) << 16) |
         (std::to_integer<std::uint32_t>(d[at + 2]) << 8) |
         std::to_integer<std::uint32_t>(d[at + 3]);
}

std::uint16_t read16(std::span<const std::byte> d, std::size_t at) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(d[at]) << 8) |
                                    std::to_integer<unsigned>(d[at + 1]));
}

void put16(std::vector<std::byte>& out, std::uint16_t v) {
  out.push_back(static_cast<std::byte>(v >> 8));
  out.push_back(static_cast<std::byte>(v & 0xff));
}

void put32(std::vector<std::byte>& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v & 0xffff));
}

void setLength(std::vector<std::byte>& message) {
  const auto length = static_cast<std::uint16_t>(message.size() - 20);
  message[2] = static_cast<std::byte>(length >> 8);
  message[3] = static_cast<std::byte>(length & 0xff);
}

}  // namespace

std::uint32_t crc32(std::span<const std::byte> data) {
  std::uint32_t crc = 0xffffffffU;
  for (const std::byte b : data) {
    crc ^= std::to_integer<std::uint32_t>(b);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1U)));
    }
  }
  return ~crc;
}

bool looksLikeStun(std::span<const std::byte> datagram) {
  // RTP and RTCP start with version 2 (0b10......); STUN with 0b00.
  return datagram.size() >= 20 && (std::to_integer<unsigned>(datagram[0]) & 0xc0U) == 0;
}

std::optional<std::vector<std::byte>> answerStunBinding(std::span<const std::byte> request,
                                                        const StunPeerAddress& from) {
  if (!looksLikeStun(request) || request.size() > kMaxStunRequest ||
      read16(request, 0) != kBindingRequest) {
    return std::nullopt;
  }
  const std::size_t length = read16(request, 2);
  if (length % 4 != 0 || length + 20 != request.size()) {
    return std::nullopt;
  }
  std::vector<std::byte> out;
  out.reserve(20 + 24 + 8);
  put16(out, kBindingSuccess);
  put16(out, 0);                                                     // length, set below
  out.insert(out.end(), request.begin() + 4, request.begin() + 20);  // cookie + transaction
  if (read32(request, 4) != kMagicCookie) {
    // An RFC 3489 client (libnice discovers server-reflexive candidates
    // this way): a 128-bit transaction ID and a plain MAPPED-ADDRESS, as
    // RFC 8489 section 12 asks servers to keep answering. IPv4 only.
    if (from.ipv6) {
      return std::nullopt;
    }
    put16(out, kMappedAddress);
    put16(out, 8);
    put16(out, 0x0001);
    put16(out, from.port);
    for (std::size_t i = 0; i < 4; ++i) {
      out.push_back(static_cast<std::byte>(from.bytes[i]));
    }
    setLength(out);
    return out;
  }
  // XOR-MAPPED-ADDRESS: the port with the cookie's top half, the address
  // with the cookie (and for IPv6 the transaction ID) so NATs rewriting
  // addresses in payloads leave it alone.
  put16(out, kXorMappedAddress);
  put16(out, from.ipv6 ? 20 : 8);
  put16(out, from.ipv6 ? 0x0002 : 0x0001);
  put16(out, static_cast<std::uint16_t>(from.port ^ (kMagicCookie >> 16)));
  const std::size_t address_bytes = from.ipv6 ? 16 : 4;
  for (std::size_t i = 0; i < address_bytes; ++i) {
    // Bytes 4..19 of the header: the cookie, then the transaction ID.
    out.push_back(static_cast<std::byte>(from.bytes[i]) ^ request[4 + i]);
  }
  // FINGERPRINT: CRC-32 of everything before it, with the length already
  // counting the fingerprint itself.
  out.resize(out.size() + 8);
  setLength(out);
  out.resize(out.size() - 8);
  const std::uint32_t fingerprint = crc32(out) ^ kFingerprintXor;
  put16(out, kFingerprint);
  put16(out, 4);
  put32(out, fingerprint);
  return out;
}

}  // namespace parley::net
