#pragma once
// RTP fixed header and packet parsing/writing (RFC 3550 section 5), RTP/RTCP
// demultiplexing on one port (RFC 5761 section 4), and sequence-number
// arithmetic. Plain functions and value types: no state shared between
// threads, safe to call from any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/base/result.h"

namespace parley::media {

// Largest RTP or RTCP packet we send or accept (one Ethernet MTU); anything
// larger is malformed by our definition, which also bounds parser work.
inline constexpr std::size_t kMaxMediaPacketSize = 1500;
inline constexpr std::size_t kRtpFixedHeaderSize = 12;
inline constexpr std::size_t kMaxRtpCsrcs = 15;  // the CC field is 4 bits

// The single header extension RFC 3550 section 5.3.1 allows: a 16-bit
// profile-defined id (0xBEDE for RFC 8285 one-byte extensions) and its data
// as 32-bit words, kept raw; interpreting the elements is the caller's job.
struct RtpExtension {
  std::uint16_t profile = 0;
  std::vector<std::uint32_t> words;

  bool operator==(const RtpExtension&) const = default;
};

struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = 0;  // 7 bits
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::vector<std::uint32_t> csrcs;  // at most kMaxRtpCsrcs
  std::optional<RtpExtension> extension;

  bool operator==(const RtpHeader&) const = default;
};

// A parsed packet. `payload` points into the buffer given to parseRtp and is
// valid only as long as that buffer is; `padding` counts the padding bytes
// (count byte included) removed from the end, 0 when P was clear.
struct RtpPacketView {
  RtpHeader header;
  std::span<const std::byte> payload;
  std::size_t padding = 0;
};

// Parses one RTP packet from untrusted bytes. Fails with MediaMalformedPacket
// when: shorter than the fixed header, version is not 2, larger than
// kMaxMediaPacketSize, the CSRC list or the extension runs past the end, or
// the padding count is 0 or larger than what follows the header. Never reads
// outside `packet`.
Result<RtpPacketView> parseRtp(std::span<const std::byte> packet);

// Writes `header` and `payload` as one RTP packet into `out`, replacing its
// contents (its capacity is reused). No padding is written.
// Preconditions (our own invariants, DCHECKed): payload_type < 128, at most
// kMaxRtpCsrcs CSRCs, fewer than 65536 extension words. The caller keeps the
// result within kMaxMediaPacketSize (the packetizers do).
void writeRtp(const RtpHeader& header, std::span<const std::byte> payload,
              std::vector<std::byte>& out);

// RFC 5761 demultiplexing: true when `packet` looks like RTCP (version 2 and
// the second byte, the RTCP packet type, in 192..223), false for RTP or junk.
// A cheap first-byte test only; the parsers still validate everything.
bool isRtcp(std::span<const std::byte> packet);

// True when sequence number `a` is newer than `b` modulo 2^16 (RFC 3550
// appendix A.1 arithmetic). Exactly half the space apart is broken by value,
// so for any a != b exactly one of isNewerSequence(a, b) and (b, a) holds.
bool isNewerSequence(std::uint16_t a, std::uint16_t b);

// Extends 16-bit RTP sequence numbers to a monotonic-ish 64-bit count: each
// value maps to the 64-bit number closest to the previous one that has the
// same low 16 bits, so wraparound at 65535 keeps counting up and reordered
// packets map back correctly. The first value maps to itself.
// Value type owned by whoever tracks one stream; not thread-safe.
class SequenceUnwrapper {
 public:
  // Unwraps `sequence` and remembers it as the reference for the next call.
  std::int64_t unwrap(std::uint16_t sequence);
  // Unwraps without updating the reference (what unwrap would return).
  [[nodiscard]] std::int64_t peek(std::uint16_t sequence) const;
  [[nodiscard]] std::optional<std::int64_t> last() const { return last_; }
  void reset() { last_.reset(); }

 private:
  std::optional<std::int64_t> last_;
};

}  // namespace parley::media
