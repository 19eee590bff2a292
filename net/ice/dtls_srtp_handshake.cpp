#include "net/ice/dtls_srtp_handshake.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <vector>

namespace parley::net {

namespace {

// What one DTLS record datagram may carry on any path, TURN and VPNs
// included (the same bound WebRTC stacks use).
constexpr long kDtlsMtu = 1200;
constexpr std::size_t kMaxDatagram = 2048;
// OpenSSL waits a whole second before it resends a lost first flight: a
// second added to the switch to the peer path. Start at 200 ms (a few round
// trips of any path worth taking) and double, up to 3 s.
constexpr unsigned int kInitialResendUs = 200'000;
constexpr unsigned int kMaxResendUs = 3'000'000;

unsigned int nextResendTimer(SSL* /*ssl*/, unsigned int timer_us) {
  return timer_us == 0 ? kInitialResendUs : std::min(timer_us * 2, kMaxResendUs);
}

std::string openSslErrors() {
  std::string text;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    if (!text.empty()) {
      text += "; ";
    }
    text += buffer.data();
  }
  return text;
}

// The write side: each record flight OpenSSL writes leaves as one datagram
// through the handshake's send function (a memory BIO would glue datagrams
// together; OpenSSL 3.0 has no datagram memory BIO).
int bioWrite(BIO* bio, const char* data, int length) {
  auto* self = static_cast<DtlsSrtpHandshake*>(BIO_get_data(bio));
  if (self == nullptr || length <= 0) {
    return -1;
  }
  self->emit(std::span<const std::byte>(reinterpret_cast<const std::byte*>(data),
                                        static_cast<std::size_t>(length)));
  return length;
}

long bioCtrl(BIO* /*bio*/, int command, long /*number*/, void* /*pointer*/) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
      return kDtlsMtu;
    default:
      return 0;
  }
}

int bioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

BIO_METHOD* writeMethod() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "parley-dtls-out");
    BIO_meth_set_write(m, &bioWrite);
    BIO_meth_set_ctrl(m, &bioCtrl);
    BIO_meth_set_create(m, &bioCreate);
    return m;
  }();
  return method;
}

int verifyPeer(int /*preverified*/, X509_STORE_CTX* store) {
  // Self-signed by design: the only check is the fingerprint the server
  // relayed, on the leaf certificate.
  if (X509_STORE_CTX_get_error_depth(store) != 0) {
    return 1;
  }
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = static_cast<DtlsSrtpHandshake*>(SSL_get_app_data(ssl));
  X509* leaf = X509_STORE_CTX_get_current_cert(store);
  return self != nullptr && self->fingerprintMatches(sha256Fingerprint(leaf)) ? 1 : 0;
}

}  // namespace

Result<std::unique_ptr<DtlsSrtpHandshake>> DtlsSrtpHandshake::create(
    DtlsRole role, std::shared_ptr<const DtlsIdentity> identity,
    std::string expected_peer_fingerprint, Send send) {
  if (!identity || !send) {
    return makeError(ErrorCode::InvalidArgument, "DTLS: no identity or no way to send");
  }
  std::unique_ptr<DtlsSrtpHandshake> handshake(
      new DtlsSrtpHandshake(role, std::move(identity), std::move(expected_peer_fingerprint),
                            std::move(send)));
  if (auto ok = handshake->init(); !ok) {
    return makeError(std::move(ok).error());
  }
  return handshake;
}

DtlsSrtpHandshake::DtlsSrtpHandshake(DtlsRole role, std::shared_ptr<const DtlsIdentity> identity,
                                     std::string expected, Send send)
    : role_(role),
      identity_(std::move(identity)),
      expected_(std::move(expected)),
      send_(std::move(send)) {}

DtlsSrtpHandshake::~DtlsSrtpHandshake() {
  SSL_free(ssl_);
  SSL_CTX_free(ctx_);
}

