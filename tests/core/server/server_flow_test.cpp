// The server end to end on loopback, driven by MessageChannel clients: the
// protocol flow of core/server as a client sees it.

#include <asio/connect.hpp>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/protocol/protocol_limits.h"
#include "core/server/accounts/password_hasher.h"
#include "core/server/deployment/server_init.h"
#include "core/server/media/media_ssrc.h"
#include "core/server/server.h"
#include "core/server/store/store.h"
#include "core/transport/message_channel.h"
#include "net/io_thread.h"
#include "net/tls/tls_context.h"
#include "tests/support/test_dir.h"

using namespace parley;
using namespace parley::server;
using protocol::Envelope;
using namespace std::chrono_literals;

namespace {

// How long a test waits for something that must happen (a reply, a close):
// only a bound for a broken server, far above any run's time for it.
constexpr std::chrono::milliseconds kMustArrive = 20s;

class TestClient : public transport::MessageChannel::Handler,
                   public std::enable_shared_from_this<TestClient> {
 public:
  static std::shared_ptr<TestClient> connect(asio::io_context& io, asio::ssl::context& tls,
                                             std::uint16_t port) {
    auto stream = std::make_unique<net::TlsStream>(asio::make_strand(io), tls);
    stream->lowest_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    stream->handshake(asio::ssl::stream_base::client);
    auto client = std::make_shared<TestClient>();
    client->channel = transport::MessageChannel::create(std::move(stream));
    client->channel->start(client->weak_from_this());
    return client;
  }

  void onMessage(Envelope&& envelope) override {
    std::lock_guard lock(mu_);
    // Media set-up (the offer after each join, codec changes) has tests of
    // its own; the chat flows below read the rest in order.
    const auto body = envelope.body_case();
    if (body == Envelope::kMediaOffer || body == Envelope::kVideoCodecChanged ||
        body == Envelope::kPeerPathStart || body == Envelope::kPeerPathStop ||
        body == Envelope::kPeerSignal || body == Envelope::kParticipantPath) {
      media_inbox_.push_back(std::move(envelope));
    } else {
      inbox_.push_back(std::move(envelope));
    }
    cv_.notify_all();
  }
  // The next media set-up message, or nullopt after `timeout`.
  std::optional<Envelope> nextMedia(std::chrono::milliseconds timeout = kMustArrive) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !media_inbox_.empty(); });
    if (media_inbox_.empty()) {
      return std::nullopt;
    }
    auto e = std::move(media_inbox_.front());
    media_inbox_.pop_front();
    return e;
  }
  void onClosed(const Error& reason) override {
    std::lock_guard lock(mu_);
    closed_ = reason;
    cv_.notify_all();
  }

  // The next message, or nullopt after `timeout`.
  std::optional<Envelope> next(std::chrono::milliseconds timeout = kMustArrive) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !inbox_.empty(); });
    if (inbox_.empty()) {
      return std::nullopt;
    }
    auto e = std::move(inbox_.front());
    inbox_.pop_front();
    return e;
  }
  Envelope expect(Envelope::BodyCase body) {
    auto e = next();
    REQUIRE(e.has_value());
    INFO("got " << protocol::bodyName(*e));
    REQUIRE(e->body_case() == body);
    return *e;
  }
  // Skips presence notices (ParticipantJoined) until `body` arrives.
  Envelope until(Envelope::BodyCase body) {
    for (;;) {
      auto e = next();
      REQUIRE(e.has_value());
      if (e->body_case() == body) {
        return *e;
      }
      INFO("got " << protocol::bodyName(*e));
      REQUIRE((e->body_case() == Envelope::kParticipantJoined ||
               e->body_case() == Envelope::kParticipantLeft));
    }
  }
  std::optional<Error> waitClosed(std::chrono::milliseconds timeout = kMustArrive) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return closed_.has_value(); });
    return closed_;
  }

  void hello(std::uint32_t version = protocol::kProtocolVersion, std::uint64_t instance = 1) {
    Envelope e;
    e.mutable_client_hello()->set_protocol_version(version);
    e.mutable_client_hello()->set_client_name("server_flow_test");
    e.mutable_client_hello()->set_client_instance(instance);
    channel->send(e);
  }
  void signIn(const std::string& user, const std::string& password) {
    Envelope e;
    e.mutable_sign_in()->set_user(user);
    e.mutable_sign_in()->set_password(password);
    channel->send(e);
  }
  void join(const std::string& room, std::optional<std::uint64_t> resume = std::nullopt,
            const std::vector<std::string>& video_decoders = {}) {
    Envelope e;
    e.mutable_join_room()->set_room(room);
    for (const auto& codec : video_decoders) {
      e.mutable_join_room()->mutable_media()->add_video_decoders(codec);
    }
    e.mutable_join_room()->set_has_resume(resume.has_value());
    e.mutable_join_room()->set_resume_after_seq(resume.value_or(0));
    channel->send(e);
  }
  void say(std::uint64_t id, const std::string& text) {
    Envelope e;
    e.mutable_chat_send()->set_client_msg_id(id);
    e.mutable_chat_send()->set_text(text);
    channel->send(e);
  }
  // Hello + sign-in; returns the participant id.
  std::uint64_t signInFully(const std::string& user, const std::string& password,
                            std::uint64_t instance) {
    hello(protocol::kProtocolVersion, instance);
    auto sh = expect(Envelope::kServerHello);
    CHECK(sh.server_hello().protocol_version() == 1);
    CHECK(sh.server_hello().max_chat_bytes() == 16384);
    signIn(user, password);
    auto r = expect(Envelope::kSignInResult);
    REQUIRE(r.sign_in_result().ok());
    return r.sign_in_result().participant_id();
  }

  std::shared_ptr<transport::MessageChannel> channel;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Envelope> inbox_;
  std::deque<Envelope> media_inbox_;
  std::optional<Error> closed_;
};

