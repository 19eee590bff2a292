#include <catch2/catch.hpp>

#include "core/protocol/frame_codec.h"
#include "core/protocol/message_codec.h"

using namespace parley;
using namespace parley::protocol;

namespace {
Envelope chat(const std::string& text) {
  Envelope e;
  e.mutable_chat_send()->set_client_msg_id(7);
  e.mutable_chat_send()->set_text(text);
  return e;
}
}  // namespace

TEST_CASE("an envelope survives framing and parsing") {
  Envelope hello;
  hello.mutable_client_hello()->set_protocol_version(kProtocolVersion);
  hello.mutable_client_hello()->set_client_name("test");
  hello.mutable_client_hello()->set_client_instance(42);
  std::string wire;
  REQUIRE(appendEnvelopeFrame(hello, wire));
  FrameDecoder decoder;
  REQUIRE(decoder.feed(std::as_bytes(std::span<const char>(wire.data(), wire.size()))));
  auto frame = decoder.next();
  REQUIRE(frame);
  REQUIRE(frame->has_value());
  auto parsed = parseEnvelope(std::string_view(**frame));
  REQUIRE(parsed);
  CHECK(parsed->client_hello().client_instance() == 42);
  CHECK(bodyName(*parsed) == "client_hello");
}

TEST_CASE("garbage is a malformed message, an empty envelope an unknown one") {
  auto garbage = parseEnvelope(std::string_view("\xff\xff\xff\xff\xff", 5));
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code == ErrorCode::MalformedMessage);

  auto empty = parseEnvelope(std::string_view(""));
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == ErrorCode::UnknownMessage);

  // Field 99 (unknown to this version) with a varint: parses, but no body.
  auto future = parseEnvelope(std::string_view("\x98\x06\x01", 3));
  REQUIRE_FALSE(future);
  CHECK(future.error().code == ErrorCode::UnknownMessage);
}

TEST_CASE("chat text bounds") {
  CHECK(validateContent(chat("hi")));
  CHECK(validateContent(chat("line one\nline\ttwo")));
  CHECK(validateContent(chat(std::string(kMaxChatBytes, 'a'))));
  auto too_long = validateContent(chat(std::string(kMaxChatBytes + 1, 'a')));
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().code == ErrorCode::ChatTooLong);
  auto escape = validateContent(chat("\x1b[2Jgotcha"));
  REQUIRE_FALSE(escape);
  CHECK(escape.error().code == ErrorCode::InvalidText);
  CHECK(validateContent(chat("")).error().code == ErrorCode::InvalidText);
}

TEST_CASE("a chat message is numbered or pending, never both or neither") {
  const auto message = [](std::uint64_t seq, std::uint64_t pending, std::uint64_t replaces) {
    Envelope e;
    auto* m = e.mutable_chat_message();
    m->set_room("demo");
    m->set_sender("alice");
    m->set_text("hi");
    m->set_seq(seq);
    m->set_pending_id(pending);
    m->set_replaces_pending_id(replaces);
    return e;
  };
  CHECK(validateContent(message(5, 0, 0)));
  CHECK(validateContent(message(0, 77, 0)));
  CHECK(validateContent(message(5, 0, 77)));
  CHECK(validateContent(message(0, 0, 0)).error().code == ErrorCode::MalformedMessage);
  CHECK(validateContent(message(5, 77, 0)).error().code == ErrorCode::MalformedMessage);
  CHECK(validateContent(message(0, 77, 76)).error().code == ErrorCode::MalformedMessage);
}

TEST_CASE("room names refuse control characters, emptiness and length") {
  CHECK(validateRoomName("demo"));
  CHECK(validateRoomName("Réunion d'équipe"));
  CHECK(validateRoomName(std::string(kMaxRoomNameBytes, 'r')));
  CHECK_FALSE(validateRoomName(""));
  CHECK_FALSE(validateRoomName(std::string(kMaxRoomNameBytes + 1, 'r')));
  CHECK(validateRoomName("bad\nroom").error().code == ErrorCode::InvalidRoomName);
  CHECK(validateRoomName("bad\x7froom").error().code == ErrorCode::InvalidRoomName);
  CHECK(validateRoomName("c1\xc2\x85room").error().code == ErrorCode::InvalidRoomName);
}

TEST_CASE("user names are a conservative character set") {
  CHECK(validateUserName("alice.smith@example-1"));
  CHECK_FALSE(validateUserName(""));
  CHECK_FALSE(validateUserName("has space"));
  CHECK_FALSE(validateUserName(std::string(kMaxUserNameBytes + 1, 'u')));
}

TEST_CASE("invalid UTF-8 in a string field is malformed") {
  Envelope e = chat("ok");
  std::string wire = e.SerializeAsString();
  // Replace the "ok" bytes with an invalid UTF-8 sequence.
  const auto pos = wire.find("ok");
  REQUIRE(pos != std::string::npos);
  wire[pos] = '\xc3';
  wire[pos + 1] = '\x28';
  auto parsed = parseEnvelope(std::string_view(wire));
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == ErrorCode::MalformedMessage);
}

TEST_CASE("error codes have stable slugs and numbers") {
  CHECK(errorSlug(ErrorCode::TlsInspection) == "tls_inspection");
  CHECK(static_cast<int>(ErrorCode::TlsHandshakeFailed) == 203);
  CHECK(errorCodeFromNumber(204) == ErrorCode::TlsInspection);
  CHECK(errorCodeFromNumber(65000) == ErrorCode::Internal);
  Envelope notice = makeErrorNotice(Error{ErrorCode::ChatTooLong, "too long"}, false);
  CHECK(notice.error().slug() == "chat_too_long");
  CHECK(notice.error().code() == 108);
  CHECK_FALSE(notice.error().fatal());
}
