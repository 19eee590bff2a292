#include "media/rtp/rtp_packet.h"

#include <string>

#include "core/base/thread_check.h"
#include "media/rtp/byte_io.h"

namespace parley::media {

namespace {

using detail::readU16;
using detail::readU32;
using detail::readU8;

Unexpected malformed(std::string why) {
  return makeError(ErrorCode::MediaMalformedPacket, "RTP: " + std::move(why));
}

}  // namespace

Result<RtpPacketView> parseRtp(std::span<const std::byte> packet) {
  if (packet.size() < kRtpFixedHeaderSize) {
    return malformed("packet of " + std::to_string(packet.size()) +
                     " bytes is shorter than the 12-byte header");
  }
  if (packet.size() > kMaxMediaPacketSize) {
    return malformed("packet of " + std::to_string(packet.size()) + " bytes exceeds " +
                     std::to_string(kMaxMediaPacketSize));
  }
  const std::uint8_t b0 = readU8(packet, 0);
  const std::uint8_t b1 = readU8(packet, 1);
  if ((b0 >> 6U) != 2) {
    return malformed("version " + std::to_string(b0 >> 6U) + ", expected 2");
  }
  const bool has_padding = (b0 & 0x20U) != 0;
  const bool has_extension = (b0 & 0x10U) != 0;
  const std::size_t csrc_count = b0 & 0x0FU;

  RtpPacketView view;
  RtpHeader& h = view.header;
  h.marker = (b1 & 0x80U) != 0;
  h.payload_type = static_cast<std::uint8_t>(b1 & 0x7FU);
  h.sequence = readU16(packet, 2);
  h.timestamp = readU32(packet, 4);
  h.ssrc = readU32(packet, 8);

  std::size_t pos = kRtpFixedHeaderSize;
  if (packet.size() - pos < csrc_count * 4) {
    return malformed(std::to_string(csrc_count) + " CSRCs run past the end of the packet");
  }
  h.csrcs.reserve(csrc_count);
  for (std::size_t i = 0; i < csrc_count; ++i, pos += 4) {
    h.csrcs.push_back(readU32(packet, pos));
  }

  if (has_extension) {
    if (packet.size() - pos < 4) {
      return malformed("header extension header runs past the end of the packet");
    }
    RtpExtension ext;
    ext.profile = readU16(packet, pos);
    const std::size_t words = readU16(packet, pos + 2);
    pos += 4;
    if ((packet.size() - pos) / 4 < words) {
      return malformed("header extension of " + std::to_string(words) +
                       " words runs past the end of the packet");
    }
    ext.words.reserve(words);
    for (std::size_t i = 0; i < words; ++i, pos += 4) {
      ext.words.push_back(readU32(packet, pos));
    }
    h.extension = std::move(ext);
  }

  std::size_t end = packet.size();
  if (has_padding) {
    // The last byte counts the padding, itself included (RFC 3550 5.1).
    const std::size_t count = readU8(packet, packet.size() - 1);
    if (pos == packet.size()) {
      return malformed("padding bit set but no byte left for the padding count");
    }
    if (count == 0) {
      return malformed("padding count is 0");
    }
    if (count > packet.size() - pos) {
      return malformed("padding of " + std::to_string(count) + " bytes is larger than the " +
                       std::to_string(packet.size() - pos) + " bytes after the header");
    }
    end -= count;
    view.padding = count;
  }
  view.payload = packet.subspan(pos, end - pos);
  return view;
}

void writeRtp(const RtpHeader& header, std::span<const std::byte> payload,
              std::vector<std::byte>& out) {
  PARLEY_DCHECK(header.payload_type < 128);
  PARLEY_DCHECK(header.csrcs.size() <= kMaxRtpCsrcs);
  PARLEY_DCHECK(!header.extension || header.extension->words.size() <= 0xFFFFU);
  out.clear();
  std::size_t size = kRtpFixedHeaderSize + 4 * header.csrcs.size() + payload.size();
  if (header.extension) {
    size += 4 + 4 * header.extension->words.size();
  }
  out.reserve(size);
  const std::uint32_t b0 = 0x80U | (header.extension ? 0x10U : 0U) |
                           static_cast<std::uint32_t>(header.csrcs.size() & 0x0FU);
  detail::appendU8(out, b0);
  detail::appendU8(out, (header.marker ? 0x80U : 0U) | (header.payload_type & 0x7FU));
  detail::appendU16(out, header.sequence);
  detail::appendU32(out, header.timestamp);
  detail::appendU32(out, header.ssrc);
  for (const std::uint32_t csrc : header.csrcs) {
    detail::appendU32(out, csrc);
  }
  if (header.extension) {
    detail::appendU16(out, header.extension->profile);
    detail::appendU16(out, static_cast<std::uint32_t>(header.extension->words.size()));
    for (const std::uint32_t word : header.extension->words) {
      detail::appendU32(out, word);
    }
  }
  out.insert(out.end(), payload.begin(), payload.end());
}

bool isRtcp(std::span<const std::byte> packet) {
  if (packet.size() < 2) {
    return false;
  }
  const std::uint8_t b0 = readU8(packet, 0);
  const std::uint8_t b1 = readU8(packet, 1);
  // RTP payload types 64..95 with the marker set would collide with these, so
  // RFC 5761 forbids them on a multiplexed port.
  return (b0 >> 6U) == 2 && b1 >= 192 && b1 <= 223;
}

bool isNewerSequence(std::uint16_t a, std::uint16_t b) {
  const auto diff = static_cast<std::uint16_t>(a - b);
  if (diff == 0x8000U) {
    return a > b;
  }
  return diff != 0 && diff < 0x8000U;
}

std::int64_t SequenceUnwrapper::peek(std::uint16_t sequence) const {
  if (!last_) {
    return sequence;
  }
  const auto last16 = static_cast<std::uint16_t>(static_cast<std::uint64_t>(*last_) & 0xFFFFU);
  const auto forward = static_cast<std::uint16_t>(sequence - last16);
  // Forward by up to half the space, else backward; exactly half goes the
  // same way isNewerSequence does.
  if (isNewerSequence(sequence, last16) || forward == 0) {
    return *last_ + forward;
  }
  return *last_ - static_cast<std::int64_t>(0x10000U - forward);
}

std::int64_t SequenceUnwrapper::unwrap(std::uint16_t sequence) {
  const std::int64_t value = peek(sequence);
  last_ = value;
  return value;
}

}  // namespace parley::media
