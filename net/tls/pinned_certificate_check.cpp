#include "net/tls/pinned_certificate_check.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace parley::net {
namespace {

std::string nameToString(X509_NAME* name) {
  if (name == nullptr) {
    return "(none)";
  }
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

bool isUntrustedIssuer(int verify_error) {
  switch (verify_error) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::shared_ptr<PinnedCertificateCheck> PinnedCertificateCheck::install(TlsStream& stream,
                                                                        const std::string& host) {
  auto check = std::make_shared<PinnedCertificateCheck>();
  check->host_ = host;
  SSL* ssl = stream.native_handle();
  // SSL_set_tlsext_host_name() is a macro with a C cast; this is its body.
  SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           const_cast<char*>(host.c_str()));
  // Host name (or IP address) checked by OpenSSL during chain verification.
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  std::weak_ptr<PinnedCertificateCheck> weak = check;
  stream.set_verify_callback([weak](bool preverified, asio::ssl::verify_context& ctx) {
    auto self = weak.lock();
    return self ? self->verify(preverified, ctx) : false;
  });
  return check;
}

bool PinnedCertificateCheck::verify(bool preverified, asio::ssl::verify_context& ctx) {
  if (preverified || failed_) {
    return preverified;
  }
  X509_STORE_CTX* store = ctx.native_handle();
  failed_ = true;
  verify_error_ = X509_STORE_CTX_get_error(store);
  if (X509* cert = X509_STORE_CTX_get_current_cert(store)) {
    issuer_ = nameToString(X509_get_issuer_name(cert));
    subject_ = nameToString(X509_get_subject_name(cert));
  }
  return false;
}

Error PinnedCertificateCheck::describeFailure(const std::string& handshake_error) const {
  if (!failed_) {
    return Error{ErrorCode::TlsHandshakeFailed,
                 "TLS handshake with " + host_ + " failed (" + handshake_error +
                     "); the server must offer TLS 1.3 with " + kTlsCipherSuite};
  }
  if (isUntrustedIssuer(verify_error_)) {
    return Error{ErrorCode::TlsInspection,
                 "the certificate presented for " + host_ + " was issued by '" + issuer_ +
                     "', not by this deployment's pinned Parley CA; the connection may be under "
                     "inspection by a proxy, and Parley does not allow that"};
  }
  return Error{ErrorCode::TlsHandshakeFailed,
               "certificate for " + host_ + " (subject '" + subject_ + "', issued by '" + issuer_ +
                   "') was refused: " + X509_verify_cert_error_string(verify_error_)};
}

}  // namespace parley::net
