#include "media/rtp/rtcp_packet.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "core/base/thread_check.h"
#include "media/rtp/byte_io.h"
#include "media/rtp/rtp_packet.h"

namespace parley::media {

namespace {

using detail::appendU16;
using detail::appendU24;
using detail::appendU32;
using detail::appendU8;
using detail::readU16;
using detail::readU24;
using detail::readU32;
using detail::readU8;

constexpr std::size_t kRtcpHeaderSize = 4;
constexpr std::size_t kReportBlockSize = 24;
constexpr std::size_t kSenderInfoSize = 24;     // SSRC + NTP + RTP ts + counts
constexpr std::size_t kFeedbackHeaderSize = 8;  // sender + media SSRC
constexpr std::uint8_t kNackFmt = 1;
constexpr std::uint8_t kPliFmt = 1;
constexpr std::uint8_t kAfbFmt = 15;

Unexpected malformed(std::string why) {
  return makeError(ErrorCode::MediaMalformedPacket, "RTCP: " + std::move(why));
}

std::string sizeStr(std::size_t n) { return std::to_string(n); }

template <typename T>
Result<void> pushBounded(std::vector<T>& list, T item, const char* kind) {
  if (list.size() >= kMaxRtcpItemsPerKind) {
    return malformed(std::string("more than ") + sizeStr(kMaxRtcpItemsPerKind) + " " + kind +
                     " packets in one compound");
  }
  list.push_back(std::move(item));
  return {};
}

// `body` holds exactly `count` blocks (the caller sized it).
std::vector<ReportBlock> parseReportBlocks(std::span<const std::byte> body, std::size_t count) {
  std::vector<ReportBlock> blocks;
  blocks.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto b = body.subspan(i * kReportBlockSize, kReportBlockSize);
    ReportBlock block;
    block.ssrc = readU32(b, 0);
    block.fraction_lost = readU8(b, 4);
    const std::uint32_t raw = readU24(b, 5);
    // Sign-extend the 24-bit two's complement count.
    block.cumulative_lost = (raw & 0x800000U) != 0 ? static_cast<std::int32_t>(raw) - 0x1000000
                                                   : static_cast<std::int32_t>(raw);
    block.extended_highest_seq = readU32(b, 8);
    block.jitter = readU32(b, 12);
    block.last_sr = readU32(b, 16);
    block.delay_since_last_sr = readU32(b, 20);
    blocks.push_back(block);
  }
  return blocks;
}

Result<void> parseSenderReport(std::span<const std::byte> body, std::size_t rc, RtcpCompound& out) {
  if (body.size() < kSenderInfoSize + rc * kReportBlockSize) {
    return malformed("sender report with " + sizeStr(rc) + " report blocks needs " +
                     sizeStr(kSenderInfoSize + rc * kReportBlockSize) + " bytes, has " +
                     sizeStr(body.size()));
  }
  SenderReport sr;
  sr.ssrc = readU32(body, 0);
  sr.ntp_timestamp = (std::uint64_t{readU32(body, 4)} << 32U) | readU32(body, 8);
  sr.rtp_timestamp = readU32(body, 12);
  sr.packet_count = readU32(body, 16);
  sr.octet_count = readU32(body, 20);
  // Bytes after the blocks are profile-specific extensions: ignored.
  sr.report_blocks = parseReportBlocks(body.subspan(kSenderInfoSize), rc);
  return pushBounded(out.sender_reports, std::move(sr), "sender report");
}

Result<void> parseReceiverReport(std::span<const std::byte> body, std::size_t rc,
                                 RtcpCompound& out) {
  if (body.size() < 4 + rc * kReportBlockSize) {
    return malformed("receiver report with " + sizeStr(rc) + " report blocks needs " +
                     sizeStr(4 + rc * kReportBlockSize) + " bytes, has " + sizeStr(body.size()));
  }
  ReceiverReport rr;
  rr.ssrc = readU32(body, 0);
  rr.report_blocks = parseReportBlocks(body.subspan(4), rc);
  return pushBounded(out.receiver_reports, std::move(rr), "receiver report");
}

Result<void> parseBye(std::span<const std::byte> body, std::size_t sc, RtcpCompound& out) {
  if (body.size() < sc * 4) {
    return malformed("BYE with " + sizeStr(sc) + " SSRCs runs past the end of its packet");
  }
  Bye bye;
  bye.ssrcs.reserve(sc);
  for (std::size_t i = 0; i < sc; ++i) {
    bye.ssrcs.push_back(readU32(body, i * 4));
  }
  const auto rest = body.subspan(sc * 4);
  if (!rest.empty()) {
    const std::size_t len = readU8(rest, 0);
    if (rest.size() - 1 < len) {
      return malformed("BYE reason of " + sizeStr(len) + " bytes runs past the end of its packet");
    }
    bye.reason.reserve(len);
    for (std::size_t i = 0; i < len; ++i) {
      bye.reason.push_back(static_cast<char>(rest[1 + i]));
    }
  }
  return pushBounded(out.byes, std::move(bye), "BYE");
}

Result<void> parseNack(std::span<const std::byte> body, RtcpCompound& out) {
  const auto fci = body.subspan(kFeedbackHeaderSize);
  if (fci.empty() || fci.size() % 4 != 0) {
    return malformed("NACK feedback of " + sizeStr(fci.size()) +
                     " bytes is not a non-empty list of 4-byte items");
  }
  Nack nack;
  nack.sender_ssrc = readU32(body, 0);
  nack.media_ssrc = readU32(body, 4);
  for (std::size_t pos = 0; pos < fci.size(); pos += 4) {
    const std::uint16_t pid = readU16(fci, pos);
    const std::uint16_t blp = readU16(fci, pos + 2);
    nack.lost_sequences.push_back(pid);
    for (unsigned bit = 0; bit < 16; ++bit) {
      if ((blp & (1U << bit)) != 0) {
        nack.lost_sequences.push_back(static_cast<std::uint16_t>(pid + bit + 1));
      }
    }
    if (nack.lost_sequences.size() > kMaxNackSequences) {
      return malformed("NACK lists more than " + sizeStr(kMaxNackSequences) + " lost packets");
    }
  }
  return pushBounded(out.nacks, std::move(nack), "NACK");
}

// Returns true when `fci` was a REMB and was stored, false when it is some
// other application-layer feedback (skipped).
Result<bool> parseRemb(std::span<const std::byte> body, RtcpCompound& out) {
  const auto fci = body.subspan(kFeedbackHeaderSize);
  if (fci.size() < 4 || readU32(fci, 0) != 0x52454D42U) {  // "REMB"
    return false;
  }
  if (fci.size() < 8) {
    return malformed("REMB of " + sizeStr(fci.size()) + " bytes is shorter than 8");
  }
  const std::size_t count = readU8(fci, 4);
  const unsigned exponent = readU8(fci, 5) >> 2U;
  const std::uint64_t mantissa =
      (std::uint64_t{readU8(fci, 5) & 0x03U} << 16U) | std::uint64_t{readU16(fci, 6)};
  if (mantissa > (std::numeric_limits<std::uint64_t>::max() >> exponent)) {
    return malformed("REMB bitrate " + std::to_string(mantissa) + "<<" + std::to_string(exponent) +
                     " does not fit in 64 bits");
  }
  if ((fci.size() - 8) / 4 < count) {
    return malformed("REMB with " + sizeStr(count) + " SSRCs runs past the end of its packet");
  }
  Remb remb;
  remb.sender_ssrc = readU32(body, 0);
  remb.bitrate_bps = mantissa << exponent;
  remb.ssrcs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    remb.ssrcs.push_back(readU32(fci, 8 + 4 * i));
  }
  auto pushed = pushBounded(out.rembs, std::move(remb), "REMB");
  if (!pushed) {
    return makeError(std::move(pushed).error());
  }
  return true;
}

