// Fuzzes parseRed (RFC 2198 payloads) with arbitrary bytes. Properties:
//  - no crash, no sanitizer report, never reads outside the input;
//  - an accepted payload respects the bounds: at most kMaxRedBlocks
//    redundant blocks, a non-empty primary, every block inside the input,
//    and headers plus blocks account for every byte;
//  - written again with writeRed it gives back exactly the input.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/rtp/red_payload.h"
#include "tests/fuzz/fuzz_check.h"

using parley::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::media;  // NOLINT(google-build-using-namespace)
  const auto input = std::as_bytes(std::span<const std::uint8_t>(data, size));
  const auto parsed = parseRed(input);
  if (!parsed) {
    return 0;
  }
  const RedPayloadView& red = *parsed;
  if (red.redundant_count > kMaxRedBlocks) {
    fail("more redundant blocks than the bound");
  }
  if (red.primary.empty()) {
    fail("accepted an empty primary");
  }
  const auto inside = [&](std::span<const std::byte> s) {
    return s.empty() || (s.data() >= input.data() && s.data() + s.size() <= input.data() + size);
  };
  std::size_t total = kRedPrimaryHeaderSize + red.primary.size();
  for (const RedBlock& block : red.redundant()) {
    if (!inside(block.data) || block.data.size() > kMaxRedBlockLength ||
        block.timestamp_offset > kMaxRedTimestampOffset || block.payload_type > 0x7F) {
      fail("a redundant block out of bounds");
    }
    total += kRedHeaderSize + block.data.size();
  }
  if (!inside(red.primary) || total != size) {
    fail("headers and blocks do not account for the input");
  }
  std::array<std::byte, 2048> out{};
  const auto rewritten = writeRed(red.redundant(), red.primary_payload_type, red.primary,
                                  std::span<std::byte>(out.data(), out.size()));
  if (size <= out.size() &&
      (!rewritten || !std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*rewritten),
                                 input.begin(), input.end()))) {
    fail("written again, the payload differs");
  }
  return 0;
}
