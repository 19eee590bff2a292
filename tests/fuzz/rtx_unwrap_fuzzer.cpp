// Fuzzes unwrapRtx with arbitrary packets (RTX arrives from the network on
// both the server and the clients). Properties:
//  - no crash, no sanitizer report, never reads outside the input;
//  - what unwraps is a valid RTP packet of the original stream: the media
//    payload type, the SSRC without the RTX bit, the OSN as its sequence,
//    two bytes shorter than the input without its padding;
//  - wrapping it again under the input's RTX SSRC and sequence and
//    unwrapping that gives the same original (the round trip is exact).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/rtp/rtp_packet.h"
#include "media/rtp/rtx.h"
#include "tests/fuzz/fuzz_check.h"

using parley::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::media;  // NOLINT(google-build-using-namespace)
  const auto input = std::as_bytes(std::span<const std::uint8_t>(data, size));
  std::vector<std::byte> original;
  const auto unwrapped = unwrapRtx(input, original);
  if (!unwrapped) {
    return 0;
  }
  const auto rtx = parseRtp(input);
  const auto view = parseRtp(original);
  if (!rtx || !view) {
    fail("unwrapped a packet that is not RTP, or into one");
  }
  if (view->header.sequence != unwrapped->original_sequence ||
      view->header.ssrc != unwrapped->media_ssrc || isRtxSsrc(view->header.ssrc) ||
      mediaPayloadTypeForRtx(rtx->header.payload_type) != view->header.payload_type) {
    fail("the original's header does not match the RTX packet");
  }
  if (original.size() + 2 + rtx->padding != size || view->padding != 0) {
    fail("the original is not the RTX packet less the OSN and the padding");
  }
  std::vector<std::byte> again;
  if (!wrapRtx(original, rtx->header.ssrc, rtx->header.sequence, again)) {
    fail("the original does not wrap again");
  }
  std::vector<std::byte> back;
  const auto twice = unwrapRtx(again, back);
  if (!twice || back != original || twice->original_sequence != unwrapped->original_sequence) {
    fail("wrapping and unwrapping again changed the packet");
  }
  return 0;
}
