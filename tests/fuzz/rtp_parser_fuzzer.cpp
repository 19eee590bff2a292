// Fuzzes parseRtp and isRtcp with arbitrary datagrams. Properties:
//  - no crash, no sanitizer report, never reads outside the input;
//  - an accepted packet's payload lies inside the input and header, payload
//    and padding add up to the whole packet;
//  - writeRtp of the parsed header and payload parses back to the same
//    header and payload (padding aside).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "media/rtp/rtp_packet.h"
#include "tests/fuzz/fuzz_check.h"

using parley::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::media;  // NOLINT(google-build-using-namespace)
  const auto input = std::as_bytes(std::span<const std::uint8_t>(data, size));
  (void)isRtcp(input);
  const auto view = parseRtp(input);
  if (!view) {
    return 0;
  }
  if (size > kMaxMediaPacketSize) {
    fail("accepted an oversized packet");
  }
  const RtpHeader& h = view->header;
  if (h.csrcs.size() > kMaxRtpCsrcs || h.payload_type > 127) {
    fail("header fields out of range");
  }
  std::size_t header_size = kRtpFixedHeaderSize + 4 * h.csrcs.size();
  if (h.extension) {
    header_size += 4 + 4 * h.extension->words.size();
  }
  if (header_size + view->payload.size() + view->padding != size) {
    fail("header, payload and padding do not add up to the packet");
  }
  if (view->payload.data() != input.data() + header_size && !view->payload.empty()) {
    fail("payload does not start after the header");
  }

  std::vector<std::byte> rewritten;
  writeRtp(h, view->payload, rewritten);
  const auto again = parseRtp(rewritten);
  if (!again) {
    fail("rewritten packet does not parse");
  }
  if (!(again->header == h) || again->padding != 0 ||
      !std::equal(again->payload.begin(), again->payload.end(), view->payload.begin(),
                  view->payload.end())) {
    fail("rewritten packet differs");
  }
  return 0;
}
