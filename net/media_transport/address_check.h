#pragma once
// The media port's address check: the server moves a participant's return
// address only after the client proves it receives at the new address, the
// way ICE consent freshness does (RFC 7675). The server sends a random
// nonce to the address an authenticated packet came from; the client echoes
// it from there. Both travel as one RTCP APP packet (RFC 3550 section 6.7,
// name "PRLY") inside SRTCP with the leg's own keys, so an off-path attacker
// can neither read the nonce nor forge the answer, and an answer only counts
// from the address its check was sent to (docs/media.md, "The media port").
//
//   byte 0     V=2, P=0, subtype (1: check, server to client; 2: answer,
//              client to server; 0: probe padding, ignored)
//   byte 1     PT 204 (APP)
//   bytes 2-3  length 4 (five 32-bit words)
//   bytes 4-7  sender SSRC (the server's, or the client's audio SSRC)
//   bytes 8-11 "PRLY"
//   12-19      the nonce, 64 bits, big-endian
//
// Plain 20 bytes; kAddressCheckWireBytes once protected. The server sends a
// check only in reply to a datagram at least that large (no amplification),
// so the client pads its probes with a subtype-0 packet of the same size.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "net/media_transport/srtp_session.h"

namespace parley::net {

enum class AddressCheckType : std::uint8_t { Padding = 0, Check = 1, Answer = 2 };

inline constexpr std::size_t kAddressCheckPlainBytes = 20;
inline constexpr std::size_t kAddressCheckWireBytes = kAddressCheckPlainBytes + kSrtpMaxOverhead;

// Appends one APP packet (a compound's member) to `out`.
void appendAddressCheck(AddressCheckType type, std::uint32_t sender_ssrc, std::uint64_t nonce,
                        std::vector<std::byte>& out);

// The nonce of the first APP packet of `type` in a plain RTCP compound, if
// there is one. Walks the compound by its length fields; never reads past it.
std::optional<std::uint64_t> findAddressCheck(std::span<const std::byte> compound,
                                              AddressCheckType type);

// A fresh nonce from the system's CSPRNG (OpenSSL RAND_bytes).
std::uint64_t makeAddressCheckNonce();

}  // namespace parley::net
