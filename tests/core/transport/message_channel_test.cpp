// MessageChannel over real TLS 1.3 on loopback, with the deployment's TLS
// policy: two channels talking to each other, or one channel and a raw TLS
// peer that writes what no channel would (bad frames, a cut mid-frame).

#include "core/transport/message_channel.h"

#include <array>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/protocol/frame_codec.h"
#include "core/protocol/message_codec.h"
#include "net/io_thread.h"
#include "net/media_transport/srtp_session.h"
#include "net/tls/tls_context.h"
#include "tests/support/test_pki.h"

namespace parley::transport {
namespace {

using namespace std::chrono_literals;
using protocol::Envelope;

// Only a bound for a broken channel, far above any run's time for it.
constexpr auto kMustHappen = 20s;

class Recorder final : public MessageChannel::Handler {
 public:
  void onMessage(Envelope&& envelope) override {
    std::lock_guard lock(mu_);
    messages_.push_back(std::move(envelope));
    cv_.notify_all();
  }
  void onClosed(const Error& reason) override {
    std::lock_guard lock(mu_);
    closes_.push_back(reason);
    cv_.notify_all();
  }

  bool waitMessages(std::size_t count) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kMustHappen, [&] { return messages_.size() >= count; });
  }
  // The first close's reason, or nullopt when none came in time.
  std::optional<Error> waitClosed() {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, kMustHappen, [&] { return !closes_.empty(); })) {
      return std::nullopt;
    }
    return closes_.front();
  }
  std::vector<Envelope> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::size_t closeCount() {
    std::lock_guard lock(mu_);
    return closes_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Envelope> messages_;
  std::vector<Error> closes_;
};

Envelope chat(std::uint64_t seq, std::string text = "hello") {
  Envelope e;
  e.mutable_chat_message()->set_room("lobby");
  e.mutable_chat_message()->set_seq(seq);
  e.mutable_chat_message()->set_text(std::move(text));
  return e;
}

Envelope media(std::size_t bytes, char fill) {
  Envelope e;
  e.mutable_media_packet()->set_packet(std::string(bytes, fill));
  return e;
}

std::size_t frameSize(const Envelope& e) {
  std::string frame;
  REQUIRE(protocol::appendEnvelopeFrame(e, frame));
  return frame.size();
}

// Runs `task` on the channel's strand and waits for it: everything posted to
// the strand before it has run when this returns.
void onStrand(MessageChannel& channel, const std::function<void()>& task) {
  std::promise<void> done;
  asio::post(channel.strand(), [&] {
    task();
    done.set_value();
  });
  REQUIRE(done.get_future().wait_for(kMustHappen) == std::future_status::ready);
}

// Holds the channel's strand until release(): what the test sends meanwhile
// queues up behind it, as it would while a write is in flight.
class StrandGate {
 public:
  explicit StrandGate(MessageChannel& channel) {
    // The task may start only after the gate is gone: it holds the future.
    asio::post(channel.strand(), [opened = open_.get_future().share()] { opened.wait(); });
  }
  ~StrandGate() { release(); }
  StrandGate(const StrandGate&) = delete;
  StrandGate& operator=(const StrandGate&) = delete;
  void release() {
    if (!released_) {
      released_ = true;
      open_.set_value();
    }
  }

 private:
  std::promise<void> open_;
  bool released_ = false;
};

// A connected TLS 1.3 pair on loopback: `server` and `client` streams, each
// on its own strand of `io`, handshakes done.
struct TlsPair {
  explicit TlsPair(asio::io_context& io)
      : server_tls(testing::testPki().serverContext()),
        client_tls(testing::testPki().clientContext()) {
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    server = std::make_unique<net::TlsStream>(asio::make_strand(io), *server_tls);
    client = std::make_unique<net::TlsStream>(asio::make_strand(io), *client_tls);
    std::thread client_side([&] {
      client->lowest_layer().connect(acceptor.local_endpoint());
      client->handshake(asio::ssl::stream_base::client);
    });
    acceptor.accept(server->lowest_layer());
    server->handshake(asio::ssl::stream_base::server);
    client_side.join();
  }

