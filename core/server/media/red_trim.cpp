#include "core/server/media/red_trim.h"

#include <algorithm>

#include "media/rtp/red_payload.h"

namespace parley::server {

bool trimRedCopies(std::span<const std::byte> packet, const media::RtpPacketView& rtp,
                   std::size_t max_back, std::vector<std::byte>& out) {
  const auto red = media::parseRed(rtp.payload);
  if (!red) {
    return false;
  }
  const auto blocks = red->redundant();
  // Oldest first: the i-th of n is n - i back, so the ones kept are the
  // last min(n, max_back - 1).
  const std::size_t keep = std::min(blocks.size(), max_back > 0 ? max_back - 1 : 0);
  if (keep == blocks.size()) {
    return false;
  }
  const auto kept = blocks.subspan(blocks.size() - keep);
  const auto header_size = static_cast<std::size_t>(rtp.payload.data() - packet.data());
  out.assign(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(header_size));
  out[0] &= std::byte{0xDF};  // no padding follows any more (RFC 3550 5.1, P bit)
  out.resize(header_size + rtp.payload.size());  // the trimmed payload is never longer
  const auto written = media::writeRed(kept, red->primary_payload_type, red->primary,
                                       std::span<std::byte>(out).subspan(header_size));
  if (!written) {
    return false;
  }
  out.resize(header_size + *written);
  return true;
}

}  // namespace parley::server