struct Fixture {
  // `peer`: peer paths on, with a STUN and a TURN server to hand out.
  // `adjust`: changes the config before the server starts.
  explicit Fixture(bool peer = false, const std::function<void(ServerConfig&)>& adjust = {}) {
    InitOptions options;
    options.dir = dir.path();
    options.hosts = {"127.0.0.1"};
    options.tcp = {{"127.0.0.1", 0}};
    options.udp = {"127.0.0.1", 0};
    options.rsa_bits = 2048;
    auto init = initServerDirectory(options);
    REQUIRE(init);
    auto loaded = loadServerConfig(init->config_file);
    REQUIRE(loaded);
    config = *loaded;
    config.argon2_opslimit = 1;
    config.argon2_memlimit_kib = 8 * 1024;
    config.max_failures = 1;
    // The lockout after that failure lasts far longer than any run (the
    // default first lockout, 1 s, could pass before a slow run retries).
    config.lockout_first = std::chrono::seconds(300);
    config.lockout_max = std::chrono::seconds(3600);
    config.history_on_join = 2;
    // These flows are about chat and presence; peer paths have their own
    // test below, which turns them on.
    config.peer_enabled = peer;
    if (peer) {
      config.peer_stun = Endpoint{"192.0.2.20", 3478};
      config.peer_turn = {{"udp", Endpoint{"192.0.2.20", 3478}}};
      config.peer_turn_secret = "flow-test-static-auth-secret";
    }
    config.threads = 2;
    if (adjust) {
      adjust(config);
    }
    auto opened = openStore(storeSettings(config), false);
    REQUIRE(opened);
    store = std::move(*opened);
    for (const char* user : {"alice", "bob", "carol"}) {
      auto hash = hashPassword(std::string(user) + "-pw", {1, 8 * 1024});
      REQUIRE(hash);
      REQUIRE(store->addUser(user, *hash, 0));
    }
    auto created =
        Server::create(server_io.context(), config, "9.9.9-test", *store, SystemClock::instance());
    REQUIRE(created);
    server = std::move(*created);
    auto bound = server->start();
    REQUIRE(bound);
    port = bound->front().port;
    auto tls = net::makeClientTlsContext(init->ca_certificate.string());
    REQUIRE(tls);
    client_tls = *tls;
  }
  ~Fixture() {
    server_io.stop();
    server.reset();
  }
  std::shared_ptr<TestClient> client() {
    return TestClient::connect(client_io.context(), *client_tls, port);
  }

  testing::TempDir dir;
  ServerConfig config;
  std::unique_ptr<Store> store;
  net::IoThreads server_io{2};
  net::IoThreads client_io{1};
  std::unique_ptr<Server> server;
  std::shared_ptr<asio::ssl::context> client_tls;
  std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("chat flows through a room in sequence, stored before acknowledged", "[server][flow]") {
  Fixture f;
  auto alice = f.client();
  auto bob = f.client();
  const auto alice_id = alice->signInFully("alice", "alice-pw", 11);
  const auto bob_id = bob->signInFully("bob", "bob-pw", 22);
  CHECK(alice_id != bob_id);

  alice->join("lobby");
  auto joined = alice->expect(Envelope::kJoined);
  CHECK(joined.joined().participants_size() == 1);
  CHECK(joined.joined().last_seq() == 0);

  bob->join("lobby");
  auto bob_joined = bob->expect(Envelope::kJoined);
  CHECK(bob_joined.joined().participants_size() == 2);
  auto pj = alice->expect(Envelope::kParticipantJoined);
  CHECK(pj.participant_joined().participant().user() == "bob");

  alice->say(1, "hello bob");
  for (auto* c : {alice.get(), bob.get()}) {
    auto m = c->expect(Envelope::kChatMessage);
    CHECK(m.chat_message().seq() == 1);
    CHECK(m.chat_message().sender() == "alice");
    CHECK(m.chat_message().text() == "hello bob");
    CHECK(m.chat_message().sender_participant_id() == alice_id);
  }
  auto ack = alice->expect(Envelope::kChatAck);
  CHECK(ack.chat_ack().client_msg_id() == 1);
  CHECK(ack.chat_ack().seq() == 1);

  // A resend of the same client message is acknowledged, not rebroadcast.
  alice->say(1, "hello bob");
  CHECK(alice->expect(Envelope::kChatAck).chat_ack().seq() == 1);
  bob->say(7, "hi alice");
  CHECK(bob->expect(Envelope::kChatMessage).chat_message().seq() == 2);
  CHECK(bob->expect(Envelope::kChatAck).chat_ack().seq() == 2);
  CHECK(alice->expect(Envelope::kChatMessage).chat_message().seq() == 2);
  alice->say(2, "third");
  CHECK(alice->expect(Envelope::kChatMessage).chat_message().seq() == 3);
  CHECK(alice->expect(Envelope::kChatAck).chat_ack().seq() == 3);
  CHECK(bob->expect(Envelope::kChatMessage).chat_message().seq() == 3);

  // Stored before acknowledged.
  auto room = f.store->openRoom("lobby", 0);
  REQUIRE(room);
  CHECK(room->last_seq >= 2);

  // Late joiner: recent history (history_on_join = 2) then live.
  auto carol = f.client();
  carol->signInFully("carol", "carol-pw", 33);
  carol->join("lobby");
  CHECK(carol->expect(Envelope::kJoined).joined().participants_size() == 3);
  CHECK(carol->expect(Envelope::kChatMessage).chat_message().seq() == 2);
  CHECK(carol->expect(Envelope::kChatMessage).chat_message().seq() == 3);

  // Resume: exactly what was missed.
  auto dave = f.client();
  dave->signInFully("alice", "alice-pw", 44);  // same account twice is fine
  dave->join("lobby", 0);
  dave->expect(Envelope::kJoined);
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    CHECK(dave->expect(Envelope::kChatMessage).chat_message().seq() == seq);
  }