  std::shared_ptr<asio::ssl::context> server_tls;
  std::shared_ptr<asio::ssl::context> client_tls;
  std::unique_ptr<net::TlsStream> server;
  std::unique_ptr<net::TlsStream> client;
};

// The channel under test on `io`'s threads; its peer, a raw TLS stream, is
// driven with blocking calls from the test thread.
struct RawPeer {
  explicit RawPeer(asio::io_context& io, MessageChannel::Limits limits = {}) : pair(io) {
    channel = MessageChannel::create(std::move(pair.server), limits);
    channel->start(recorder);
  }
  ~RawPeer() { channel->abort(); }
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  void writeRaw(const std::string& bytes) { asio::write(*pair.client, asio::buffer(bytes)); }

  // The next frame the channel sent, parsed; nullopt at the end of the stream.
  std::optional<Envelope> readEnvelope() {
    std::array<unsigned char, 4> header{};
    asio::error_code ec;
    asio::read(*pair.client, asio::buffer(header), ec);
    if (ec) {
      return std::nullopt;
    }
    std::uint32_t length = 0;
    for (unsigned char b : header) {
      length = (length << 8U) | b;
    }
    std::string payload(length, '\0');
    asio::read(*pair.client, asio::buffer(payload), ec);
    if (ec) {
      return std::nullopt;
    }
    auto parsed = protocol::parseEnvelope(payload);
    REQUIRE(parsed);
    return *parsed;
  }

  // True when the channel ended its side: end of stream, no more bytes.
  bool readsEnd() {
    std::array<char, 64> buffer{};
    asio::error_code ec;
    const std::size_t n = pair.client->read_some(asio::buffer(buffer), ec);
    return n == 0 && ec;
  }

  void close() {
    asio::error_code ignored;
    pair.client->lowest_layer().close(ignored);
  }

  TlsPair pair;
  std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
  std::shared_ptr<MessageChannel> channel;
};

std::string header(std::uint32_t length) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>((length >> (24 - 8 * i)) & 0xffU);
  }
  return out;
}

// Two channels on one context, each with a recorder.
struct ChannelPair {
  explicit ChannelPair(MessageChannel::Limits limits = {}) : pair(io.context()) {
    a = MessageChannel::create(std::move(pair.server), limits);
    b = MessageChannel::create(std::move(pair.client), limits);
    a->start(a_seen);
    b->start(b_seen);
  }
  ~ChannelPair() {
    a->abort();
    b->abort();
    io.join();  // both ends closed: nothing is left in flight
  }
  ChannelPair(const ChannelPair&) = delete;
  ChannelPair& operator=(const ChannelPair&) = delete;

  net::IoThreads io{2};
  TlsPair pair;
  std::shared_ptr<Recorder> a_seen = std::make_shared<Recorder>();
  std::shared_ptr<Recorder> b_seen = std::make_shared<Recorder>();
  std::shared_ptr<MessageChannel> a;
  std::shared_ptr<MessageChannel> b;
};

}  // namespace

TEST_CASE("MessageChannel delivers messages in order, a 64 KiB one whole", "[transport]") {
  ChannelPair p;
  const std::string big(64 * 1024, 'x');
  for (std::uint64_t seq = 1; seq <= 100; ++seq) {
    p.a->send(chat(seq, seq == 50 ? big : "message " + std::to_string(seq)));
  }
  p.b->send(chat(7, "the other way"));
  REQUIRE(p.b_seen->waitMessages(100));
  REQUIRE(p.a_seen->waitMessages(1));

  const auto got = p.b_seen->messages();
  REQUIRE(got.size() == 100);
  for (std::uint64_t seq = 1; seq <= 100; ++seq) {
    const auto& m = got[seq - 1];
    REQUIRE(m.has_chat_message());
    CHECK(m.chat_message().seq() == seq);
    CHECK(m.chat_message().text() == (seq == 50 ? big : "message " + std::to_string(seq)));
  }
  CHECK(p.a_seen->messages().front().chat_message().text() == "the other way");
  CHECK(p.a_seen->closeCount() == 0);
  CHECK(p.b_seen->closeCount() == 0);
  CHECK(p.a->queuedBytesForTest() == 0);
}

