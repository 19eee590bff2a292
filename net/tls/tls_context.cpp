#include "net/tls/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace parley::net {
namespace {

std::string lastOpenSslError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) {
    return "unknown OpenSSL error";
  }
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

Result<void> applyPolicy(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    return makeError(ErrorCode::TlsPolicy, "cannot restrict TLS to 1.3: " + lastOpenSslError());
  }
  if (SSL_CTX_set_ciphersuites(ctx, kTlsCipherSuite) != 1) {
    return makeError(ErrorCode::TlsPolicy,
                     "cannot select " + std::string(kTlsCipherSuite) + ": " + lastOpenSslError());
  }
  // Level 2: RSA and DH of 2048 bits or more, no SHA-1 signatures.
  SSL_CTX_set_security_level(ctx, 2);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // Our channel is long lived; tickets add nothing but state.
  SSL_CTX_set_num_tickets(ctx, 0);
  return {};
}

}  // namespace

Result<std::shared_ptr<asio::ssl::context>> makeServerTlsContext(const std::string& cert_chain_file,
                                                                 const std::string& key_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  if (auto policy = applyPolicy(ctx->native_handle()); !policy) {
    return makeError(std::move(policy).error());
  }
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_use_certificate_chain_file(native, cert_chain_file.c_str()) != 1) {
    return makeError(ErrorCode::TlsPolicy, "cannot load certificate chain " + cert_chain_file +
                                               ": " + lastOpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return makeError(ErrorCode::TlsPolicy,
                     "cannot load private key " + key_file + ": " + lastOpenSslError());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return makeError(ErrorCode::TlsPolicy,
                     "private key " + key_file +
                         " does not match the certificate: " + lastOpenSslError());
  }
  // Smaller per-connection buffers: a server holds thousands of idle channels.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  return ctx;
}

Result<std::shared_ptr<asio::ssl::context>> makeClientTlsContext(const std::string& ca_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  if (auto policy = applyPolicy(ctx->native_handle()); !policy) {
    return makeError(std::move(policy).error());
  }
  // Only the pinned CA: never the system store, so an inspecting proxy's
  // certificate (trusted by the OS or not) is refused.
  if (SSL_CTX_load_verify_locations(ctx->native_handle(), ca_file.c_str(), nullptr) != 1) {
    return makeError(ErrorCode::TlsPolicy,
                     "cannot load the pinned CA " + ca_file + ": " + lastOpenSslError());
  }
  ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  return ctx;
}

TlsSessionInfo describeTlsSession(TlsStream& stream) {
  SSL* ssl = stream.native_handle();
  TlsSessionInfo info;
  info.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
    info.cipher = SSL_CIPHER_get_name(cipher);
  }
  return info;
}

Result<std::vector<std::byte>> exportKeyingMaterial(TlsStream& stream, std::string_view label,
                                                    std::size_t length) {
  std::vector<std::byte> out(length);
  const std::string label_copy(label);
  if (SSL_export_keying_material(stream.native_handle(),
                                 reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                 label_copy.c_str(), label_copy.size(), nullptr, 0, 0) != 1) {
    ERR_clear_error();
    return makeError(ErrorCode::TlsHandshakeFailed,
                     "cannot export keying material (is the TLS handshake complete?)");
  }
  return out;
}

}  // namespace parley::net
