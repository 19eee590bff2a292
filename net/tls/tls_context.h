#pragma once
// TLS policy for every Parley channel: TLS 1.3 only, TLS_AES_256_GCM_SHA384
// only, RSA keys of 2048 bits or more (OpenSSL security level 2). Contexts are
// built once and shared read-only by all connections (thread-safe after setup).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <asio/ip/tcp.hpp>
#include <asio/ssl.hpp>

#include "core/base/result.h"

namespace parley::net {

using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;

inline constexpr const char* kTlsCipherSuite = "TLS_AES_256_GCM_SHA384";

// Server side: the certificate chain and key from `parleyd init`.
Result<std::shared_ptr<asio::ssl::context>> makeServerTlsContext(const std::string& cert_chain_file,
                                                                 const std::string& key_file);

// Client side: trusts only the deployment's CA in `ca_file` (pinned). The
// server's name is checked per connection (see PinnedCertificateCheck).
Result<std::shared_ptr<asio::ssl::context>> makeClientTlsContext(const std::string& ca_file);

struct TlsSessionInfo {
  std::string version;  // "TLSv1.3"
  std::string cipher;   // "TLS_AES_256_GCM_SHA384"
};

TlsSessionInfo describeTlsSession(TlsStream& stream);

// RFC 5705 / RFC 8446 section 7.5 exporter: `length` bytes bound to this TLS
// session and `label` (no context). Both ends get the same bytes; nobody else
// can compute them. Call after the handshake.
Result<std::vector<std::byte>> exportKeyingMaterial(TlsStream& stream, std::string_view label,
                                                    std::size_t length);

}  // namespace parley::net