TEST_CASE("MessageChannel ends share keying material and name their peer", "[transport]") {
  ChannelPair p;
  CHECK(p.a->mediaKeyingMaterial().size() == net::kMediaKeyingBytes);
  CHECK(p.a->mediaKeyingMaterial() == p.b->mediaKeyingMaterial());
  CHECK(p.a->peerAddress() == "127.0.0.1");
  CHECK(p.b->peerAddress() == "127.0.0.1");
  CHECK(p.b->peerPort() != 0);
}

TEST_CASE("MessageChannel queues writes while one is in flight, video last", "[transport]") {
  ChannelPair p;
  {
    // The first frame goes out alone; everything after it waits for that
    // write. Chat and urgent media keep their order; video goes behind both.
    StrandGate gate(*p.a);
    p.a->send(chat(1));
    p.a->send(chat(2));
    p.a->send(chat(3));
    p.a->sendMedia(media(100, 'a'), true);
    p.a->sendMedia(media(100, 'v'), false);
    p.a->sendMedia(media(100, 'b'), true);
  }
  REQUIRE(p.b_seen->waitMessages(6));
  std::vector<std::string> order;
  for (const auto& m : p.b_seen->messages()) {
    order.push_back(m.has_chat_message() ? "chat" + std::to_string(m.chat_message().seq())
                                         : std::string(1, m.media_packet().packet().front()));
  }
  CHECK(order == std::vector<std::string>{"chat1", "chat2", "chat3", "a", "b", "v"});
}

TEST_CASE("MessageChannel sends voice ahead of a large frame, not of chat before it",
          "[transport]") {
  ChannelPair p;
  {
    StrandGate gate(*p.a);
    p.a->send(chat(1));
    p.a->send(chat(2));
    p.a->sendMedia(media(100, 'v'), false);
    p.a->send(chat(3, std::string(MessageChannel::kFrontControlBytes, 'h')));  // a large one
    p.a->sendMedia(media(100, 'a'), true);
    p.a->send(chat(4));  // behind the large one: chat keeps its order
  }
  REQUIRE(p.b_seen->waitMessages(6));
  std::vector<std::string> order;
  for (const auto& m : p.b_seen->messages()) {
    order.push_back(m.has_chat_message() ? "chat" + std::to_string(m.chat_message().seq())
                                         : std::string(1, m.media_packet().packet().front()));
  }
  CHECK(order == std::vector<std::string>{"chat1", "chat2", "a", "v", "chat3", "chat4"});
}

TEST_CASE("MessageChannel drops media past its queue bound, not chat", "[transport]") {
  ChannelPair p;
  const Envelope packet = media(2000, 'm');
  const std::size_t frame = frameSize(packet);
  const std::size_t sent = 2 * MessageChannel::kMaxQueuedMediaBytes / frame;
  // The first packet is in flight; behind it the bound holds this many.
  const std::size_t kept = 1 + MessageChannel::kMaxQueuedMediaBytes / frame;
  {
    StrandGate gate(*p.a);
    for (std::size_t i = 0; i < sent; ++i) {
      p.a->sendMedia(packet, false);
    }
    p.a->send(chat(1));  // over the media bound, but chat is never dropped
  }
  REQUIRE(p.b_seen->waitMessages(kept + 1));
  std::uint64_t dropped = 0;
  onStrand(*p.a, [&] { dropped = p.a->droppedMediaForTest(); });
  CHECK(dropped == sent - kept);
  const auto got = p.b_seen->messages();
  REQUIRE(got.size() == kept + 1);
  // Chat goes ahead of the video-lane media queued before it, right behind
  // the packet that was already being written.
  CHECK(got[1].has_chat_message());
}

