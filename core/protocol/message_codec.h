#pragma once
// Envelope <-> bytes, with the checks every receiver needs before acting on a
// message from a stranger: it parses, it has a known body, and its strings are
// inside the protocol's bounds. Pure functions, any thread.

#include <span>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/protocol/parley.pb.h"

namespace parley::protocol {

using proto::Envelope;

// Serializes into a complete frame (header + payload) appended to `out`.
Result<void> appendEnvelopeFrame(const Envelope& envelope, std::string& out);

// Parses one frame payload. Fails with MalformedMessage (not protobuf, or a
// field far past any sane bound) or UnknownMessage (no body we know: a newer
// peer or garbage). Either is a reason to close the connection.
Result<Envelope> parseEnvelope(std::span<const std::byte> payload);
Result<Envelope> parseEnvelope(std::string_view payload);

// Content checks a receiver applies before acting on a parsed message:
// InvalidRoomName, ChatTooLong, InvalidText, InvalidUserName. These refuse
// that one message (a non-fatal ErrorNotice); the connection stays.
Result<void> validateContent(const Envelope& envelope);

// Name of the envelope's body ("chat_send"), for logs.
std::string_view bodyName(const Envelope& envelope);

// Bounds shared by parsing and by the server's own checks.
Result<void> validateRoomName(std::string_view room);
Result<void> validateUserName(std::string_view user);
Result<void> validateChatText(std::string_view text);

// Builders for the messages both sides send often.
Envelope makeErrorNotice(const Error& error, bool fatal);
Envelope makePing(std::uint64_t nonce);
Envelope makePong(std::uint64_t nonce);

}  // namespace parley::protocol
