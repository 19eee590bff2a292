#pragma once
// Verifies a server certificate against the pinned CA and the expected host
// name during one TLS handshake, and remembers why it failed so the caller can
// tell the user plainly: a certificate from another issuer means someone in
// between (a TLS-inspecting proxy) is presenting its own certificate.
//
// Owned by the connection attempt; used on that attempt's strand only.

#include <memory>
#include <string>

#include "core/base/error.h"
#include "net/tls/tls_context.h"

namespace parley::net {

class PinnedCertificateCheck {
 public:
  // Installs the verify callback on `stream` for `host`; sets SNI too.
  // The returned object must outlive the handshake.
  static std::shared_ptr<PinnedCertificateCheck> install(TlsStream& stream,
                                                         const std::string& host);

  // Turns a failed handshake into the error a person can act on:
  // TlsInspection (names the issuer), TlsHandshakeFailed (host name, expiry),
  // or TlsPolicy (the server offered something below our policy).
  [[nodiscard]] Error describeFailure(const std::string& handshake_error) const;

  [[nodiscard]] bool failed() const { return failed_; }

 private:
  bool verify(bool preverified, asio::ssl::verify_context& ctx);

  std::string host_;
  bool failed_ = false;
  int verify_error_ = 0;
  std::string issuer_;
  std::string subject_;
};

}  // namespace parley::net
