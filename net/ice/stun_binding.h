#pragma once
// A STUN Binding responder (RFC 8489) for parleyd's media port: a client
// asks from its ICE socket and learns the address the server sees, which is
// its server-reflexive candidate for a peer path. No authentication (a
// Binding request carries none here) and no state: the answer has the
// request's transaction ID, XOR-MAPPED-ADDRESS and FINGERPRINT, and is at
// most 48 bytes longer than a request can be (no useful amplification).
// Pure functions, any thread; no Asio (the fuzz-only build compiles it).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace parley::net {

struct StunPeerAddress {
  bool ipv6 = false;
  std::array<std::uint8_t, 16> bytes{};  // 4 used for IPv4
  std::uint16_t port = 0;
};

// The largest request answered (RFC 8489's 548-byte IPv4 guidance).
inline constexpr std::size_t kMaxStunRequest = 548;

// True when the datagram is shaped like a STUN message (at least a header,
// first two bits zero; RTP and RTCP start 0b10): it then never reaches the
// SRTP code.
bool looksLikeStun(std::span<const std::byte> datagram);

// The Binding success response for a well-formed Binding request from
// `from`; nothing for anything else (other methods, bad length). RFC 8489
// requests (magic cookie) get XOR-MAPPED-ADDRESS and FINGERPRINT; RFC 3489
// ones (no cookie, IPv4) a plain MAPPED-ADDRESS.
std::optional<std::vector<std::byte>> answerStunBinding(std::span<const std::byte> request,
                                                        const StunPeerAddress& from);

// CRC-32 (IEEE 802.3), as FINGERPRINT uses it.
std::uint32_t crc32(std::span<const std::byte> data);

}  // namespace parley::net
