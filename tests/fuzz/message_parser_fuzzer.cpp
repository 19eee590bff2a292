// Fuzzes the message parser: parseEnvelope + validateContent on arbitrary
// payload bytes (one frame's payload, no length header), then checks that a
// parsed message survives a round trip:
//   serialize(parse(serialize(m))) == serialize(m)
// and that the framed form decodes back to the same payload.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/protocol/frame_codec.h"
#include "core/protocol/message_codec.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  parley::fuzz::silenceProtobufLogs();
  const auto payload = std::as_bytes(std::span<const std::uint8_t>(data, size));
  auto envelope = parley::protocol::parseEnvelope(payload);
  if (!envelope) {
    return 0;
  }
  const auto content = parley::protocol::validateContent(*envelope);
  (void)parley::protocol::bodyName(*envelope);

  std::string first;
  if (!envelope->SerializeToString(&first)) {
    parley::fuzz::fail("a parsed message does not serialize");
  }
  auto again = parley::protocol::parseEnvelope(std::string_view(first));
  if (!again) {
    parley::fuzz::fail("a re-serialized message does not parse");
  }
  if (again->body_case() != envelope->body_case()) {
    parley::fuzz::fail("round trip changed the message type");
  }
  if (static_cast<bool>(parley::protocol::validateContent(*again)) != static_cast<bool>(content)) {
    parley::fuzz::fail("round trip changed the content verdict");
  }
  std::string second;
  if (!again->SerializeToString(&second) || second != first) {
    parley::fuzz::fail("round trip is not stable");
  }

  // The framed form decodes back to the same payload.
  std::string framed;
  if (!parley::protocol::appendEnvelopeFrame(*envelope, framed)) {
    return 0;  // over the frame limit: refused, which is correct
  }
  parley::protocol::FrameDecoder decoder;
  if (!decoder.feed(std::as_bytes(std::span<const char>(framed.data(), framed.size())))) {
    parley::fuzz::fail("decoder refused a frame we produced");
  }
  auto frame = decoder.next();
  if (!frame || !frame->has_value() || **frame != first || decoder.hasPartialFrame()) {
    parley::fuzz::fail("framed message does not decode back to its payload");
  }
  return 0;
}