// Parses one packet's body (header and padding removed) into `out`.
Result<void> parseOne(std::uint8_t type, std::size_t count, std::span<const std::byte> body,
                      RtcpCompound& out) {
  switch (type) {
    case kRtcpSenderReport:
      return parseSenderReport(body, count, out);
    case kRtcpReceiverReport:
      return parseReceiverReport(body, count, out);
    case kRtcpBye:
      return parseBye(body, count, out);
    case kRtcpRtpFeedback:
    case kRtcpPayloadFeedback: {
      if (body.size() < kFeedbackHeaderSize) {
        return malformed("feedback packet of " + sizeStr(body.size()) +
                         " bytes has no room for its two SSRCs");
      }
      if (type == kRtcpRtpFeedback && count == kNackFmt) {
        return parseNack(body, out);
      }
      if (type == kRtcpPayloadFeedback && count == kPliFmt) {
        // PLI carries no FCI; tolerate trailing bytes as other stacks do.
        return pushBounded(out.plis, Pli{readU32(body, 0), readU32(body, 4)}, "PLI");
      }
      if (type == kRtcpPayloadFeedback && count == kAfbFmt) {
        auto remb = parseRemb(body, out);
        if (!remb) {
          return makeError(std::move(remb).error());
        }
        if (*remb) {
          return {};
        }
      }
      ++out.skipped_packets;
      return {};
    }
    default:
      ++out.skipped_packets;
      return {};
  }
}

