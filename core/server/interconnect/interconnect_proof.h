#pragma once
// The shared-secret proof two interconnected servers exchange in their
// hellos (docs/interconnect.md, "Authentication"). Each proves it knows the
// secret without sending it, bound to this one TLS session (the RFC 8446
// exporter under kInterconnectExporterLabel): a proof replayed on another
// connection, or relayed by someone who terminated TLS in between (and so
// holds a different session), does not verify. The role is in the proof, so
// one side's proof cannot be reflected back as the other's.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace parley::server {

inline constexpr std::string_view kInterconnectExporterLabel = "EXPORTER-parley-interconnect";
inline constexpr std::size_t kInterconnectExporterBytes = 32;

enum class LinkRole { Dialer, Acceptor };

// HMAC-SHA256(secret, version | role | sender name | exporter), 32 bytes.
std::string interconnectProof(std::string_view secret, LinkRole sender_role,
                              std::string_view sender_name, std::span<const std::byte> exporter);

// Constant-time check of a proof the other end sent.
bool interconnectProofValid(std::string_view proof, std::string_view secret, LinkRole sender_role,
                            std::string_view sender_name, std::span<const std::byte> exporter);

}  // namespace parley::server