TEST_CASE("MessageChannel closes a peer that does not read as a slow consumer", "[transport]") {
  MessageChannel::Limits limits;
  limits.max_queued_bytes = 1000;
  ChannelPair p(limits);
  {
    StrandGate gate(*p.a);
    p.a->send(chat(1, std::string(600, 'x')));  // in flight
    p.a->send(chat(2, std::string(600, 'y')));  // queued: 600 bytes
    p.a->send(chat(3, std::string(600, 'z')));  // 1200 queued: over the bound
    p.a->send(chat(4));                         // after the close: ignored
  }
  auto reason = p.a_seen->waitClosed();
  REQUIRE(reason);
  CHECK(reason->code == ErrorCode::SlowConsumer);
  auto peer_reason = p.b_seen->waitClosed();
  REQUIRE(peer_reason);
  CHECK(peer_reason->code == ErrorCode::ConnectionClosed);
  // What was in flight arrives; the dropped queue does not.
  const auto got = p.b_seen->messages();
  REQUIRE(got.size() == 1);
  CHECK(got.front().chat_message().seq() == 1);
}

TEST_CASE("MessageChannel close() tells the peer why, and onClosed comes once", "[transport]") {
  ChannelPair p;
  p.a->send(chat(1));
  p.a->close(Error{ErrorCode::SessionClosed, "signed out elsewhere"});
  p.a->send(chat(2));  // after close(): never sent
  auto reason = p.a_seen->waitClosed();
  REQUIRE(reason);
  CHECK(reason->code == ErrorCode::SessionClosed);
  CHECK(reason->detail == "signed out elsewhere");
  auto peer_reason = p.b_seen->waitClosed();
  REQUIRE(peer_reason);
  CHECK(peer_reason->code == ErrorCode::ConnectionClosed);

  const auto got = p.b_seen->messages();
  REQUIRE(got.size() == 2);
  CHECK(got[0].chat_message().seq() == 1);
  REQUIRE(got[1].has_error());
  CHECK(got[1].error().fatal());
  CHECK(errorCodeFromNumber(got[1].error().code()) == ErrorCode::SessionClosed);
  CHECK(got[1].error().reason() == "signed out elsewhere");

  // Closing again, or aborting, after the end reports nothing more.
  p.a->close(Error{ErrorCode::Internal, "again"});
  p.a->abort();
  onStrand(*p.a, [] {});
  CHECK(p.a_seen->closeCount() == 1);
  CHECK(p.b_seen->closeCount() == 1);
}

TEST_CASE("MessageChannel abort() cuts the connection without a notice", "[transport]") {
  ChannelPair p;
  p.a->abort();
  auto reason = p.a_seen->waitClosed();
  REQUIRE(reason);
  CHECK(reason->code == ErrorCode::ConnectionClosed);
  CHECK(reason->detail == "connection aborted");
  auto peer_reason = p.b_seen->waitClosed();
  REQUIRE(peer_reason);
  CHECK(peer_reason->code == ErrorCode::ConnectionClosed);
  CHECK(p.b_seen->messages().empty());
}

TEST_CASE("MessageChannel whose handler is gone closes on the next message", "[transport]") {
  ChannelPair p;
  p.a_seen.reset();  // nobody listens on `a` any more
  p.b->send(chat(1));
  auto peer_reason = p.b_seen->waitClosed();
  REQUIRE(peer_reason);
  CHECK(peer_reason->code == ErrorCode::ConnectionClosed);
  CHECK(p.b_seen->messages().empty());  // no notice: nobody to say it
}

TEST_CASE("MessageChannel closes on a frame that is not a message and says so", "[transport]") {
  net::IoThreads io(1);
  RawPeer peer(io.context());
  // A well-formed message first: it arrives before the bad one ends things.
  std::string good;
  REQUIRE(protocol::appendEnvelopeFrame(chat(1), good));
  peer.writeRaw(good + header(4) + "\xff\xff\xff\xff");

  auto notice = peer.readEnvelope();
  REQUIRE(notice);
  REQUIRE(notice->has_error());
  CHECK(notice->error().fatal());
  CHECK(errorCodeFromNumber(notice->error().code()) == ErrorCode::MalformedMessage);
  CHECK(peer.readsEnd());
  peer.close();

  auto reason = peer.recorder->waitClosed();
  REQUIRE(reason);
  CHECK(reason->code == ErrorCode::MalformedMessage);
  const auto got = peer.recorder->messages();
  REQUIRE(got.size() == 1);
  CHECK(got.front().chat_message().seq() == 1);
  onStrand(*peer.channel, [] {});
  CHECK(peer.recorder->closeCount() == 1);
}

