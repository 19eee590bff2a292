// Writes the seed corpora under tests/fuzz/corpus/: one valid message of each
// type (and a few edge cases) for message_parser_fuzzer, and framed streams
// for frame_decoder_fuzzer. Run by hand when the protocol changes, then
// commit the files:
//   build/test/tests/fuzz/fuzz_corpus_generator tests/fuzz/corpus

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "core/protocol/message_codec.h"
#include "core/protocol/protocol_limits.h"

namespace {

using parley::protocol::Envelope;

std::vector<std::pair<std::string, Envelope>> sampleMessages() {
  std::vector<std::pair<std::string, Envelope>> out;
  auto add = [&out](std::string name) -> Envelope& {
    out.emplace_back(std::move(name), Envelope{});
    return out.back().second;
  };
  {
    auto* m = add("client_hello").mutable_client_hello();
    m->set_protocol_version(parley::protocol::kProtocolVersion);
    m->set_client_name("parley-cli/0.1.0");
    m->set_client_instance(0x1234567890abcdefULL);
  }
  {
    auto* m = add("server_hello").mutable_server_hello();
    m->set_protocol_version(parley::protocol::kProtocolVersion);
    m->set_server_name("localhost");
    m->set_server_version("0.1.0");
    m->set_keepalive_interval_s(20);
    m->set_idle_timeout_s(120);
    m->set_max_chat_bytes(16384);
  }
  {
    auto* m = add("sign_in").mutable_sign_in();
    m->set_user("alice");
    m->set_password("demo-alice");
  }
  {
    auto* m = add("sign_in_result_ok").mutable_sign_in_result();
    m->set_ok(true);
    m->set_participant_id(7);
  }
  {
    auto* m = add("sign_in_result_refused").mutable_sign_in_result();
    m->set_ok(false);
    m->set_error_code(301);
    m->set_reason("too many failed sign-ins; try again later");
    m->set_retry_after_ms(30000);
  }
  {
    auto* m = add("join_room").mutable_join_room();
    m->set_room("demo");
  }
  {
    auto* m = add("join_room_resume").mutable_join_room();
    m->set_room("demo");
    m->set_has_resume(true);
    m->set_resume_after_seq(41);
  }
  {
    auto* m = add("joined").mutable_joined();
    m->set_room("demo");
    m->set_last_seq(42);
    auto* a = m->add_participants();
    a->set_id(7);
    a->set_user("alice");
    auto* b = m->add_participants();
    b->set_id(8);
    b->set_user("bob");
  }
  add("leave_room").mutable_leave_room();
  add("left").mutable_left()->set_room("demo");
  {
    auto* m = add("participant_joined").mutable_participant_joined();
    m->set_room("demo");
    m->mutable_participant()->set_id(8);
    m->mutable_participant()->set_user("bob");
  }
  {
    auto* m = add("participant_left").mutable_participant_left();
    m->set_room("demo");
    m->mutable_participant()->set_id(8);
    m->mutable_participant()->set_user("bob");
    m->set_reason("keepalive_timeout");
  }
  {
    auto* m = add("chat_send").mutable_chat_send();
    m->set_client_msg_id(1);
    m->set_text("Hi, I'm bob, the demo bot");
  }
  {
    auto* m = add("chat_ack").mutable_chat_ack();
    m->set_client_msg_id(1);
    m->set_seq(43);
  }
  {
    auto* m = add("chat_message").mutable_chat_message();
    m->set_room("demo");
    m->set_seq(43);
    m->set_sender("bob");
    m->set_text("multi\nline\twith tab and ünïcödé");
    m->set_server_time_ms(1700000000000);
    m->set_sender_participant_id(8);
  }
  {
    auto* m = add("chat_message_pending").mutable_chat_message();
    m->set_room("demo");
    m->set_sender("carol");
    m->set_text("sent while the order keeper is away");
    m->set_server_time_ms(1700000000000);
    m->set_pending_id(0x5eed5eed5eed5eedULL);
  }
  add("ping").mutable_ping()->set_nonce(99);
  add("pong").mutable_pong()->set_nonce(99);
  {
    auto* m = add("error_notice").mutable_error();
    m->set_code(108);
    m->set_slug("chat_too_long");
    m->set_reason("chat message of 20000 bytes is over the limit of 16384");
    m->set_fatal(false);
    m->set_client_msg_id(5);
  }
  // Content errors: parse fine, refused by validateContent.
  add("join_room_bad_name").mutable_join_room()->set_room("bad\x01room");
  {
    auto* m = add("chat_send_too_long").mutable_chat_send();
    m->set_client_msg_id(2);
    m->set_text(std::string(parley::protocol::kMaxChatBytes + 1, 'x'));
  }
  return out;
}

std::string frame(const Envelope& envelope) {
  std::string out;
  if (!parley::protocol::appendEnvelopeFrame(envelope, out)) {
    std::fprintf(stderr, "cannot frame a sample message\n");
    std::exit(1);
  }
  return out;
}

void writeFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root(argv[1]);
  const auto parser_dir = root / "message_parser_fuzzer";
  const auto decoder_dir = root / "frame_decoder_fuzzer";
  std::filesystem::create_directories(parser_dir);
  std::filesystem::create_directories(decoder_dir);

  const auto samples = sampleMessages();
  std::string session;  // a whole client session in one stream
  char seed = 0;
  for (const auto& [name, envelope] : samples) {
    std::string payload;
    envelope.SerializeToString(&payload);
    writeFile(parser_dir / name, payload);
    // Frame decoder input: one chunk-split seed byte, then the stream.
    if (payload.size() < 4096) {
      writeFile(decoder_dir / name, std::string(1, seed++) + frame(envelope));
      session += frame(envelope);
    }
  }
  writeFile(decoder_dir / "session", std::string(1, '\x2a') + session);
  // Edge cases: a header announcing a frame over 1 MiB, a truncated frame,
  // an empty frame (an envelope with no body), garbage.
  writeFile(decoder_dir / "oversized_header", std::string("\x00\x00\x10\x00\x01", 5));
  writeFile(decoder_dir / "truncated",
            std::string(1, '\x07') + frame(samples[0].second).substr(0, 9));
  writeFile(decoder_dir / "empty_frame", std::string("\x03\x00\x00\x00\x00", 5));
  writeFile(decoder_dir / "garbage", std::string("\x11GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  writeFile(parser_dir / "empty", std::string());
  writeFile(parser_dir / "garbage", std::string("\xff\xff\xff\xff\x0f garbage", 14));
  std::printf("wrote %zu messages to %s\n", samples.size(), root.c_str());
  return 0;
}
