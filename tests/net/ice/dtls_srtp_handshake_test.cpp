// DTLS-SRTP between two peers wired back to back: both agree on the same
// AES-256-GCM keys, SRTP protected by one is read by the other, a wrong
// fingerprint is refused on the side that checks it, a lost flight is resent,
// and garbage never completes a handshake.

#include <catch2/catch.hpp>

#include <deque>
#include <thread>

#include "net/ice/dtls_srtp_handshake.h"

using namespace parley;
using namespace parley::net;

namespace {

using Datagram = std::vector<std::byte>;

struct Pair {
  std::shared_ptr<const DtlsIdentity> client_id = *DtlsIdentity::create();
  std::shared_ptr<const DtlsIdentity> server_id = *DtlsIdentity::create();
  std::deque<Datagram> to_server;
  std::deque<Datagram> to_client;
  int drop_to_server = 0;  // datagrams the "network" loses
  std::unique_ptr<DtlsSrtpHandshake> client;
  std::unique_ptr<DtlsSrtpHandshake> server;

  void make(const std::string& client_expects, const std::string& server_expects) {
    client = *DtlsSrtpHandshake::create(DtlsRole::Client, client_id, client_expects,
                                        [this](std::span<const std::byte> d) {
                                          REQUIRE(d.size() <= 1200);
                                          if (drop_to_server > 0) {
                                            --drop_to_server;
                                            return;
                                          }
                                          to_server.emplace_back(d.begin(), d.end());
                                        });
    server = *DtlsSrtpHandshake::create(DtlsRole::Server, server_id, server_expects,
                                        [this](std::span<const std::byte> d) {
                                          to_client.emplace_back(d.begin(), d.end());
                                        });
  }

  // Delivers what is in flight until nothing moves (bounded).
  void pump() {
    for (int round = 0; round < 50 && (!to_server.empty() || !to_client.empty()); ++round) {
      while (!to_server.empty()) {
        auto d = std::move(to_server.front());
        to_server.pop_front();
        REQUIRE(looksLikeDtls(d));
        server->onDatagram(d);
      }
      while (!to_client.empty()) {
        auto d = std::move(to_client.front());
        to_client.pop_front();
        client->onDatagram(d);
      }
    }
  }
};

Datagram rtp(std::uint16_t seq) {
  Datagram p(12 + 40, std::byte{0x5a});
  p[0] = std::byte{0x80};
  p[1] = std::byte{111};
  p[2] = static_cast<std::byte>(seq >> 8);
  p[3] = static_cast<std::byte>(seq & 0xff);
  p[8] = std::byte{0x12};
  return p;
}

}  // namespace

TEST_CASE("both peers derive the same SRTP keys and can read each other") {
  Pair pair;
  pair.make(pair.server_id->fingerprint(), pair.client_id->fingerprint());
  pair.client->start();
  pair.server->start();
  pair.pump();
  REQUIRE(pair.client->state() == DtlsSrtpHandshake::State::Done);
  REQUIRE(pair.server->state() == DtlsSrtpHandshake::State::Done);
  const auto client_keys = *pair.client->keys();
  const auto server_keys = *pair.server->keys();
  CHECK(client_keys.client_write.key_and_salt == server_keys.client_write.key_and_salt);
  CHECK(client_keys.server_write.key_and_salt == server_keys.server_write.key_and_salt);
  CHECK(client_keys.client_write.key_and_salt != client_keys.server_write.key_and_salt);

  auto out = *SrtpSession::create(SrtpSession::Direction::Outbound, client_keys.client_write);
  auto in = *SrtpSession::create(SrtpSession::Direction::Inbound, server_keys.client_write);
  auto packet = rtp(7);
  const auto plain = packet;
  REQUIRE(out.protectRtp(packet));
  CHECK(looksLikeRtp(packet));
  const auto length = in.unprotectRtp(packet);
  REQUIRE(length);
  packet.resize(*length);
  CHECK(packet == plain);
}

TEST_CASE("a certificate other than the announced one is refused") {
  Pair pair;
  const auto stranger = *DtlsIdentity::create();
  SECTION("the client checks the server") {
    pair.make(stranger->fingerprint(), pair.client_id->fingerprint());
    pair.client->start();
    pair.pump();
    CHECK(pair.client->state() == DtlsSrtpHandshake::State::Failed);
    CHECK(pair.client->error().code == ErrorCode::PeerFingerprintMismatch);
    CHECK(pair.server->state() != DtlsSrtpHandshake::State::Done);
  }
  SECTION("the server checks the client") {
    pair.make(pair.server_id->fingerprint(), stranger->fingerprint());
    pair.client->start();
    pair.pump();
    CHECK(pair.server->state() == DtlsSrtpHandshake::State::Failed);
    CHECK(pair.server->error().code == ErrorCode::PeerFingerprintMismatch);
    CHECK(pair.client->state() != DtlsSrtpHandshake::State::Done);
  }
  SECTION("an empty announcement matches nothing") {
    pair.make("", pair.client_id->fingerprint());
    pair.client->start();
    pair.pump();
    CHECK(pair.client->state() == DtlsSrtpHandshake::State::Failed);
  }
}

TEST_CASE("a lost first flight is sent again when the timer runs out") {
  Pair pair;
  pair.make(pair.server_id->fingerprint(), pair.client_id->fingerprint());
  pair.drop_to_server = 1;
  pair.client->start();
  pair.pump();
  REQUIRE(pair.client->state() == DtlsSrtpHandshake::State::Handshaking);
  const auto wait = pair.client->timeout();
  REQUIRE(wait.has_value());
  CHECK(*wait <= std::chrono::seconds(1));
  // DTLS' first retransmission timer is one second of real time.
  std::this_thread::sleep_for(*wait + std::chrono::milliseconds(20));
  pair.client->onTimeout();
  pair.pump();
  CHECK(pair.client->state() == DtlsSrtpHandshake::State::Done);
  CHECK(pair.server->state() == DtlsSrtpHandshake::State::Done);
}

TEST_CASE("garbage and oversized datagrams never complete a handshake") {
  Pair pair;
  pair.make(pair.server_id->fingerprint(), pair.client_id->fingerprint());
  pair.server->start();
  Datagram garbage(300, std::byte{22});
  pair.server->onDatagram(garbage);
  pair.server->onDatagram(Datagram(5000, std::byte{22}));
  pair.server->onDatagram({});
  CHECK(pair.server->state() != DtlsSrtpHandshake::State::Done);
  CHECK_FALSE(pair.server->keys());
}

TEST_CASE("fingerprints compare without regard to case, and only well-formed ones") {
  const auto id = *DtlsIdentity::create();
  const auto& fp = id->fingerprint();
  CHECK(fp.starts_with("sha-256 "));
  CHECK(fp.size() == 8 + 95);
  std::string lower = fp;
  for (auto& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  CHECK(sameFingerprint(fp, lower));
  CHECK_FALSE(sameFingerprint(fp, fp.substr(0, 50)));
  CHECK_FALSE(sameFingerprint(fp, (*DtlsIdentity::create())->fingerprint()));
}
