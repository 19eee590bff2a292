// ClientSession (the code the CLI and the GUI use) against a real parleyd:
// connections that are cut, and a server that is killed, lose nothing that
// was acknowledged and deliver nothing twice.

#include <algorithm>
#include <asio/post.hpp>
#include <asio/strand.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include "core/client/client_session.h"
#include "core/client/media_link.h"
#include "net/io_thread.h"
#include "tests/support/direct_routes.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_recorder.h"
#include "tests/support/tcp_relay.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

struct Client {
  Client(net::IoThreads& io, const ServerFixture& server, std::uint16_t port, std::string user,
         std::string password, std::string room = "lobby")
      : strand(asio::make_strand(io.context())) {
    auto tls = net::makeClientTlsContext(server.caFile());
    REQUIRE(tls);
    client::SessionConfig config;
    config.target = {"127.0.0.1", port, port};
    config.user = std::move(user);
    config.password = std::move(password);
    config.room = std::move(room);
    config.client_name = "session-test";
    config.reconnect.initial = 50ms;
    config.reconnect.max = 500ms;
    session = std::make_unique<client::ClientSession>(strand, config,
                                                      directOnlyConnectors(strand, *tls), recorder);
    session->start();
  }
  ~Client() { session->stop(); }

  asio::strand<asio::io_context::executor_type> strand;
  SessionRecorder recorder;
  std::unique_ptr<client::ClientSession> session;
};

// Every chat seen exactly once, in strictly increasing contiguous seq order.
void checkExactlyOnceInOrder(const std::vector<client::ChatInfo>& chats, std::size_t expected) {
  REQUIRE(chats.size() == expected);
  for (std::size_t i = 0; i < chats.size(); ++i) {
    CHECK(chats[i].seq == i + 1);
  }
}

std::multiset<std::string> texts(const std::vector<client::ChatInfo>& chats) {
  std::multiset<std::string> out;
  for (const auto& c : chats) {
    out.insert(c.text);
  }
  return out;
}

// Counts the stops a call would be told of; no media is sent in these tests.
struct CountingMediaLink final : client::MediaLink {
  void onMediaOffer(client::MediaOfferInfo /*offer*/) override {}
  void onMediaPacket(std::string /*packet*/) override {}
  void onVideoCodecChanged(const std::string& /*codec*/, std::uint8_t /*type*/) override {}
  void onParticipantsChanged(const std::vector<client::ParticipantInfo>& /*list*/) override {}
  void onMediaStopped() override { ++stops; }
  std::atomic<int> stops{0};
};

}  // namespace

TEST_CASE("the media link hears once per connection that media stopped", "[integration]") {
  ServerFixture server;
  server.start();
  TcpRelay relay(server.port());
  CountingMediaLink link;  // outlives the io threads and the session
  net::IoThreads io(2);
  std::optional<asio::strand<asio::io_context::executor_type>> session_strand;
  {
    Client alice(io, server, relay.port(), "alice", "alice-pw");
    session_strand = alice.strand;
    alice.session->setMediaLink(&link);
    REQUIRE(alice.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));
    relay.cutAll();  // the connection goes: media stops, a reconnect brings a new offer
    REQUIRE(alice.recorder.waitFor([](auto& s) { return s.joins >= 2; }, 60s));
    REQUIRE(eventually([&] { return link.stops.load() == 1; }, 60s));
    alice.session->stop();  // leaving: media stops once more...
    REQUIRE(eventually([&] { return link.stops.load() == 2; }, 60s));
    alice.session->stop();  // ...and a second stop finds nothing left to stop,
    // nor do the stops of Client's destructor and of the session's own.
  }
  // The session posted those stops to its strand: once a later post has run,
  // they have too.
  std::promise<void> drained;
  asio::post(*session_strand, [&drained] { drained.set_value(); });
  REQUIRE(drained.get_future().wait_for(60s) == std::future_status::ready);
  CHECK(link.stops.load() == 2);
}

