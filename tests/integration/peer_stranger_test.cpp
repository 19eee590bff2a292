// A stranger in a two-person room cannot take the peer path. A real parley-cli
// (alice) meets a hand-driven peer (mallory, signed in as bob over a raw TLS
// connection) who runs a real ICE agent and DTLS on loopback but lies:
//  - its relayed fingerprint is not the certificate it presents: ICE connects,
//    alice's DTLS refuses the certificate, her media stays on the server;
//  - its candidates are forged (malformed ones, and one that names a socket
//    that is not mallory's): the malformed ones are refused and counted, the
//    victim socket gets only bounded ICE checks, never media, and the path
//    fails while alice's media goes on through the server.
// Gathering is on "lo" only: no check leaves the machine.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>

#include "net/ice/dtls_srtp_handshake.h"
#include "net/ice/ice_agent.h"
#include "tests/support/raw_tls_client.h"
#include "tests/support/server_fixture.h"
#include "tests/support/tone.h"

using namespace parley;
using namespace parley::test;
using nlohmann::json;

namespace {

ServerFixture::Options peerOn() {
  ServerFixture::Options options;
  options.config["peer_to_peer"] = "true";
  return options;
}

// What libnice's thread hands the test's thread.
struct Inbox {
  std::mutex mu;
  std::vector<std::string> candidates;
  std::deque<std::vector<std::byte>> datagrams;
  net::IceState state = net::IceState::New;
};

// The peer's side of one attempt, driven from the test's thread.
struct Mallory {
  RawTlsClient tls;
  std::optional<proto::PeerPathStart> start;
  proto::PeerSignal alice;  // what alice signalled (credentials, fingerprint, candidates)

  explicit Mallory(const ServerFixture& server) : tls(server.port(), server.caFile()) {
    REQUIRE(tls.signIn("bob", "bob-pw", "pair"));
  }

  void signal(const proto::PeerSignal& s) {
    proto::Envelope e;
    *e.mutable_peer_signal() = s;
    e.mutable_peer_signal()->set_attempt(start->attempt());
    tls.send(e);
  }

  // Reads what the server sends for up to `wait`; keeps the attempt and
  // alice's signals, answers nothing else.
  void poll(std::chrono::milliseconds wait) {
    auto envelope = tls.read(wait);
    if (!envelope) {
      return;
    }
    if (envelope->has_peer_path_start()) {
      start = envelope->peer_path_start();
    } else if (envelope->has_peer_signal()) {
      const auto& s = envelope->peer_signal();
      if (!s.ice_ufrag().empty()) {
        alice.set_ice_ufrag(s.ice_ufrag());
        alice.set_ice_pwd(s.ice_pwd());
        alice.set_dtls_fingerprint(s.dtls_fingerprint());
      }
      for (const auto& c : s.candidates()) {
        alice.add_candidates(c);
      }
    }
  }