// Writes a header with a zero length; finishPacket fills it in.
std::size_t beginPacket(std::uint8_t type, std::size_t count, std::vector<std::byte>& out) {
  PARLEY_DCHECK(count < 32);
  const std::size_t start = out.size();
  appendU8(out, 0x80U | static_cast<std::uint32_t>(count));
  appendU8(out, type);
  appendU16(out, 0);
  return start;
}

void finishPacket(std::size_t start, std::vector<std::byte>& out) {
  const std::size_t bytes = out.size() - start;
  PARLEY_DCHECK(bytes % 4 == 0);
  PARLEY_DCHECK(bytes / 4 - 1 <= 0xFFFFU);
  detail::putU16(out, start + 2, static_cast<std::uint32_t>(bytes / 4 - 1));
}

void appendReportBlocks(const std::vector<ReportBlock>& blocks, std::vector<std::byte>& out) {
  for (const ReportBlock& b : blocks) {
    PARLEY_DCHECK(b.cumulative_lost >= -0x800000 && b.cumulative_lost <= 0x7FFFFF);
    appendU32(out, b.ssrc);
    appendU8(out, b.fraction_lost);
    appendU24(out, static_cast<std::uint32_t>(b.cumulative_lost) & 0xFFFFFFU);
    appendU32(out, b.extended_highest_seq);
    appendU32(out, b.jitter);
    appendU32(out, b.last_sr);
    appendU32(out, b.delay_since_last_sr);
  }
}

}  // namespace

Result<RtcpCompound> parseRtcp(std::span<const std::byte> compound) {
  if (compound.empty()) {
    return malformed("empty packet");
  }
  if (compound.size() > kMaxMediaPacketSize) {
    return malformed("compound of " + sizeStr(compound.size()) + " bytes exceeds " +
                     sizeStr(kMaxMediaPacketSize));
  }
  RtcpCompound out;
  std::size_t pos = 0;
  while (pos < compound.size()) {
    const std::size_t left = compound.size() - pos;
    if (left < kRtcpHeaderSize) {
      return malformed(sizeStr(left) + " trailing bytes at offset " + sizeStr(pos) +
                       " are shorter than a 4-byte header");
    }
    const std::uint8_t b0 = readU8(compound, pos);
    const std::uint8_t type = readU8(compound, pos + 1);
    const std::size_t length = (std::size_t{readU16(compound, pos + 2)} + 1) * 4;
    if ((b0 >> 6U) != 2) {
      return malformed("version " + std::to_string(b0 >> 6U) + " at offset " + sizeStr(pos) +
                       ", expected 2");
    }
    if (length > left) {
      return malformed("packet type " + std::to_string(type) + " at offset " + sizeStr(pos) +
                       " claims " + sizeStr(length) + " bytes, only " + sizeStr(left) + " left");
    }
    const auto packet = compound.subspan(pos, length);
    std::size_t body_end = length;
    if ((b0 & 0x20U) != 0) {
      const std::size_t padding = readU8(packet, length - 1);
      if (padding == 0 || padding > length - kRtcpHeaderSize) {
        return malformed("padding count " + sizeStr(padding) + " invalid for a packet of " +
                         sizeStr(length) + " bytes");
      }
      body_end -= padding;
    }
    auto parsed = parseOne(type, b0 & 0x1FU,
                           packet.subspan(kRtcpHeaderSize, body_end - kRtcpHeaderSize), out);
    if (!parsed) {
      return makeError(std::move(parsed).error());
    }
    pos += length;
  }
  return out;
}