  // Leave: Left to the leaver, ParticipantLeft to the others.
  bob->channel->send([] {
    Envelope e;
    e.mutable_leave_room();
    return e;
  }());
  CHECK(bob->until(Envelope::kLeft).left().room() == "lobby");
  auto pl = carol->until(Envelope::kParticipantLeft);
  CHECK(pl.participant_left().participant().user() == "bob");
  CHECK(pl.participant_left().reason() == "left");

  // Disconnect: others see it.
  dave->channel->abort();
  auto gone = carol->expect(Envelope::kParticipantLeft);
  CHECK(gone.participant_left().participant().id() != 0);
  CHECK(gone.participant_left().reason() == "disconnected");

  // Shutdown tells everyone.
  bool done = false;
  std::mutex mu;
  std::condition_variable cv;
  f.server->shutdown(2000ms, [&] {
    std::lock_guard lock(mu);
    done = true;
    cv.notify_all();
  });
  auto notice = alice->until(Envelope::kError);
  CHECK(notice.error().code() == static_cast<std::uint32_t>(ErrorCode::ServerShutdown));
  CHECK(notice.error().fatal());
  std::unique_lock lock(mu);
  CHECK(cv.wait_for(lock, kMustArrive, [&] { return done; }));
}

TEST_CASE("bad input gets a clear answer", "[server][flow]") {
  Fixture f;
  SECTION("wrong password then rate limit") {
    auto c = f.client();
    c->hello();
    c->expect(Envelope::kServerHello);
    // The failure is recorded between these two instants, so the lockout
    // ends between failed_from + 300 s and failed_by + 300 s.
    const auto failed_from = std::chrono::steady_clock::now();
    c->signIn("alice", "nope");
    auto r = c->expect(Envelope::kSignInResult);
    const auto failed_by = std::chrono::steady_clock::now();
    CHECK_FALSE(r.sign_in_result().ok());
    CHECK(r.sign_in_result().error_code() == 300);
    CHECK(r.sign_in_result().reason() == "wrong user name or password");
    CHECK(c->waitClosed().has_value());

    auto again = f.client();
    again->hello();
    again->expect(Envelope::kServerHello);
    const auto asked_from = std::chrono::steady_clock::now();
    again->signIn("alice", "alice-pw");
    auto limited = again->expect(Envelope::kSignInResult);
    const auto asked_by = std::chrono::steady_clock::now();
    CHECK_FALSE(limited.sign_in_result().ok());
    CHECK(limited.sign_in_result().error_code() == 301);
    // What is left of the 300 s lockout when the server checked: bounds from
    // the instants measured here, so they hold however slow the run is.
    using std::chrono::ceil;
    using std::chrono::floor;
    using std::chrono::milliseconds;
    const auto retry_after = milliseconds(limited.sign_in_result().retry_after_ms());
    CHECK(retry_after >= 300s - ceil<milliseconds>(asked_by - failed_from));
    CHECK(retry_after <= 300s - floor<milliseconds>(asked_from - failed_by));
  }
  SECTION("unknown user") {
    auto c = f.client();
    c->hello();
    c->expect(Envelope::kServerHello);
    c->signIn("mallory", "x");
    CHECK(c->expect(Envelope::kSignInResult).sign_in_result().error_code() == 300);
  }
  SECTION("wrong protocol version") {
    auto c = f.client();
    c->hello(2);
    auto e = c->expect(Envelope::kError);
    CHECK(e.error().code() == 104);
    CHECK(e.error().fatal());
    CHECK(e.error().reason() == "this server speaks protocol 1; please update Parley");
  }
  SECTION("chat before sign-in") {
    auto c = f.client();
    c->hello();
    c->expect(Envelope::kServerHello);
    c->say(1, "hi");
    auto e = c->expect(Envelope::kError);
    CHECK(e.error().code() == static_cast<std::uint32_t>(ErrorCode::UnexpectedMessage));
    CHECK(e.error().fatal());
    CHECK(c->waitClosed().has_value());
  }
  SECTION("too long chat and bad room names are refused, the connection stays") {
    auto c = f.client();
    c->signInFully("bob", "bob-pw", 5);
    c->say(9, "x");
    auto not_in_room = c->expect(Envelope::kError);
    CHECK(not_in_room.error().code() == static_cast<std::uint32_t>(ErrorCode::NotInRoom));
    CHECK_FALSE(not_in_room.error().fatal());
    c->join("bad\x01room");
    auto bad_room = c->expect(Envelope::kError);
    CHECK(bad_room.error().code() == static_cast<std::uint32_t>(ErrorCode::InvalidRoomName));
    CHECK_FALSE(bad_room.error().fatal());
    c->join("ok");
    c->expect(Envelope::kJoined);
    c->say(10, std::string(protocol::kMaxChatBytes + 1, 'a'));
    auto too_long = c->expect(Envelope::kError);
    CHECK(too_long.error().code() == static_cast<std::uint32_t>(ErrorCode::ChatTooLong));
    CHECK(too_long.error().client_msg_id() == 10);
    CHECK_FALSE(too_long.error().fatal());
    c->channel->send(protocol::makePing(42));
    CHECK(c->expect(Envelope::kPong).pong().nonce() == 42);
  }
}

