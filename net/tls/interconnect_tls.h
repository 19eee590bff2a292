#pragma once
// TLS for the link between two interconnected servers (docs/interconnect.md).
// Both ends present their server certificate, whichever of them dialed, and
// the usual policy holds (TLS 1.3, AES-256-GCM). The handshake checks no
// chain: the two servers may come from different CAs. Who the other end is
// gets decided after the handshake, by the shared secret's proof bound to
// this session (core/server/interconnect/interconnect_proof.h) or by
// comparing its certificate with the configured one
// (peerCertificateDer against certificateFileDer): TLS 1.3 has already proved it holds that
// certificate's key.

#include <asio/ssl/context.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "core/base/result.h"
#include "net/tls/tls_context.h"

namespace parley::net {

struct InterconnectTlsContexts {
  std::shared_ptr<asio::ssl::context> accepting;  // asks the dialer for its certificate
  std::shared_ptr<asio::ssl::context> dialing;    // presents ours as a client certificate
};

Result<InterconnectTlsContexts> makeInterconnectTlsContexts(const std::string& cert_chain_file,
                                                            const std::string& key_file);

// The other end's certificate (DER) after the handshake; empty if it showed none.
std::string peerCertificateDer(TlsStream& stream);
// The first certificate in `pem_file`, as DER.
Result<std::string> certificateFileDer(const std::filesystem::path& pem_file);

}  // namespace parley::net
