#pragma once
// TlsRecordIo: a handshaken TLS session's records, encrypted into and
// decrypted from plain byte buffers, so the caller moves ciphertext over its
// socket itself. asio::ssl::stream runs every 16 KiB record through its own
// BIO pair and a composed operation with one socket write each; with this, a
// 64 KiB message is one SSL_write batch and one socket write, and a socket
// read of many records is decrypted in one pass.
//
// adopt() takes over the SSL object of a TlsStream whose handshake is
// complete (it holds its own reference): records the stream had already
// received stay queued here, and the stream must not be read or written
// through again. The caller may move the socket out and destroy the stream,
// which frees asio's buffers (MessageChannel does). Not thread-safe: one
// strand uses it.

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "core/base/result.h"
#include "net/tls/tls_context.h"

namespace parley::net {

class TlsRecordIo {
 public:
  static Result<std::unique_ptr<TlsRecordIo>> adopt(TlsStream& stream);

  TlsRecordIo(const TlsRecordIo&) = delete;
  TlsRecordIo& operator=(const TlsRecordIo&) = delete;
  ~TlsRecordIo();

  // Encrypts all of `plaintext` as full records appended to outgoing().
  Result<void> encrypt(std::span<const std::byte> plaintext);

  // Ciphertext waiting for the socket: what encrypt() produced, plus anything
  // the session answers on its own (a KeyUpdate, an alert). The caller sends
  // it and clears it; it must not hand the same string to the socket while
  // calling encrypt() or decrypt() (swap it out first).
  std::string& outgoing() { return outgoing_; }

  enum class ReadStatus { NeedMore, PeerClosed };

  // Decrypts the records in `ciphertext` (plus any earlier partial record)
  // and calls on_plaintext(std::span<const std::byte>) for each piece. Stops
  // early, keeping the rest queued, when on_plaintext returns false. Fails on
  // a record that does not authenticate or a fatal alert.
  template <typename OnPlaintext>
  Result<ReadStatus> decrypt(std::span<const std::byte> ciphertext, OnPlaintext&& on_plaintext);

 private:
  explicit TlsRecordIo(SSL* ssl) : ssl_(ssl) {}

  // One SSL_read into `out`: bytes read, 0 with `status` set when no more
  // plaintext is available, or an error.
  Result<std::size_t> readOnce(std::span<std::byte> out, ReadStatus& status);
  void keepUnread();
  static int bioWrite(BIO* bio, const char* data, int length);
  static int bioRead(BIO* bio, char* data, int length);
  static long bioCtrl(BIO* bio, int cmd, long num, void* ptr);  // NOLINT(google-runtime-int)
  static const BIO_METHOD* bioMethod();

  SSL* ssl_;                            // one reference, freed with us
  std::string outgoing_;                // ciphertext for the socket
  std::string unread_;                  // received ciphertext SSL has not taken yet
  std::span<const std::byte> arrived_;  // the caller's buffer, during decrypt() only
};

namespace detail {
// Plaintext scratch for decrypt(): one record, shared by every connection on
// a thread (used only within one decrypt() call).
std::span<std::byte> tlsPlaintextScratch();
}  // namespace detail

template <typename OnPlaintext>
Result<TlsRecordIo::ReadStatus> TlsRecordIo::decrypt(std::span<const std::byte> ciphertext,
                                                     OnPlaintext&& on_plaintext) {
  arrived_ = ciphertext;
  const auto scratch = detail::tlsPlaintextScratch();
  for (;;) {
    ReadStatus status = ReadStatus::NeedMore;
    auto n = readOnce(scratch, status);
    if (!n) {
      arrived_ = {};
      return makeError(std::move(n).error());
    }
    if (*n == 0) {
      keepUnread();
      return status;
    }
    if (!on_plaintext(std::span<const std::byte>(scratch.data(), *n))) {
      keepUnread();
      return ReadStatus::NeedMore;
    }
  }
}

}  // namespace parley::net