TEST_CASE("resume pages through a long history, then goes live without gap", "[server][flow]") {
  Fixture f;
  auto room = f.store->openRoom("big", 0);
  REQUIRE(room);
  constexpr std::uint64_t kStored = 700;  // several history pages
  for (std::uint64_t seq = 1; seq <= kStored; ++seq) {
    StoredMessage m;
    m.room_id = room->id;
    m.seq = seq;
    m.sender = "bob";
    m.text = "old " + std::to_string(seq);
    m.client_instance = 9;
    m.client_msg_id = seq;
    REQUIRE(f.store->appendMessage(m));
  }
  auto bob = f.client();
  bob->signInFully("bob", "bob-pw", 1);
  bob->join("big", kStored);  // already has everything
  CHECK(bob->expect(Envelope::kJoined).joined().last_seq() == kStored);

  auto alice = f.client();
  alice->signInFully("alice", "alice-pw", 2);
  alice->join("big", 10);
  CHECK(alice->expect(Envelope::kJoined).joined().last_seq() == kStored);
  // Live chat while alice may still be catching up.
  bob->say(1000, "live");
  std::uint64_t expected = 11;
  while (expected <= kStored + 1) {
    auto e = alice->next();
    REQUIRE(e.has_value());
    if (e->has_participant_joined()) {
      continue;
    }
    INFO("got " << protocol::bodyName(*e));
    REQUIRE(e->has_chat_message());
    REQUIRE(e->chat_message().seq() == expected);
    ++expected;
  }
  // Nothing after the live message. Only a negative check: a slow run makes
  // it pass more easily, never fail.
  CHECK_FALSE(alice->next(200ms).has_value());
}

TEST_CASE("a channel whose peer stops reading closes within its timeout", "[server][flow]") {
  // A peer that never reads leaves a write in flight forever. Closing (slow
  // consumer here, or close() with a notice) must still end the channel.
  Fixture f;
  auto server_tls =
      net::makeServerTlsContext(f.config.certificate.string(), f.config.private_key.string());
  REQUIRE(server_tls);
  auto& io = f.client_io.context();
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto server_stream = std::make_unique<net::TlsStream>(asio::make_strand(io), **server_tls);
  auto peer = std::make_unique<net::TlsStream>(asio::make_strand(io), *f.client_tls);
  // Small socket buffers both ways: far less than one 60 KiB message fits,
  // so the channel's first write stays in flight for certain, however the
  // test's sends and the channel's writes interleave.
  std::thread peer_thread([&] {
    peer->lowest_layer().open(asio::ip::tcp::v4());
    peer->lowest_layer().set_option(asio::socket_base::receive_buffer_size(4096));
    peer->lowest_layer().connect(acceptor.local_endpoint());
    peer->handshake(asio::ssl::stream_base::client);
  });
  acceptor.accept(server_stream->lowest_layer());
  server_stream->lowest_layer().set_option(asio::socket_base::send_buffer_size(4096));
  server_stream->handshake(asio::ssl::stream_base::server);
  peer_thread.join();

  struct Recorder : transport::MessageChannel::Handler {
    void onMessage(Envelope&&) override {}
    void onClosed(const Error& reason) override {
      std::lock_guard lock(mu);
      closed = reason;
      cv.notify_all();
    }
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Error> closed;
  };
  auto recorder = std::make_shared<Recorder>();
  transport::MessageChannel::Limits limits;
  limits.max_queued_bytes = 256 * 1024;
  limits.shutdown_timeout = 300ms;
  auto channel = transport::MessageChannel::create(std::move(server_stream), limits);
  channel->start(recorder);

  Envelope big;
  big.mutable_chat_message()->set_room("r");
  big.mutable_chat_message()->set_text(std::string(60 * 1024, 'x'));
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  std::unique_lock lock(recorder->mu);
  while (!recorder->closed && std::chrono::steady_clock::now() < deadline) {
    lock.unlock();
    channel->send(big);
    lock.lock();
    recorder->cv.wait_for(lock, 2ms, [&] { return recorder->closed.has_value(); });
  }
  REQUIRE(recorder->closed.has_value());
  CHECK(recorder->closed->code == ErrorCode::SlowConsumer);
}