TEST_CASE("a client whose TCP connection is cut reconnects and misses nothing", "[integration]") {
  ServerFixture server;
  server.start();
  TcpRelay relay(server.port());
  net::IoThreads io(2);
  Client alice(io, server, relay.port(), "alice", "alice-pw");
  Client bob(io, server, server.port(), "bob", "bob-pw");
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));
  REQUIRE(bob.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));

  std::multiset<std::string> sent;
  auto say = [&](Client& who, const std::string& text) {
    who.session->sendChat(text);
    sent.insert(text);
  };
  for (int i = 0; i < 5; ++i) {
    say(alice, "alice before " + std::to_string(i));
    say(bob, "bob before " + std::to_string(i));
  }
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.chats.size() == 10; }, 60s));

  relay.cutAll();  // mid-conversation: the network drops alice's connection
  for (int i = 0; i < 5; ++i) {
    say(bob, "bob during " + std::to_string(i));
    say(alice, "alice during " + std::to_string(i));  // queued until she is back
  }
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.joins >= 2; }, 60s));
  for (int i = 0; i < 5; ++i) {
    say(alice, "alice after " + std::to_string(i));
    say(bob, "bob after " + std::to_string(i));
  }
  REQUIRE(alice.recorder.waitFor(
      [&](auto& s) { return s.chats.size() >= sent.size() && s.acks.size() == 15; }, 60s));
  REQUIRE(bob.recorder.waitFor([&](auto& s) { return s.chats.size() >= sent.size(); }, 60s));
  // One last message after all of them: the server sends each connection its
  // messages in order, so a duplicate of any earlier one would arrive before
  // this one does.
  say(bob, "bob last");
  const std::size_t total = sent.size();
  auto saw_last = [](auto& s) {
    return std::any_of(s.chats.begin(), s.chats.end(),
                       [](const client::ChatInfo& c) { return c.text == "bob last"; });
  };
  REQUIRE(alice.recorder.waitFor(saw_last, 60s));
  REQUIRE(bob.recorder.waitFor(saw_last, 60s));

  const auto a = alice.recorder.snapshot();
  const auto b = bob.recorder.snapshot();
  CHECK(a.will_retry_seen);
  CHECK(a.errors.empty());
  checkExactlyOnceInOrder(a.chats, total);
  checkExactlyOnceInOrder(b.chats, total);
  CHECK(texts(a.chats) == sent);
  CHECK(texts(b.chats) == sent);
  CHECK(relay.connectionsAccepted() >= 2);
}

TEST_CASE("after a network change a dead path is left at once and nothing is lost",
          "[integration][network-change]") {
  ServerFixture server;
  server.start();
  TcpRelay relay(server.port());
  net::IoThreads io(2);
  Client alice(io, server, relay.port(), "alice", "alice-pw");
  Client bob(io, server, server.port(), "bob", "bob-pw");
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));
  REQUIRE(bob.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));

  std::multiset<std::string> sent;
  auto say = [&](Client& who, const std::string& text) {
    who.session->sendChat(text);
    sent.insert(text);
  };
  say(bob, "bob before");
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.chats.size() == 1; }, 60s));

  // The address under alice's connection went away: no reset, no error,
  // the bytes just stop. Then the system says the network changed.
  relay.stallAll();
  for (int i = 0; i < 3; ++i) {
    say(bob, "bob during " + std::to_string(i));
    say(alice, "alice during " + std::to_string(i));  // into the dead path or the outbox
  }
  alice.session->networkChanged("192.0.2.10 removed from wlan0");
  // Not after three missed keep-alives (a minute): after the probe.
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.joins >= 2; }, 60s));
  say(alice, "alice after");
  say(bob, "bob last");
  auto saw_all = [&](auto& s) { return s.chats.size() >= sent.size(); };
  REQUIRE(alice.recorder.waitFor(saw_all, 60s));
  REQUIRE(bob.recorder.waitFor(saw_all, 60s));
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.acks.size() == 4; }, 60s));

  const auto a = alice.recorder.snapshot();
  REQUIRE(a.disconnects.size() == 1);
  CHECK(a.disconnects[0].code == ErrorCode::NetworkChanged);
  CHECK(a.disconnects[0].detail.find("wlan0") != std::string::npos);
  CHECK(a.errors.empty());
  // Every message once, in order, on both sides (alice's sent into the dead
  // path were re-sent from the outbox and stored once).
  checkExactlyOnceInOrder(a.chats, sent.size());
  checkExactlyOnceInOrder(bob.recorder.snapshot().chats, sent.size());
  CHECK(texts(a.chats) == sent);
  CHECK(relay.connectionsAccepted() == 2);
}