  void waitForStart() {
    for (int i = 0; i < 200 && !start; ++i) {
      poll(std::chrono::milliseconds(50));
    }
    REQUIRE(start);
    CHECK_FALSE(start->controlling());  // alice joined first: she checks and is the DTLS client
  }
};

CliOptions aliceSpeaking() {
  CliOptions alice;
  alice.room = "pair";
  alice.for_seconds = CliOptions::kUntilStopped;
  alice.extra = {"--send-audio", makeTone(makeTempDir("stranger"), 40), "--stats",
                 "--ice-interfaces", "lo"};
  return alice;
}

// Alice's media keeps going to the server: her UDP packets to it grow over
// the next seconds while nothing goes peer-to-peer.
bool mediaStaysOnServer(CliProcess& alice, const json& from) {
  int seen = 0;
  return alice.waitForEvent(
      "stats",
      [&](const json& s) {
        if (s.at("peer").at("path") == "peer-to-peer") {
          return false;
        }
        return ++seen >= 2 && s.at("sent").at("udp_packets").get<std::uint64_t>() >
                                  from.at("sent").at("udp_packets").get<std::uint64_t>() + 50;
      },
      std::chrono::seconds(20));
}

bool nobodyWentPeerToPeer(const CliProcess& alice) {
  for (const auto& e : alice.events("participant_path")) {
    if (e.at("path") != "via server") {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("a peer whose DTLS certificate is not the relayed one is refused",
          "[integration][media][peer]") {
  ServerFixture server(peerOn());
  server.start();
  CliProcess alice(server, aliceSpeaking());
  REQUIRE(alice.waitForEvent("joined"));

  Mallory mallory(server);
  mallory.waitForStart();

  Inbox inbox;
  net::IceAgentConfig config;
  config.controlling = false;
  config.host_addresses = {"127.0.0.1"};
  net::IceEvents events;
  events.on_candidate = [&](std::string c) {
    std::lock_guard lock(inbox.mu);
    inbox.candidates.push_back(std::move(c));
  };
  events.on_state = [&](net::IceState s) {
    std::lock_guard lock(inbox.mu);
    inbox.state = s;
  };
  events.on_datagram = [&](std::span<const std::byte> d) {
    std::lock_guard lock(inbox.mu);
    inbox.datagrams.emplace_back(d.begin(), d.end());
  };
  auto agent = net::IceAgent::create(config, events);
  REQUIRE(agent);
  auto presented = net::DtlsIdentity::create();
  auto announced = net::DtlsIdentity::create();  // never shown to anyone
  REQUIRE(presented);
  REQUIRE(announced);

  proto::PeerSignal credentials;
  credentials.set_ice_ufrag((*agent)->localCredentials().ufrag);
  credentials.set_ice_pwd((*agent)->localCredentials().pwd);
  credentials.set_dtls_fingerprint((*announced)->fingerprint());
  mallory.signal(credentials);
  REQUIRE((*agent)->gather());

  std::unique_ptr<net::DtlsSrtpHandshake> dtls;
  bool ice_connected = false;
  bool remote_set = false;
  std::size_t candidates_given = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::optional<json> failed;
  while (std::chrono::steady_clock::now() < deadline && !failed) {
    mallory.poll(std::chrono::milliseconds(20));
    if (!remote_set && !mallory.alice.ice_ufrag().empty()) {
      REQUIRE((*agent)->setRemoteCredentials({mallory.alice.ice_ufrag(), mallory.alice.ice_pwd()}));
      remote_set = true;
    }
    for (;
         remote_set && candidates_given < static_cast<std::size_t>(mallory.alice.candidates_size());
         ++candidates_given) {
      (void)(*agent)->addRemoteCandidate(
          mallory.alice.candidates(static_cast<int>(candidates_given)));
    }
    std::vector<std::string> ours;
    std::deque<std::vector<std::byte>> datagrams;
    {
      std::lock_guard lock(inbox.mu);
      ours.swap(inbox.candidates);
      datagrams.swap(inbox.datagrams);
      ice_connected = ice_connected || inbox.state == net::IceState::Connected;
    }
    if (!ours.empty()) {
      proto::PeerSignal trickle;
      for (auto& c : ours) {
        trickle.add_candidates(std::move(c));
      }
      mallory.signal(trickle);
    }
    // Mallory answers alice's DTLS with the certificate she really holds,
    // checking alice's against what the server relayed (as a client would).
    if (ice_connected && !dtls && !mallory.alice.dtls_fingerprint().empty()) {
      auto made = net::DtlsSrtpHandshake::create(net::DtlsRole::Server, *presented,
                                                 mallory.alice.dtls_fingerprint(),
                                                 [&](std::span<const std::byte> d) {
                                                   (void)(*agent)->send(d);
                                                 });
      REQUIRE(made);
      dtls = std::move(*made);
      dtls->start();
    }
    for (const auto& d : datagrams) {
      if (dtls && net::looksLikeDtls(d)) {
        dtls->onDatagram(d);
      }
    }
    if (dtls && dtls->timeout() && dtls->timeout()->count() <= 0) {
      dtls->onTimeout();
    }
    for (const auto& s : alice.events("stats")) {
      if (s.at("peer").at("failures").get<std::uint64_t>() > 0) {
        failed = s;
      }
    }
  }
  INFO("alice's failure: " << (failed ? failed->at("peer").dump() : "none"));
  // The refusal happened where it should: the pair connected, the
  // certificate was refused.
  CHECK(ice_connected);
  REQUIRE(failed);
  CHECK(failed->at("peer")
            .at("last_failure")
            .get<std::string>()
            .rfind("peer_fingerprint_mismatch", 0) == 0);
  CHECK((!dtls || dtls->state() != net::DtlsSrtpHandshake::State::Done));
  CHECK(mediaStaysOnServer(alice, *failed));
  agent->reset();
  CliRun run = alice.stop();
  INFO(run.transcript());
  CHECK(nobodyWentPeerToPeer(alice));
}

TEST_CASE("forged candidates are refused or lead nowhere, media stays on the server",
          "[integration][media][peer]") {
  ServerFixture server(peerOn());
  server.start();
  CliProcess alice(server, aliceSpeaking());
  REQUIRE(alice.waitForEvent("joined"));

  // The victim: a socket on loopback that is not mallory's, named as her
  // candidate. Alice may check it (RFC 8445 paces and bounds that); it must
  // never get media.
  const int victim = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(victim >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(victim, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(victim, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int victim_port = ntohs(addr.sin_port);
  timeval tv{0, 20000};
  REQUIRE(::setsockopt(victim, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);

  Mallory mallory(server);
  mallory.waitForStart();
  auto identity = net::DtlsIdentity::create();
  REQUIRE(identity);
  proto::PeerSignal forged;
  forged.set_ice_ufrag("mallory1");
  forged.set_ice_pwd("malloryPassword0123456789abc");
  forged.set_dtls_fingerprint((*identity)->fingerprint());
  // Refused by alice's parser: an address that is none, a host name, an
  // unknown transport.
  forged.add_candidates("candidate:1 1 UDP 2130706431 999.0.0.1 5000 typ host");
  forged.add_candidates("candidate:2 1 UDP 2130706431 victim.example 5000 typ host");
  forged.add_candidates("candidate:3 1 SCTP 2130706431 127.0.0.1 5000 typ host");
  // Well formed, but not mallory's.
  forged.add_candidates("candidate:4 1 UDP 2130706431 127.0.0.1 " + std::to_string(victim_port) +
                        " typ host");
  forged.set_end_of_candidates(true);
  mallory.signal(forged);

  std::size_t victim_datagrams = 0;
  std::size_t victim_not_stun = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(25);
  std::optional<json> failed;
  while (std::chrono::steady_clock::now() < deadline && !failed) {
    mallory.poll(std::chrono::milliseconds(10));
    std::array<unsigned char, 2048> buf{};
    const auto n = ::recv(victim, buf.data(), buf.size(), 0);
    if (n > 0) {
      ++victim_datagrams;
      // A STUN message: first two bits zero and the magic cookie.
      const bool stun = n >= 20 && (buf[0] & 0xc0) == 0 && buf[4] == 0x21 && buf[5] == 0x12 &&
                        buf[6] == 0xa4 && buf[7] == 0x42;
      victim_not_stun += stun ? 0 : 1;
    }
    for (const auto& s : alice.events("stats")) {
      if (s.at("peer").at("failures").get<std::uint64_t>() > 0) {
        failed = s;
      }
    }
  }
  ::close(victim);
  INFO("alice's failure: " << (failed ? failed->at("peer").dump() : "none"));
  INFO("the victim got " << victim_datagrams << " datagrams");
  REQUIRE(failed);
  CHECK(failed->at("peer").at("rejected_candidates") == 3);
  CHECK(victim_not_stun == 0);
  CHECK(victim_datagrams < 100);
  CHECK(mediaStaysOnServer(alice, *failed));
  CliRun run = alice.stop();
  INFO(run.transcript());
  CHECK(nobodyWentPeerToPeer(alice));
}