TEST_CASE("each join is followed by a media offer with the participant's own SSRCs",
          "[server][flow][media]") {
  Fixture f;
  REQUIRE(f.server->mediaPort() != 0);
  auto alice = f.client();
  auto bob = f.client();
  const auto alice_id = alice->signInFully("alice", "alice-pw", 11);
  const auto bob_id = bob->signInFully("bob", "bob-pw", 22);
  alice->join("media");
  alice->expect(Envelope::kJoined);
  auto offer = alice->nextMedia();
  REQUIRE(offer);
  REQUIRE(offer->has_media_offer());
  const auto& o = offer->media_offer();
  CHECK(o.udp_port() == f.server->mediaPort());
  CHECK(o.audio_ssrc() == mediaSsrc(alice_id, StreamKind::Audio));
  CHECK(o.screen_low_ssrc() == mediaSsrc(alice_id, StreamKind::ScreenLow));
  CHECK(o.audio_payload_type() == 111);
  // Every SSRC of one participant differs from every other's.
  bob->join("media");
  auto bob_joined = bob->expect(Envelope::kJoined);
  std::set<std::uint32_t> ssrcs;
  for (const auto& p : bob_joined.joined().participants()) {
    for (auto ssrc : {p.audio_ssrc(), p.video_ssrc(), p.screen_ssrc(), p.video_low_ssrc(),
                      p.screen_low_ssrc()}) {
      CHECK(ssrc != 0);
      CHECK(ssrcs.insert(ssrc).second);
    }
  }
  CHECK(ssrcs.size() == 10);
  auto bob_offer = bob->nextMedia();
  REQUIRE(bob_offer);
  CHECK(bob_offer->media_offer().audio_ssrc() == mediaSsrc(bob_id, StreamKind::Audio));
}

TEST_CASE("the room's video codec falls back to VP8 for a VP8-only participant and back",
          "[server][flow][media]") {
  Fixture f;
  auto alice = f.client();
  auto bob = f.client();
  alice->signInFully("alice", "alice-pw", 11);
  bob->signInFully("bob", "bob-pw", 22);
  alice->join("codec", std::nullopt, {"VP9", "VP8"});
  alice->expect(Envelope::kJoined);
  auto offer = alice->nextMedia();
  REQUIRE(offer);
  CHECK(offer->media_offer().video_codec() == "VP9");
  CHECK(offer->media_offer().video_payload_type() == 98);

  // A participant that cannot decode VP9 joins: everyone switches first, and
  // its offer already names VP8.
  bob->join("codec", std::nullopt, {"VP8"});
  bob->expect(Envelope::kJoined);
  auto changed = alice->nextMedia();
  REQUIRE(changed);
  REQUIRE(changed->has_video_codec_changed());
  CHECK(changed->video_codec_changed().video_codec() == "VP8");
  CHECK(changed->video_codec_changed().video_payload_type() == 96);
  bool bob_offered_vp8 = false;
  for (int i = 0; i < 2 && !bob_offered_vp8; ++i) {
    auto m = bob->nextMedia();
    REQUIRE(m);
    bob_offered_vp8 = m->has_media_offer() && m->media_offer().video_codec() == "VP8";
  }
  CHECK(bob_offered_vp8);

  // It leaves: back to VP9.
  Envelope leave;
  leave.mutable_leave_room();
  bob->channel->send(leave);
  auto back = alice->nextMedia();
  REQUIRE(back);
  REQUIRE(back->has_video_codec_changed());
  CHECK(back->video_codec_changed().video_codec() == "VP9");
}

namespace {

// The next peer-path message (media offers and codec changes skipped).
Envelope nextPeer(TestClient& client) {
  for (;;) {
    auto e = client.nextMedia();
    REQUIRE(e.has_value());
    if (e->body_case() != Envelope::kMediaOffer && e->body_case() != Envelope::kVideoCodecChanged) {
      return *e;
    }
  }
}

}  // namespace

