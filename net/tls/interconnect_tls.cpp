#include "net/tls/interconnect_tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>

namespace parley::net {
namespace {

// Accepts any chain: identity is checked after the handshake (see header).
// OpenSSL still verifies the CertificateVerify signature of what is shown.
bool acceptAnyChain(bool /*preverified*/, asio::ssl::verify_context& /*ctx*/) { return true; }

}  // namespace

Result<InterconnectTlsContexts> makeInterconnectTlsContexts(const std::string& cert_chain_file,
                                                            const std::string& key_file) {
  auto accepting = makeServerTlsContext(cert_chain_file, key_file);
  if (!accepting) {
    return makeError(std::move(accepting).error());
  }
  (*accepting)->set_verify_mode(asio::ssl::verify_peer);
  (*accepting)->set_verify_callback(acceptAnyChain);

  auto dialing = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* native = dialing->native_handle();
  // The same policy as every channel: take it from a server context's settings.
  SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION);
  SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
  if (SSL_CTX_set_ciphersuites(native, kTlsCipherSuite) != 1) {
    ERR_clear_error();
    return makeError(ErrorCode::TlsPolicy, "cannot select " + std::string(kTlsCipherSuite));
  }
  SSL_CTX_set_security_level(native, 2);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(native, cert_chain_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return makeError(ErrorCode::TlsPolicy, "cannot load " + cert_chain_file + " and " + key_file +
                                               " for interconnection");
  }
  dialing->set_verify_mode(asio::ssl::verify_peer);
  dialing->set_verify_callback(acceptAnyChain);
  return InterconnectTlsContexts{std::move(*accepting), std::move(dialing)};
}

namespace {
std::string derOf(X509* cert) {
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert, &der);
  if (size <= 0) {
    ERR_clear_error();
    return {};
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}
}  // namespace

std::string peerCertificateDer(TlsStream& stream) {
  X509* shown = SSL_get1_peer_certificate(stream.native_handle());
  if (shown == nullptr) {
    return {};
  }
  auto der = derOf(shown);
  X509_free(shown);
  return der;
}

Result<std::string> certificateFileDer(const std::filesystem::path& pem_file) {
  std::FILE* file = std::fopen(pem_file.string().c_str(), "rb");
  if (file == nullptr) {
    return makeError(ErrorCode::Io, "cannot read " + pem_file.string());
  }
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (cert == nullptr) {
    ERR_clear_error();
    return makeError(ErrorCode::ConfigInvalid, pem_file.string() + " holds no PEM certificate");
  }
  auto der = derOf(cert);
  X509_free(cert);
  return der;
}

}  // namespace parley::net