TEST_CASE("MessageChannel closes on a frame header over the limit", "[transport]") {
  net::IoThreads io(1);
  RawPeer peer(io.context());
  peer.writeRaw(header(static_cast<std::uint32_t>(protocol::kMaxFrameBytes + 1)));
  auto notice = peer.readEnvelope();
  REQUIRE(notice);
  REQUIRE(notice->has_error());
  CHECK(errorCodeFromNumber(notice->error().code()) == ErrorCode::FrameTooLarge);
  peer.close();
  auto reason = peer.recorder->waitClosed();
  REQUIRE(reason);
  CHECK(reason->code == ErrorCode::FrameTooLarge);
  CHECK(peer.recorder->messages().empty());
}

TEST_CASE("MessageChannel refuses a message with no body it knows", "[transport]") {
  net::IoThreads io(1);
  RawPeer peer(io.context());
  peer.writeRaw(header(0));  // an empty Envelope: no body set
  auto notice = peer.readEnvelope();
  REQUIRE(notice);
  REQUIRE(notice->has_error());
  CHECK(errorCodeFromNumber(notice->error().code()) == ErrorCode::UnknownMessage);
  peer.close();
  auto reason = peer.recorder->waitClosed();
  REQUIRE(reason);
  CHECK(reason->code == ErrorCode::UnknownMessage);
}

TEST_CASE("MessageChannel tells a cut inside a frame from an orderly end", "[transport]") {
  net::IoThreads io(1);
  SECTION("cut inside a frame") {
    RawPeer peer(io.context());
    peer.writeRaw(header(100) + std::string(10, 'p'));
    peer.close();
    auto reason = peer.recorder->waitClosed();
    REQUIRE(reason);
    CHECK(reason->code == ErrorCode::FrameTruncated);
  }
  SECTION("orderly end between frames") {
    RawPeer peer(io.context());
    std::string good;
    REQUIRE(protocol::appendEnvelopeFrame(chat(1), good));
    peer.writeRaw(good);
    REQUIRE(peer.recorder->waitMessages(1));
    peer.close();
    auto reason = peer.recorder->waitClosed();
    REQUIRE(reason);
    CHECK(reason->code == ErrorCode::ConnectionClosed);
  }
}

TEST_CASE("MessageChannel ends on its timeout when the peer never closes", "[transport]") {
  net::IoThreads io(1);
  MessageChannel::Limits limits;
  limits.shutdown_timeout = 50ms;
  RawPeer peer(io.context(), limits);
  peer.channel->close(Error{ErrorCode::ServerShutdown, "maintenance"});
  // The peer reads the notice but keeps its end open: only the timer ends it.
  auto notice = peer.readEnvelope();
  REQUIRE(notice);
  CHECK(errorCodeFromNumber(notice->error().code()) == ErrorCode::ServerShutdown);
  auto reason = peer.recorder->waitClosed();
  REQUIRE(reason);
  CHECK(reason->code == ErrorCode::ServerShutdown);
  CHECK(peer.readsEnd());
}

TEST_CASE("MessageChannel delivers what arrived with the handshake without waiting for more",
          "[transport]") {
  // A client's first message often shares a socket read with the end of its
  // handshake, and then it waits for the answer: nothing more will arrive to
  // make the socket readable again. Here the server's stream has pulled both
  // records of the client into its buffers before the channel takes over.
  net::IoThreads io(1);
  TlsPair pair(io.context());
  std::string frame;
  REQUIRE(protocol::appendEnvelopeFrame(chat(1, "right behind the handshake"), frame));
  asio::write(*pair.client, asio::buffer(std::string("x")));  // a record of its own
  asio::write(*pair.client, asio::buffer(frame));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // both on the socket
  std::array<char, 1> first{};
  asio::read(*pair.server, asio::buffer(first));  // the stream reads all that is there
  REQUIRE(first[0] == 'x');

  auto recorder = std::make_shared<Recorder>();
  auto channel = MessageChannel::create(std::move(pair.server), {});
  channel->start(recorder);
  REQUIRE(recorder->waitMessages(1));
  CHECK(recorder->messages().front().chat_message().text() == "right behind the handshake");
  channel->abort();
}

}  // namespace parley::transport