TEST_CASE("two members get a peer-path attempt, a third stops it, two again retry",
          "[server][flow][peer]") {
  Fixture f(true);
  auto alice = f.client();
  auto bob = f.client();
  auto carol = f.client();
  const auto alice_id = alice->signInFully("alice", "alice-pw", 11);
  const auto bob_id = bob->signInFully("bob", "bob-pw", 22);
  carol->signInFully("carol", "carol-pw", 33);
  alice->join("pair");
  alice->expect(Envelope::kJoined);
  bob->join("pair");
  bob->expect(Envelope::kJoined);

  const auto a_start = nextPeer(*alice);
  const auto b_start = nextPeer(*bob);
  REQUIRE(a_start.body_case() == Envelope::kPeerPathStart);
  REQUIRE(b_start.body_case() == Envelope::kPeerPathStart);
  const auto& as = a_start.peer_path_start();
  const auto& bs = b_start.peer_path_start();
  CHECK(as.attempt() == bs.attempt());
  CHECK(as.controlling());  // the earlier joiner
  CHECK_FALSE(bs.controlling());
  CHECK(as.peer_participant_id() == bob_id);
  CHECK(bs.peer_participant_id() == alice_id);
  REQUIRE(as.ice_servers_size() == 2);
  CHECK(as.ice_servers(0).kind() == "stun");
  CHECK(as.ice_servers(1).kind() == "turn");
  // Time-limited TURN credentials of alice's own, never the secret.
  CHECK(as.ice_servers(1).username().ends_with(":alice"));
  CHECK(as.ice_servers(1).password().size() == 28);  // base64 of HMAC-SHA1
  CHECK(as.ice_servers(1).password() != f.config.peer_turn_secret);

  // A signal of another attempt is dropped; the current one reaches bob.
  Envelope stale;
  stale.mutable_peer_signal()->set_attempt(as.attempt() + 7);
  stale.mutable_peer_signal()->set_ice_ufrag("old0");
  alice->channel->send(stale);
  Envelope signal;
  signal.mutable_peer_signal()->set_attempt(as.attempt());
  signal.mutable_peer_signal()->set_ice_ufrag("abcd");
  signal.mutable_peer_signal()->set_ice_pwd("0123456789abcdefghijkl");
  signal.mutable_peer_signal()->set_dtls_fingerprint("sha-256 00");
  signal.mutable_peer_signal()->add_candidates("candidate:1 1 UDP 1 10.0.0.1 4000 typ host");
  signal.mutable_peer_signal()->set_from_participant_id(999);  // the server sets it
  alice->channel->send(signal);
  const auto relayed = nextPeer(*bob);
  REQUIRE(relayed.body_case() == Envelope::kPeerSignal);
  CHECK(relayed.peer_signal().ice_ufrag() == "abcd");
  CHECK(relayed.peer_signal().from_participant_id() == alice_id);
  CHECK(relayed.peer_signal().candidates_size() == 1);

  // Alice's media goes peer-to-peer: the room hears of it.
  Envelope state;
  state.mutable_peer_path_state()->set_attempt(as.attempt());
  state.mutable_peer_path_state()->set_path("peer-to-peer");
  alice->channel->send(state);
  for (auto* c : {alice.get(), bob.get()}) {
    const auto path = nextPeer(*c);
    REQUIRE(path.body_case() == Envelope::kParticipantPath);
    CHECK(path.participant_path().participant_id() == alice_id);
    CHECK(path.participant_path().path() == "peer-to-peer");
  }

  // A third member: the attempt stops, alice is back on the server.
  carol->join("pair");
  carol->expect(Envelope::kJoined);
  for (auto* c : {alice.get(), bob.get()}) {
    const auto stop = nextPeer(*c);
    REQUIRE(stop.body_case() == Envelope::kPeerPathStop);
    CHECK(stop.peer_path_stop().attempt() == as.attempt());
  }
  const auto back = nextPeer(*bob);
  REQUIRE(back.body_case() == Envelope::kParticipantPath);
  CHECK(back.participant_path().path() == "via server");

  // Down to two again: a new attempt after a short pause.
  carol->channel->send([] {
    Envelope leave;
    leave.mutable_leave_room();
    return leave;
  }());
  auto retry = nextPeer(*alice);
  while (retry.body_case() == Envelope::kParticipantPath) {
    retry = nextPeer(*alice);
  }
  REQUIRE(retry.body_case() == Envelope::kPeerPathStart);
  CHECK(retry.peer_path_start().attempt() == as.attempt() + 1);
}

TEST_CASE("with peer paths off, two members get no attempt and signals go nowhere",
          "[server][flow][peer]") {
  Fixture f(false);
  auto alice = f.client();
  auto bob = f.client();
  alice->signInFully("alice", "alice-pw", 11);
  bob->signInFully("bob", "bob-pw", 22);
  alice->join("pair");
  alice->expect(Envelope::kJoined);
  bob->join("pair");
  bob->expect(Envelope::kJoined);
  Envelope signal;
  signal.mutable_peer_signal()->set_attempt(1);
  signal.mutable_peer_signal()->set_ice_ufrag("abcd");
  alice->channel->send(signal);
  // A chat round trip orders everything before it.
  alice->say(1, "after the signal");
  bob->until(Envelope::kChatMessage);
  for (auto* c : {alice.get(), bob.get()}) {
    for (;;) {
      auto e = c->nextMedia(std::chrono::milliseconds(200));
      if (!e) {
        break;
      }
      CHECK(e->body_case() != Envelope::kPeerPathStart);
      CHECK(e->body_case() != Envelope::kPeerSignal);
    }
  }
}

TEST_CASE("a hello without a client instance is refused", "[server][flow]") {
  Fixture f;
  auto c = f.client();
  c->hello(protocol::kProtocolVersion, 0);
  auto e = c->expect(Envelope::kError);
  CHECK(e.error().code() == static_cast<std::uint32_t>(ErrorCode::MalformedMessage));
  CHECK(e.error().fatal());
  CHECK(e.error().reason().find("client_instance") != std::string::npos);
  CHECK(c->waitClosed().has_value());
}

