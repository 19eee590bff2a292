#include "net/tls/tls_record_io.h"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <algorithm>
#include <array>
#include <climits>

namespace parley::net {
namespace {

std::string openSslReason(const char* what) {
  const unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int)
  std::string reason = what;
  if (code != 0) {
    std::array<char, 256> buf{};
    ERR_error_string_n(code, buf.data(), buf.size());
    reason += ": ";
    reason += buf.data();
  }
  ERR_clear_error();
  return reason;
}

}  // namespace

namespace detail {
std::span<std::byte> tlsPlaintextScratch() {
  // The largest TLS 1.3 record's plaintext, so one SSL_read takes a whole record.
  thread_local std::array<std::byte, SSL3_RT_MAX_PLAIN_LENGTH> scratch;
  return scratch;
}
}  // namespace detail

const BIO_METHOD* TlsRecordIo::bioMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "parley records");
    BIO_meth_set_write(m, &TlsRecordIo::bioWrite);
    BIO_meth_set_read(m, &TlsRecordIo::bioRead);
    BIO_meth_set_ctrl(m, &TlsRecordIo::bioCtrl);
    BIO_meth_set_create(m, [](BIO* bio) {
      BIO_set_init(bio, 1);
      return 1;
    });
    return m;
  }();
  return method;
}

Result<std::unique_ptr<TlsRecordIo>> TlsRecordIo::adopt(TlsStream& stream) {
  SSL* ssl = stream.native_handle();
  if (SSL_is_init_finished(ssl) == 0) {
    return makeError(ErrorCode::Internal, "TLS records taken over before the handshake finished");
  }
  // asio::ssl::stream flushes its handshake output before completing, so its
  // BIO pair holds nothing to send; it may hold records the peer sent right
  // after the handshake, which are read out and kept.
  BIO* pair = SSL_get_rbio(ssl);
  if (pair == nullptr || BIO_ctrl_wpending(pair) != 0) {
    return makeError(ErrorCode::Internal, "TLS stream still has handshake output to send");
  }
  // Our own reference: the stream may be destroyed after this (its buffers
  // freed) while the session lives on here.
  if (SSL_up_ref(ssl) != 1) {
    return makeError(ErrorCode::Internal, openSslReason("cannot keep the TLS session"));
  }
  std::unique_ptr<TlsRecordIo> io(new TlsRecordIo(ssl));
  // asio's verify callback lives in the stream; nothing is verified after the
  // handshake, so the session must not call back into a freed stream.
  SSL_set_verify(ssl, SSL_get_verify_mode(ssl), nullptr);
  const std::size_t pending = BIO_ctrl_pending(pair);
  io->unread_.resize(pending);
  std::size_t got = 0;
  while (got < pending) {
    const int n = BIO_read(pair, io->unread_.data() + got,
                           static_cast<int>(std::min<std::size_t>(pending - got, INT_MAX)));
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  io->unread_.resize(got);
  BIO* bio = BIO_new(bioMethod());
  if (bio == nullptr) {
    return makeError(ErrorCode::Internal, openSslReason("cannot create the TLS record buffer"));
  }
  BIO_set_data(bio, io.get());
  // The same BIO reads and writes: SSL_set_bio takes one reference and frees
  // the BIO pair's inner half (asio frees the outer half with the stream).
  SSL_set_bio(ssl, bio, bio);
  return io;
}

TlsRecordIo::~TlsRecordIo() {
  // The stream may still hold the SSL object too; its BIO must not point here.
  if (BIO* bio = SSL_get_rbio(ssl_)) {
    BIO_set_data(bio, nullptr);
  }
  SSL_free(ssl_);  // our reference
}

Result<void> TlsRecordIo::encrypt(std::span<const std::byte> plaintext) {
  ERR_clear_error();
  std::size_t done = 0;
  while (done < plaintext.size()) {
    const int chunk = static_cast<int>(std::min<std::size_t>(plaintext.size() - done, INT_MAX));
    const int n = SSL_write(ssl_, plaintext.data() + done, chunk);
    if (n <= 0) {
      return makeError(ErrorCode::ConnectionClosed, openSslReason("TLS write failed"));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Result<std::size_t> TlsRecordIo::readOnce(std::span<std::byte> out, ReadStatus& status) {
  ERR_clear_error();
  const int n = SSL_read(ssl_, out.data(), static_cast<int>(out.size()));
  if (n > 0) {
    return static_cast<std::size_t>(n);
  }
  switch (SSL_get_error(ssl_, n)) {
    case SSL_ERROR_WANT_READ:
      status = ReadStatus::NeedMore;
      return std::size_t{0};
    case SSL_ERROR_ZERO_RETURN:
      status = ReadStatus::PeerClosed;
      return std::size_t{0};
    default:
      return makeError(ErrorCode::ConnectionClosed, openSslReason("TLS read failed"));
  }
}

void TlsRecordIo::keepUnread() {
  // SSL takes every byte it can into its own record buffer, so this is empty
  // unless decrypt() stopped early.
  if (!arrived_.empty()) {
    unread_.append(reinterpret_cast<const char*>(arrived_.data()), arrived_.size());
  }
  arrived_ = {};
}

int TlsRecordIo::bioWrite(BIO* bio, const char* data, int length) {
  auto* self = static_cast<TlsRecordIo*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (self == nullptr || length < 0) {
    return -1;
  }
  self->outgoing_.append(data, static_cast<std::size_t>(length));
  return length;
}

int TlsRecordIo::bioRead(BIO* bio, char* data, int length) {
  auto* self = static_cast<TlsRecordIo*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (self == nullptr || length <= 0) {
    return -1;
  }
  const auto want = static_cast<std::size_t>(length);
  if (!self->unread_.empty()) {
    const std::size_t n = std::min(want, self->unread_.size());
    std::copy_n(self->unread_.data(), n, data);
    self->unread_.erase(0, n);
    return static_cast<int>(n);
  }
  if (self->arrived_.empty()) {
    BIO_set_retry_read(bio);
    return -1;
  }
  const std::size_t n = std::min(want, self->arrived_.size());
  std::copy_n(reinterpret_cast<const char*>(self->arrived_.data()), n, data);
  self->arrived_ = self->arrived_.subspan(n);
  return static_cast<int>(n);
}

long TlsRecordIo::bioCtrl(BIO* bio, int cmd, long /*num*/, void* /*ptr*/) {  // NOLINT
  auto* self = static_cast<TlsRecordIo*>(BIO_get_data(bio));
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_PENDING:
      return self == nullptr ? 0
                             : static_cast<long>(self->unread_.size() +  // NOLINT
                                                 self->arrived_.size());
    default:  // BIO_CTRL_WPENDING among them: outgoing() is never held back here
      return 0;
  }
}

}  // namespace parley::net
