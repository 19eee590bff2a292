// TlsRecordIo after a real TLS 1.3 handshake on loopback: records batched
// into one buffer, decrypted from arbitrary pieces, bytes the peer sent
// before the take-over kept, and a forged record or close_notify reported.

#include "net/tls/tls_record_io.h"

#include <array>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_pki.h"

namespace parley::net {
namespace {

// TLS 1.3 AES-256-GCM: 5-byte header, then the plaintext, its content type
// byte and a 16-byte tag.
constexpr std::size_t kRecordOverhead = 5 + 1 + 16;

struct HandshakenPair {
  HandshakenPair()
      : server_tls(testing::testPki().serverContext()),
        client_tls(testing::testPki().clientContext()),
        server(io, *server_tls),
        client(io, *client_tls) {
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    std::thread client_side([&] {
      client.lowest_layer().connect(acceptor.local_endpoint());
      client.handshake(asio::ssl::stream_base::client);
    });
    acceptor.accept(server.lowest_layer());
    server.handshake(asio::ssl::stream_base::server);
    client_side.join();
  }

  asio::io_context io;
  std::shared_ptr<asio::ssl::context> server_tls;
  std::shared_ptr<asio::ssl::context> client_tls;
  TlsStream server;
  TlsStream client;
};

std::span<const std::byte> bytesOf(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

// Decrypts `ciphertext` fed in pieces of `piece` bytes; the plaintext.
std::string decryptAll(TlsRecordIo& io, const std::string& ciphertext, std::size_t piece) {
  std::string plaintext;
  for (std::size_t at = 0; at < ciphertext.size(); at += piece) {
    const auto part = bytesOf(ciphertext).subspan(at, std::min(piece, ciphertext.size() - at));
    auto status = io.decrypt(part, [&](std::span<const std::byte> p) {
      plaintext.append(reinterpret_cast<const char*>(p.data()), p.size());
      return true;
    });
    REQUIRE(status);
    REQUIRE(*status == TlsRecordIo::ReadStatus::NeedMore);
  }
  return plaintext;
}

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = static_cast<char>('a' + i % 23);
  }
  return s;
}

TEST_CASE("a 64 KiB message becomes four full records in one buffer") {
  HandshakenPair pair;
  auto client = TlsRecordIo::adopt(pair.client);
  auto server = TlsRecordIo::adopt(pair.server);
  REQUIRE(client);
  REQUIRE(server);
  const std::string message = pattern(64 * 1024);
  REQUIRE((*client)->encrypt(bytesOf(message)));
  const std::string ciphertext = std::move((*client)->outgoing());
  (*client)->outgoing().clear();
  CHECK(ciphertext.size() == message.size() + 4 * kRecordOverhead);
  CHECK(decryptAll(**server, ciphertext, ciphertext.size()) == message);
}

TEST_CASE("records split anywhere by the socket decrypt to the same bytes") {
  HandshakenPair pair;
  auto client = TlsRecordIo::adopt(pair.client);
  auto server = TlsRecordIo::adopt(pair.server);
  REQUIRE(client);
  REQUIRE(server);
  const std::string message = pattern(200 * 1024 + 7);
  REQUIRE((*client)->encrypt(bytesOf(message)));
  const std::string ciphertext = std::move((*client)->outgoing());
  const auto piece = GENERATE(std::size_t{1}, std::size_t{1000}, std::size_t{16 * 1024 + 22});
  CHECK(decryptAll(**server, ciphertext, piece) == message);
}

TEST_CASE("records the peer sent before the take-over are not lost") {
  HandshakenPair pair;
  const std::string early = "sent right after the handshake";
  asio::write(pair.client, asio::buffer(early));
  // Let the server's stream read them into its BIO pair where it can.
  std::array<char, 4> first{};
  asio::read(pair.server, asio::buffer(first));
  auto server = TlsRecordIo::adopt(pair.server);
  REQUIRE(server);
  std::string rest(early.size() - first.size(), '\0');
  asio::error_code ec;
  std::string plaintext;
  // Whatever the stream had not read yet is still on the socket.
  pair.server.next_layer().non_blocking(true);
  std::array<char, 4096> socket_bytes{};
  for (int i = 0; i < 100 && plaintext.size() < rest.size(); ++i) {
    auto status = (*server)->decrypt({}, [&](std::span<const std::byte> p) {
      plaintext.append(reinterpret_cast<const char*>(p.data()), p.size());
      return true;
    });
    REQUIRE(status);
    if (plaintext.size() >= rest.size()) {
      break;
    }
    const std::size_t n = pair.server.next_layer().read_some(asio::buffer(socket_bytes), ec);
    if (!ec) {
      REQUIRE((*server)->decrypt(std::as_bytes(std::span(socket_bytes.data(), n)),
                                 [&](std::span<const std::byte> p) {
                                   plaintext.append(reinterpret_cast<const char*>(p.data()),
                                                    p.size());
                                   return true;
                                 }));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  CHECK(std::string(first.data(), first.size()) + plaintext == early);
}

TEST_CASE("a forged record fails and close_notify reads as the peer's end") {
  HandshakenPair pair;
  auto client = TlsRecordIo::adopt(pair.client);
  auto server = TlsRecordIo::adopt(pair.server);
  REQUIRE(client);
  REQUIRE(server);
  const auto ignore = [](std::span<const std::byte>) { return true; };

  SECTION("forged") {
    REQUIRE((*client)->encrypt(bytesOf(pattern(100))));
    std::string ciphertext = std::move((*client)->outgoing());
    ciphertext[10] = static_cast<char>(ciphertext[10] ^ 0x01);
    CHECK_FALSE((*server)->decrypt(bytesOf(ciphertext), ignore));
  }
  SECTION("close_notify") {
    SSL_shutdown(pair.client.native_handle());
    const std::string ciphertext = std::move((*client)->outgoing());
    REQUIRE_FALSE(ciphertext.empty());
    auto status = (*server)->decrypt(bytesOf(ciphertext), ignore);
    REQUIRE(status);
    CHECK(*status == TlsRecordIo::ReadStatus::PeerClosed);
  }
}

}  // namespace
}  // namespace parley::net