TEST_CASE("another account presenting a client instance is refused, the owner stays",
          "[server][flow]") {
  Fixture f;
  auto alice = f.client();
  const auto alice_id = alice->signInFully("alice", "alice-pw", 11);
  alice->join("lobby");
  alice->expect(Envelope::kJoined);

  auto bob = f.client();
  bob->hello(protocol::kProtocolVersion, 11);
  bob->expect(Envelope::kServerHello);
  bob->signIn("bob", "bob-pw");
  auto refused = bob->expect(Envelope::kSignInResult);
  CHECK_FALSE(refused.sign_in_result().ok());
  CHECK(refused.sign_in_result().error_code() ==
        static_cast<std::uint32_t>(ErrorCode::ClientInstanceTaken));
  // The refusal does not tell bob whose instance it is.
  CHECK(refused.sign_in_result().reason().find("alice") == std::string::npos);
  CHECK(bob->waitClosed().has_value());

  // Alice's session is untouched: no one left, and she still chats.
  alice->say(1, "still mine");
  auto m = alice->expect(Envelope::kChatMessage);
  CHECK(m.chat_message().sender() == "alice");
  CHECK(m.chat_message().sender_participant_id() == alice_id);
  CHECK(alice->expect(Envelope::kChatAck).chat_ack().seq() == 1);
  // The owner's own reconnect with the instance is welcome.
  auto again = f.client();
  again->signInFully("alice", "alice-pw", 11);
}

TEST_CASE("equal client ids from two accounts are two messages", "[server][flow]") {
  Fixture f;
  // Alice's message from before instances were bound to accounts, so bob
  // can now hold the instance she used then.
  auto room = f.store->openRoom("lobby", 0);
  REQUIRE(room);
  StoredMessage old;
  old.room_id = room->id;
  old.seq = 1;
  old.sender = "alice";
  old.text = "from before";
  old.client_instance = 11;
  old.client_msg_id = 1;
  REQUIRE(f.store->appendMessage(old));

  auto alice = f.client();
  alice->signInFully("alice", "alice-pw", 22);
  alice->join("lobby");
  alice->expect(Envelope::kJoined);
  CHECK(alice->expect(Envelope::kChatMessage).chat_message().seq() == 1);
  auto bob = f.client();
  bob->signInFully("bob", "bob-pw", 11);
  bob->join("lobby");
  bob->expect(Envelope::kJoined);
  CHECK(bob->expect(Envelope::kChatMessage).chat_message().seq() == 1);

  bob->say(1, "bob's first");
  auto bob_message = bob->expect(Envelope::kChatMessage);
  CHECK(bob_message.chat_message().seq() == 2);
  CHECK(bob_message.chat_message().text() == "bob's first");
  CHECK(bob->expect(Envelope::kChatAck).chat_ack().seq() == 2);
  auto seen_by_alice = alice->until(Envelope::kChatMessage);
  CHECK(seen_by_alice.chat_message().sender() == "bob");
  CHECK(seen_by_alice.chat_message().seq() == 2);

  alice->say(1, "alice's first");
  CHECK(alice->expect(Envelope::kChatMessage).chat_message().seq() == 3);
  CHECK(alice->expect(Envelope::kChatAck).chat_ack().seq() == 3);
  CHECK(bob->expect(Envelope::kChatMessage).chat_message().text() == "alice's first");

  auto stored = f.store->messagesAfter(room->id, 0, 10);
  REQUIRE(stored);
  REQUIRE(stored->size() == 3);
  CHECK((*stored)[1].sender == "bob");
  CHECK((*stored)[2].sender == "alice");
}

TEST_CASE("a participant flooding chat far past its limit is refused, then disconnected",
          "[server][flow]") {
  Fixture f(false, [](ServerConfig& config) {
    config.chat_per_s = 1;
    config.chat_burst = 2;
    config.flood_disconnect_after = 5;
  });
  auto alice = f.client();
  alice->signInFully("alice", "alice-pw", 11);
  alice->join("lobby");
  alice->expect(Envelope::kJoined);
  // Far more than a second's refill: at least five in a row are over.
  constexpr int kSent = 40;
  for (int i = 1; i <= kSent; ++i) {
    alice->say(static_cast<std::uint64_t>(i), "flood " + std::to_string(i));
  }
  int acked = 0;
  int refused = 0;
  std::optional<proto::ErrorNotice> fatal;
  for (int i = 0; i < 4 * kSent && !fatal; ++i) {
    auto e = alice->next();
    REQUIRE(e.has_value());
    if (e->has_chat_ack()) {
      ++acked;
    } else if (e->has_error() && !e->error().fatal()) {
      CHECK(e->error().code() == static_cast<std::uint32_t>(ErrorCode::RateLimited));
      CHECK(e->error().client_msg_id() != 0);
      ++refused;
    } else if (e->has_error()) {
      fatal = e->error();
    }
  }
  // The ones let through are stored on the room's strand, so their acks may
  // come after the disconnection (and then not at all): only counted here.
  INFO(acked << " acknowledged");
  CHECK(refused >= 4);
  CHECK(acked + refused < kSent);
  REQUIRE(fatal.has_value());
  CHECK(fatal->code() == static_cast<std::uint32_t>(ErrorCode::RateLimited));
  CHECK(alice->waitClosed().has_value());
}