void appendSenderReport(const SenderReport& sr, std::vector<std::byte>& out) {
  PARLEY_DCHECK(sr.report_blocks.size() <= kMaxRtcpReportBlocks);
  const std::size_t start = beginPacket(kRtcpSenderReport, sr.report_blocks.size(), out);
  appendU32(out, sr.ssrc);
  appendU32(out, static_cast<std::uint32_t>(sr.ntp_timestamp >> 32U));
  appendU32(out, static_cast<std::uint32_t>(sr.ntp_timestamp & 0xFFFFFFFFU));
  appendU32(out, sr.rtp_timestamp);
  appendU32(out, sr.packet_count);
  appendU32(out, sr.octet_count);
  appendReportBlocks(sr.report_blocks, out);
  finishPacket(start, out);
}

void appendReceiverReport(const ReceiverReport& rr, std::vector<std::byte>& out) {
  PARLEY_DCHECK(rr.report_blocks.size() <= kMaxRtcpReportBlocks);
  const std::size_t start = beginPacket(kRtcpReceiverReport, rr.report_blocks.size(), out);
  appendU32(out, rr.ssrc);
  appendReportBlocks(rr.report_blocks, out);
  finishPacket(start, out);
}

void appendNack(const Nack& nack, std::vector<std::byte>& out) {
  PARLEY_DCHECK(!nack.lost_sequences.empty());
  // Unwrap relative to the list itself so sorting works across 65535 -> 0.
  SequenceUnwrapper unwrapper;
  std::vector<std::int64_t> seqs;
  seqs.reserve(nack.lost_sequences.size());
  for (const std::uint16_t s : nack.lost_sequences) {
    seqs.push_back(unwrapper.unwrap(s));
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());

  const std::size_t start = beginPacket(kRtcpRtpFeedback, kNackFmt, out);
  appendU32(out, nack.sender_ssrc);
  appendU32(out, nack.media_ssrc);
  std::size_t i = 0;
  while (i < seqs.size()) {
    const std::int64_t pid = seqs[i++];
    std::uint32_t blp = 0;
    while (i < seqs.size() && seqs[i] - pid <= 16) {
      blp |= 1U << static_cast<unsigned>(seqs[i] - pid - 1);
      ++i;
    }
    appendU16(out, static_cast<std::uint32_t>(static_cast<std::uint64_t>(pid) & 0xFFFFU));
    appendU16(out, blp);
  }
  finishPacket(start, out);
}

void appendPli(const Pli& pli, std::vector<std::byte>& out) {
  const std::size_t start = beginPacket(kRtcpPayloadFeedback, kPliFmt, out);
  appendU32(out, pli.sender_ssrc);
  appendU32(out, pli.media_ssrc);
  finishPacket(start, out);
}

void appendRemb(const Remb& remb, std::vector<std::byte>& out) {
  PARLEY_DCHECK(remb.ssrcs.size() <= kMaxRembSsrcs);
  unsigned exponent = 0;
  while ((remb.bitrate_bps >> exponent) > 0x3FFFFU) {
    ++exponent;
  }
  const auto mantissa = static_cast<std::uint32_t>(remb.bitrate_bps >> exponent);
  const std::size_t start = beginPacket(kRtcpPayloadFeedback, kAfbFmt, out);
  appendU32(out, remb.sender_ssrc);
  appendU32(out, 0);            // media SSRC: unused by REMB, must be 0
  appendU32(out, 0x52454D42U);  // "REMB"
  appendU8(out, static_cast<std::uint32_t>(remb.ssrcs.size()));
  appendU24(out, (exponent << 18U) | mantissa);
  for (const std::uint32_t ssrc : remb.ssrcs) {
    appendU32(out, ssrc);
  }
  finishPacket(start, out);
}

void appendBye(const Bye& bye, std::vector<std::byte>& out) {
  PARLEY_DCHECK(bye.ssrcs.size() <= kMaxRtcpByeSsrcs);
  PARLEY_DCHECK(bye.reason.size() <= 255);
  const std::size_t start = beginPacket(kRtcpBye, bye.ssrcs.size(), out);
  for (const std::uint32_t ssrc : bye.ssrcs) {
    appendU32(out, ssrc);
  }
  if (!bye.reason.empty()) {
    appendU8(out, static_cast<std::uint32_t>(bye.reason.size()));
    for (const char c : bye.reason) {
      appendU8(out, static_cast<std::uint8_t>(c));
    }
    while ((out.size() - start) % 4 != 0) {
      appendU8(out, 0);  // RFC 3550 6.6: null-padded to a 32-bit boundary
    }
  }
  finishPacket(start, out);
}

}  // namespace parley::media
