#pragma once
// DtlsSrtpHandshake: DTLS 1.2 over a peer path, only to agree on SRTP keys
// (DTLS-SRTP, RFC 5764) with the AES-256-GCM profile (RFC 7714). Each side
// presents its DtlsIdentity; the handshake is refused unless the peer's
// certificate has exactly the fingerprint the server relayed over its TLS
// channel, so whoever answers on a candidate address cannot take the path.
// Once done, keys() gives the two directions' SRTP keys: the DTLS client
// protects with client_write, the server with server_write.
//
// The caller moves datagrams: what the peer sent that is DTLS (first byte
// 20..63, RFC 7983) goes to onDatagram(); what this side must send comes out
// through the send function (one call per datagram, at most 1200 bytes).
// Lost flights are resent on a timer the caller runs: timeout() says when.
//
// Threads: not thread-safe; one strand. Ownership: by unique_ptr; holds the
// identity alive.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/base/result.h"
#include "net/ice/dtls_identity.h"
#include "net/media_transport/srtp_session.h"

struct ssl_st;
struct ssl_ctx_st;
struct bio_st;

namespace parley::net {

enum class DtlsRole { Client, Server };

class DtlsSrtpHandshake {
 public:
  enum class State { Idle, Handshaking, Done, Failed };
  using Send = std::function<void(std::span<const std::byte>)>;

  static Result<std::unique_ptr<DtlsSrtpHandshake>> create(
      DtlsRole role, std::shared_ptr<const DtlsIdentity> identity,
      std::string expected_peer_fingerprint, Send send);
  ~DtlsSrtpHandshake();
  DtlsSrtpHandshake(const DtlsSrtpHandshake&) = delete;
  DtlsSrtpHandshake& operator=(const DtlsSrtpHandshake&) = delete;

  // The client sends its first flight; the server waits for it.
  void start();
  void onDatagram(std::span<const std::byte> datagram);
  // How long until onTimeout() must run (a flight to resend); none when
  // nothing waits.
  [[nodiscard]] std::optional<std::chrono::milliseconds> timeout() const;
  void onTimeout();

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] DtlsRole role() const { return role_; }
  // Why it failed (state() == Failed).
  [[nodiscard]] const Error& error() const { return error_; }
  // The SRTP keys (state() == Done).
  [[nodiscard]] Result<MediaKeys> keys() const;

  // For the write BIO (dtls_srtp_handshake.cpp).
  void emit(std::span<const std::byte> datagram) { send_(datagram); }
  [[nodiscard]] bool fingerprintMatches(const std::string& seen) const;

 private:
  DtlsSrtpHandshake(DtlsRole role, std::shared_ptr<const DtlsIdentity> identity,
                    std::string expected, Send send);
  Result<void> init();
  void advance();
  void fail(ErrorCode code, std::string detail);

  DtlsRole role_;
  std::shared_ptr<const DtlsIdentity> identity_;
  std::string expected_;
  Send send_;
  ssl_ctx_st* ctx_ = nullptr;
  ssl_st* ssl_ = nullptr;
  bio_st* in_ = nullptr;  // owned by ssl_
  State state_ = State::Idle;
  mutable bool fingerprint_refused_ = false;  // set by the verify callback
  Error error_{ErrorCode::Ok, {}};
};

// RFC 7983's demultiplexing by the first byte.
inline bool looksLikeDtls(std::span<const std::byte> datagram) {
  if (datagram.empty()) {
    return false;
  }
  const auto first = std::to_integer<unsigned>(datagram[0]);
  return first >= 20 && first <= 63;
}
inline bool looksLikeRtp(std::span<const std::byte> datagram) {
  if (datagram.empty()) {
    return false;
  }
  const auto first = std::to_integer<unsigned>(datagram[0]);
  return first >= 128 && first <= 191;
}

}  // namespace parley::net