namespace {

Envelope roomControl(const std::function<void(proto::RoomControl&)>& set) {
  Envelope e;
  set(*e.mutable_room_control());
  return e;
}

// The next message of `body`, skipping any other (bounded by kMustArrive each).
Envelope skipTo(TestClient& client, Envelope::BodyCase body) {
  for (int i = 0; i < 100; ++i) {
    auto e = client.next();
    REQUIRE(e.has_value());
    if (e->body_case() == body) {
      return *e;
    }
  }
  FAIL("no " << static_cast<int>(body) << " in 100 messages");
  return {};
}

}  // namespace

TEST_CASE("the first joiner owns the room, and locks, lists and removes", "[server][flow][rooms]") {
  Fixture f;
  auto alice = f.client();
  auto bob = f.client();
  auto carol = f.client();
  alice->signInFully("alice", "alice-pw", 11);
  bob->signInFully("bob", "bob-pw", 22);
  const auto carol_id = carol->signInFully("carol", "carol-pw", 33);

  alice->join("guarded");
  auto joined = alice->expect(Envelope::kJoined);
  CHECK(joined.joined().state().owner() == "alice");
  CHECK(joined.joined().state().you_are_owner());
  CHECK_FALSE(joined.joined().state().locked());
  alice->say(1, "history");
  skipTo(*alice, Envelope::kChatAck);

  alice->channel->send(roomControl([](auto& c) { c.set_set_locked(true); }));
  CHECK(skipTo(*alice, Envelope::kRoomState).room_state().locked());
  CHECK(f.store->roomPolicy("guarded")->value().locked);

  // Refused before anything of the room: the refusal is the next message.
  bob->join("guarded");
  auto refused = bob->expect(Envelope::kError);
  CHECK(refused.error().slug() == "room_locked");
  CHECK_FALSE(refused.error().fatal());

  alice->channel->send(roomControl([](auto& c) { c.set_set_locked(false); }));
  alice->channel->send(
      roomControl([](auto& c) { c.mutable_set_admission()->add_accounts("carol"); }));
  skipTo(*alice, Envelope::kRoomState);
  auto listed = skipTo(*alice, Envelope::kRoomState).room_state();
  CHECK_FALSE(listed.locked());
  REQUIRE(listed.admission().accounts_size() == 1);

  bob->join("guarded");
  CHECK(bob->expect(Envelope::kError).error().slug() == "not_invited");

  carol->join("guarded");
  auto carol_joined = carol->expect(Envelope::kJoined);
  CHECK(carol_joined.joined().state().owner() == "alice");
  CHECK_FALSE(carol_joined.joined().state().you_are_owner());
  CHECK(carol_joined.joined().state().admission().accounts_size() == 0);  // the owner's only
  CHECK(carol->expect(Envelope::kChatMessage).chat_message().text() == "history");

  // Only the owner acts.
  carol->channel->send(roomControl([](auto& c) { c.set_set_locked(true); }));
  CHECK(carol->expect(Envelope::kError).error().slug() == "not_room_owner");

  alice->channel->send(roomControl([&](auto& c) { c.set_remove_participant(carol_id); }));
  auto gone = skipTo(*alice, Envelope::kParticipantLeft);
  CHECK(gone.participant_left().participant().id() == carol_id);
  CHECK(gone.participant_left().reason() == "removed by the room's owner");
  auto after = skipTo(*alice, Envelope::kRoomState).room_state();
  REQUIRE(after.removed_size() == 1);
  CHECK(after.removed(0) == "carol");
  CHECK(after.admission().accounts_size() == 1);  // the list stays; the removal outranks it
  alice->say(2, "not for carol");
  auto notice = carol->expect(Envelope::kError);
  CHECK(notice.error().slug() == "removed_from_room");
  CHECK(notice.error().fatal());
  CHECK(carol->waitClosed().has_value());
  CHECK_FALSE(carol->next(0ms).has_value());

  // Back only once admitted again.
  auto carol2 = f.client();
  carol2->signInFully("carol", "carol-pw", 34);
  carol2->join("guarded");
  CHECK(carol2->expect(Envelope::kError).error().slug() == "removed_from_room");
  alice->channel->send(roomControl([](auto& c) { c.set_readmit_account("carol"); }));
  CHECK(skipTo(*alice, Envelope::kRoomState).room_state().removed_size() == 0);
  carol2->join("guarded");
  CHECK(carol2->expect(Envelope::kJoined).joined().participants_size() == 2);
}

TEST_CASE("a room without an owner is open and nobody's to change", "[server][flow][rooms]") {
  Fixture f;
  REQUIRE(f.store->openRoom("hall", 0));  // as an older store has it
  auto bob = f.client();
  bob->signInFully("bob", "bob-pw", 22);
  bob->join("hall");
  auto joined = bob->expect(Envelope::kJoined);
  CHECK(joined.joined().state().owner().empty());
  bob->channel->send(roomControl([](auto& c) { c.set_set_locked(true); }));
  CHECK(bob->expect(Envelope::kError).error().slug() == "not_room_owner");
  // An admin's change (parleyd room owner) holds from the next action on.
  REQUIRE(f.store->setRoomOwner("hall", std::string("bob")));
  bob->channel->send(roomControl([](auto& c) { c.set_set_locked(true); }));
  CHECK(bob->expect(Envelope::kRoomState).room_state().locked());
}
