// Fuzzes protocol::FrameDecoder with arbitrary bytes fed in arbitrary chunk
// splits, and every complete frame through parseEnvelope + validateContent.
//
// Input layout: byte 0 seeds the chunk-size generator; the rest is the byte
// stream as it would arrive from a peer (u32 big-endian length + payload...).
// Properties checked:
//  - no crash, no sanitizer report, no unbounded buffering;
//  - the decoder yields the same frames whatever the chunk split (compared
//    against feeding the whole stream at once);
//  - a frame the decoder yields is never larger than the limit.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/protocol/frame_codec.h"
#include "core/protocol/message_codec.h"
#include "core/protocol/protocol_limits.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using parley::protocol::FrameDecoder;

struct Decoded {
  std::vector<std::string> frames;
  bool failed = false;
};

// Feeds `stream` in chunks whose sizes come from `next_chunk`, draining
// complete frames after every chunk, as MessageChannel does.
template <typename NextChunk>
Decoded decode(std::span<const std::byte> stream, NextChunk next_chunk) {
  // A small limit as well as the real one would miss the real limit's paths;
  // keep the real one, inputs are far smaller than 1 MiB anyway.
  FrameDecoder decoder;
  Decoded out;
  std::size_t pos = 0;
  while (pos < stream.size() && !out.failed) {
    const std::size_t n = std::min(next_chunk(), stream.size() - pos);
    if (!decoder.feed(stream.subspan(pos, n))) {
      out.failed = true;
      break;
    }
    pos += n;
    for (;;) {
      auto frame = decoder.next();
      if (!frame) {
        out.failed = true;
        break;
      }
      if (!frame->has_value()) {
        break;
      }
      if ((*frame)->size() > parley::protocol::kMaxFrameBytes) {
        parley::fuzz::fail("decoder yielded a frame over the limit");
      }
      out.frames.push_back(std::move(**frame));
    }
    if (decoder.bufferedBytes() >
        parley::protocol::kMaxFrameBytes + parley::protocol::kFrameHeaderBytes + stream.size()) {
      parley::fuzz::fail("decoder buffers more than it was given");
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  parley::fuzz::silenceProtobufLogs();
  if (size < 1) {
    return 0;
  }
  std::uint32_t state = 0x9e3779b9U ^ (std::uint32_t{data[0]} * 0x01000193U);
  const auto stream = std::as_bytes(std::span<const std::uint8_t>(data + 1, size - 1));

  // Chunks of 1..64 bytes, with an occasional large one.
  auto split = [&state]() -> std::size_t {
    state ^= state << 13U;
    state ^= state >> 17U;
    state ^= state << 5U;
    return (state % 16U == 0) ? 4096 : 1 + (state % 64U);
  };
  const Decoded chunked = decode(stream, split);
  const Decoded whole = decode(stream, [] { return std::size_t{1} << 30U; });

  if (chunked.frames != whole.frames) {
    // A failure mid-stream stops one run earlier than the other only if the
    // split changed what was decoded, which must not happen.
    parley::fuzz::fail("frames depend on how the stream was split");
  }
  if (chunked.failed != whole.failed) {
    parley::fuzz::fail("decoder failure depends on how the stream was split");
  }

  for (const std::string& frame : chunked.frames) {
    auto envelope = parley::protocol::parseEnvelope(std::string_view(frame));
    if (envelope) {
      (void)parley::protocol::validateContent(*envelope);
      (void)parley::protocol::bodyName(*envelope);
    }
  }
  return 0;
}
