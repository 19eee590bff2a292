#pragma once
// RTCP compound packets (RFC 3550 section 6) with the feedback messages the
// media layer uses: generic NACK and PLI (RFC 4585), REMB
// (draft-alvestrand-rmcat-remb). Parsing of untrusted bytes into value types,
// and builders that append packets to one compound buffer. Plain functions:
// no shared state, safe on any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/base/result.h"

namespace parley::media {

inline constexpr std::uint8_t kRtcpSenderReport = 200;
inline constexpr std::uint8_t kRtcpReceiverReport = 201;
inline constexpr std::uint8_t kRtcpSdes = 202;
inline constexpr std::uint8_t kRtcpBye = 203;
inline constexpr std::uint8_t kRtcpApp = 204;
inline constexpr std::uint8_t kRtcpRtpFeedback = 205;
inline constexpr std::uint8_t kRtcpPayloadFeedback = 206;

inline constexpr std::size_t kMaxRtcpReportBlocks = 31;  // RC is 5 bits
inline constexpr std::size_t kMaxRtcpByeSsrcs = 31;      // SC is 5 bits
inline constexpr std::size_t kMaxRembSsrcs = 255;        // Num SSRC is 8 bits
// Bounds on what one parsed compound may hold. A real compound carries a
// report, a few feedback messages and perhaps a BYE; these are far above that
// and keep a hostile packet's parse output small.
inline constexpr std::size_t kMaxRtcpItemsPerKind = 64;
inline constexpr std::size_t kMaxNackSequences = 1024;  // per NACK message

struct ReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;    // fixed point, /256
  std::int32_t cumulative_lost = 0;  // 24-bit signed on the wire
  std::uint32_t extended_highest_seq = 0;
  std::uint32_t jitter = 0;  // RTP timestamp units
  std::uint32_t last_sr = 0;
  std::uint32_t delay_since_last_sr = 0;  // 1/65536 s

  bool operator==(const ReportBlock&) const = default;
};

struct SenderReport {
  std::uint32_t ssrc = 0;
  std::uint64_t ntp_timestamp = 0;  // 32.32 fixed point seconds since 1900
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
  std::vector<ReportBlock> report_blocks;  // at most kMaxRtcpReportBlocks

  bool operator==(const SenderReport&) const = default;
};

struct ReceiverReport {
  std::uint32_t ssrc = 0;
  std::vector<ReportBlock> report_blocks;  // at most kMaxRtcpReportBlocks

  bool operator==(const ReceiverReport&) const = default;
};

// Generic NACK (RTPFB FMT 1). `lost_sequences` is the PID/BLP list expanded,
// in wire order; it may hold duplicates if the sender's items overlap.
struct Nack {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::vector<std::uint16_t> lost_sequences;  // at most kMaxNackSequences

  bool operator==(const Nack&) const = default;
};

// Picture Loss Indication (PSFB FMT 1): the receiver wants a key frame.
struct Pli {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;

  bool operator==(const Pli&) const = default;
};

// Receiver Estimated Maximum Bitrate (PSFB FMT 15, "REMB").
struct Remb {
  std::uint32_t sender_ssrc = 0;
  std::uint64_t bitrate_bps = 0;     // mantissa << exponent, exact on parse
  std::vector<std::uint32_t> ssrcs;  // at most kMaxRembSsrcs

  bool operator==(const Remb&) const = default;
};

struct Bye {
  std::vector<std::uint32_t> ssrcs;  // at most kMaxRtcpByeSsrcs
  std::string reason;                // at most 255 bytes, may be empty

  bool operator==(const Bye&) const = default;
};

// Everything understood in one compound packet, each kind in wire order.
// Packets of other types (SDES, APP, XR, other feedback) are skipped and
// counted in `skipped_packets`.
struct RtcpCompound {
  std::vector<SenderReport> sender_reports;
  std::vector<ReceiverReport> receiver_reports;
  std::vector<Nack> nacks;
  std::vector<Pli> plis;
  std::vector<Remb> rembs;
  std::vector<Bye> byes;
  std::size_t skipped_packets = 0;
};

// Parses a compound RTCP packet from untrusted bytes. Fails with
// MediaMalformedPacket, naming the reason, when: empty or larger than
// kMaxMediaPacketSize, any packet's version is not 2, any length field runs
// past the end or is too short for its type's fixed part, a padding count is 0
// or too large, a REMB bitrate does not fit in 64 bits, or a bound above is
// exceeded. One bad packet fails the whole compound (its length chain can no
// longer be trusted). Reduced-size RTCP (RFC 5506) is accepted: the compound
// need not start with SR/RR.
Result<RtcpCompound> parseRtcp(std::span<const std::byte> compound);

// Builders: each appends one RTCP packet to `out`, so calling several in a row
// builds a compound packet. The caller keeps the total within
// kMaxMediaPacketSize and, for RFC 3550 compounds, puts an SR or RR first.
// Preconditions (DCHECKed): the per-field bounds above hold; a NACK lists at
// least one sequence number.
void appendSenderReport(const SenderReport& sr, std::vector<std::byte>& out);
void appendReceiverReport(const ReceiverReport& rr, std::vector<std::byte>& out);
// Compresses `nack.lost_sequences` into PID/BLP items. The list should be in
// ascending order (wrapping at 65535 is fine); any order is still encoded
// correctly, only less compactly. Duplicates are folded.
void appendNack(const Nack& nack, std::vector<std::byte>& out);
void appendPli(const Pli& pli, std::vector<std::byte>& out);
// Encodes the bitrate with the smallest exponent that fits the 18-bit
// mantissa, rounding down (a receiver must never be told it can take more).
void appendRemb(const Remb& remb, std::vector<std::byte>& out);
void appendBye(const Bye& bye, std::vector<std::byte>& out);

}  // namespace parley::media