TEST_CASE("after a network change a live connection is kept", "[integration][network-change]") {
  ServerFixture server;
  server.start();
  TcpRelay relay(server.port());
  net::IoThreads io(2);
  Client alice(io, server, relay.port(), "alice", "alice-pw");
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));
  // A VPN came up beside the path: the server answers the probe.
  alice.session->networkChanged("10.8.0.2 added on tun0");
  alice.session->sendChat("still here");
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.acks.size() == 1; }, 60s));
  // Past the probe's bound (1.5 s) with room to spare: still the first connection.
  std::this_thread::sleep_for(3s);
  alice.session->sendChat("and here");
  REQUIRE(alice.recorder.waitFor([](auto& s) { return s.acks.size() == 2; }, 60s));
  const auto a = alice.recorder.snapshot();
  CHECK(a.disconnects.empty());
  CHECK(a.joins == 1);
  CHECK(relay.connectionsAccepted() == 1);
}

TEST_CASE("a server killed with SIGKILL loses no acknowledged message", "[integration]") {
  ServerFixture server;
  server.start();
  net::IoThreads io(1);
  std::set<std::string> acknowledged;
  {
    Client alice(io, server, server.port(), "alice", "alice-pw");
    REQUIRE(alice.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));
    for (int i = 0; i < 20; ++i) {
      alice.session->sendChat("durable " + std::to_string(i));
    }
    REQUIRE(alice.recorder.waitFor([](auto& s) { return s.acks.size() == 20; }, 60s));
    for (int i = 0; i < 20; ++i) {
      acknowledged.insert("durable " + std::to_string(i));
    }

    server.kill9();
    // Written while the server is down: kept by the client, stored after.
    for (int i = 0; i < 3; ++i) {
      alice.session->sendChat("while down " + std::to_string(i));
      acknowledged.insert("while down " + std::to_string(i));
    }
    REQUIRE(alice.recorder.waitFor([](auto& s) { return !s.disconnects.empty(); }, 60s));
    server.restart();
    REQUIRE(
        alice.recorder.waitFor([](auto& s) { return s.joins >= 2 && s.acks.size() == 23; }, 60s));
    const auto a = alice.recorder.snapshot();
    checkExactlyOnceInOrder(a.chats, 23);
  }

  // A newcomer after the restart sees every acknowledged message, once.
  Client carol(io, server, server.port(), "carol", "carol-pw");
  REQUIRE(carol.recorder.waitFor([](auto& s) { return s.chats.size() >= 23; }, 60s));
  const auto c = carol.recorder.snapshot();
  checkExactlyOnceInOrder(c.chats, 23);
  std::set<std::string> seen;
  for (const auto& chat : c.chats) {
    seen.insert(chat.text);
  }
  CHECK(seen == acknowledged);
}

TEST_CASE("a wrong password stops the session without retrying", "[integration]") {
  ServerFixture server;
  server.start();
  net::IoThreads io(1);
  Client mallory(io, server, server.port(), "alice", "wrong");
  REQUIRE(mallory.recorder.waitFor([](auto& s) { return !s.errors.empty(); }, 60s));
  const auto m = mallory.recorder.snapshot();
  CHECK(m.errors.front().code == ErrorCode::AuthFailed);
  CHECK(m.joins == 0);
  CHECK_FALSE(m.will_retry_seen);
}