Result<void> DtlsSrtpHandshake::init() {
  const auto failed = [](const char* what) {
    return makeError(ErrorCode::DtlsFailed, std::string("DTLS: ") + what + ": " + openSslErrors());
  };
  ctx_ = SSL_CTX_new(DTLS_method());
  if (ctx_ == nullptr) {
    return failed("no context");
  }
  SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION);
  if (SSL_CTX_use_certificate(ctx_, identity_->certificate()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx_, identity_->key()) != 1) {
    return failed("identity refused");
  }
  // The profile list is "what we accept": GCM only, as on the server legs.
  // (SSL_CTX_set_tlsext_use_srtp returns 0 on success.)
  if (SSL_CTX_set_tlsext_use_srtp(ctx_, "SRTP_AEAD_AES_256_GCM") != 0) {
    return failed("SRTP profile refused");
  }
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &verifyPeer);
  ssl_ = SSL_new(ctx_);
  if (ssl_ == nullptr) {
    return failed("no session");
  }
  SSL_set_app_data(ssl_, this);
  in_ = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(writeMethod());
  if (in_ == nullptr || out == nullptr) {
    BIO_free(in_);
    BIO_free(out);
    in_ = nullptr;
    return failed("no BIO");
  }
  BIO_set_mem_eof_return(in_, -1);
  BIO_set_data(out, this);
  SSL_set_bio(ssl_, in_, out);
  SSL_set_options(ssl_, SSL_OP_NO_QUERY_MTU);
  DTLS_set_link_mtu(ssl_, kDtlsMtu);
  DTLS_set_timer_cb(ssl_, &nextResendTimer);
  if (role_ == DtlsRole::Client) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
  return {};
}

bool DtlsSrtpHandshake::fingerprintMatches(const std::string& seen) const {
  const bool same = sameFingerprint(seen, expected_);
  if (!same) {
    fingerprint_refused_ = true;
  }
  return same;
}

void DtlsSrtpHandshake::start() {
  if (state_ != State::Idle) {
    return;
  }
  state_ = State::Handshaking;
  if (role_ == DtlsRole::Client) {
    advance();
  }
}

void DtlsSrtpHandshake::onDatagram(std::span<const std::byte> datagram) {
  if (state_ == State::Failed || datagram.empty() || datagram.size() > kMaxDatagram) {
    return;
  }
  if (state_ == State::Idle) {
    start();  // the peer's first flight can arrive before our start()
  }
  BIO_write(in_, datagram.data(), static_cast<int>(datagram.size()));
  advance();
}

void DtlsSrtpHandshake::advance() {
  if (state_ == State::Done) {
    // Late handshake records (a resent Finished) or an alert: let OpenSSL
    // answer them; there is no application data on this association.
    std::array<char, 256> sink{};
    const int n = SSL_read(ssl_, sink.data(), static_cast<int>(sink.size()));
    if (n <= 0 && SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN) {
      fail(ErrorCode::DtlsFailed, "DTLS: the peer closed the association");
    }
    ERR_clear_error();
    return;
  }
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    const SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(ssl_);
    if (profile == nullptr || profile->id != SRTP_AEAD_AES_256_GCM) {
      fail(ErrorCode::DtlsFailed, "DTLS: the peer did not agree to SRTP AES-256-GCM");
      return;
    }
    state_ = State::Done;
    return;
  }
  const int why = SSL_get_error(ssl_, rc);
  if (why == SSL_ERROR_WANT_READ || why == SSL_ERROR_WANT_WRITE) {
    return;
  }
  if (fingerprint_refused_) {
    fail(ErrorCode::PeerFingerprintMismatch,
         "DTLS: the peer's certificate is not the one the server announced");
  } else {
    fail(ErrorCode::DtlsFailed, "DTLS handshake failed: " + openSslErrors());
  }
}

void DtlsSrtpHandshake::fail(ErrorCode code, std::string detail) {
  ERR_clear_error();
  state_ = State::Failed;
  error_ = Error{code, std::move(detail)};
}

std::optional<std::chrono::milliseconds> DtlsSrtpHandshake::timeout() const {
  if (state_ != State::Handshaking) {
    return std::nullopt;
  }
  timeval tv{};
  if (DTLSv1_get_timeout(ssl_, &tv) != 1) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<long long>(tv.tv_sec) * 1000 + tv.tv_usec / 1000);
}

void DtlsSrtpHandshake::onTimeout() {
  if (state_ != State::Handshaking) {
    return;
  }
  if (DTLSv1_handle_timeout(ssl_) < 0) {
    fail(ErrorCode::DtlsFailed, "DTLS: too many retransmissions");
  }
}

Result<MediaKeys> DtlsSrtpHandshake::keys() const {
  if (state_ != State::Done) {
    return makeError(ErrorCode::DtlsFailed, "DTLS: no keys before the handshake is done");
  }
  std::vector<std::byte> material(kMediaKeyingBytes);
  static constexpr char kLabel[] = "EXTRACTOR-dtls_srtp";
  if (SSL_export_keying_material(ssl_, reinterpret_cast<unsigned char*>(material.data()),
                                 material.size(), kLabel, sizeof(kLabel) - 1, nullptr, 0, 0) != 1) {
    return makeError(ErrorCode::DtlsFailed, "DTLS: keying material export failed");
  }
  return splitMediaKeys(material);
}

}  // namespace parley::net
