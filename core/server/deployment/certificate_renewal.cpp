#include "core/server/deployment/certificate_renewal.h"

#include <fstream>
#include <sstream>

#include "net/platform/private_file.h"
#include "net/tls/certificate_authority.h"

namespace parley::server {
namespace {

Result<std::string> readWholeFile(const std::filesystem::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(ErrorCode::Io, "cannot read " + what + " " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first certificate of a PEM chain (server.crt holds the server's, then the CA's).
std::string firstCertificate(const std::string& chain) {
  static const std::string kEnd = "-----END CERTIFICATE-----";
  const auto end = chain.find(kEnd);
  return end == std::string::npos ? chain : chain.substr(0, end + kEnd.size()) + "\n";
}

}  // namespace

Result<RenewResult> renewServerCertificate(const ServerConfig& config,
                                           const RenewOptions& options) {
  const auto ca_key_path =
      options.ca_key.empty() ? config.ca_certificate.parent_path() / "ca.key" : options.ca_key;
  auto ca_certificate = readWholeFile(config.ca_certificate, "the CA certificate");
  if (!ca_certificate) {
    return makeError(std::move(ca_certificate).error());
  }
  auto ca_key = readWholeFile(ca_key_path, "the CA key (give its offline copy with --ca-key)");
  if (!ca_key) {
    return makeError(std::move(ca_key).error());
  }
  auto old_chain = readWholeFile(config.certificate, "the server certificate");
  if (!old_chain) {
    return makeError(std::move(old_chain).error());
  }
  const std::string old_certificate = firstCertificate(*old_chain);
  auto hosts = net::certificateHosts(old_certificate);
  if (!hosts) {
    return makeError(std::move(hosts).error());
  }
  const net::PemKeyPair ca{*ca_certificate, *ca_key};
  // issueServerCertificate refuses a CA key that does not match ca.crt, so a
  // wrong --ca-key never yields a certificate the clients would reject.
  auto issued = net::issueServerCertificate(ca, *hosts, options.rsa_bits, options.valid_days);
  if (!issued) {
    return makeError(std::move(issued).error());
  }
  RenewResult result;
  result.hosts = *hosts;
  auto old_fingerprint = net::certificateSha256Fingerprint(old_certificate);
  auto new_fingerprint = net::certificateSha256Fingerprint(issued->certificate_pem);
  if (!old_fingerprint || !new_fingerprint) {
    return makeError(ErrorCode::InvalidArgument, "cannot read the server certificates");
  }
  result.old_fingerprint = *old_fingerprint;
  result.new_fingerprint = *new_fingerprint;
  // The old key is kept in memory: if the certificate cannot be replaced
  // after the key was, the old key goes back, so the pair on disk always
  // matches (a full disk or a permission error must not leave a server that
  // cannot start).
  auto old_key = readWholeFile(config.private_key, "the server key");
  if (!old_key) {
    return makeError(std::move(old_key).error());
  }
  // Key first: a server started between the two renames fails its key check
  // loudly rather than serving a mismatched pair.
  if (auto ok = net::replaceFileKeepingAccess(config.private_key.string(), issued->private_key_pem);
      !ok) {
    return makeError(std::move(ok).error());
  }
  if (auto ok = net::replaceFileKeepingAccess(config.certificate.string(),
                                              issued->certificate_pem + *ca_certificate);
      !ok) {
    if (auto restored = net::replaceFileKeepingAccess(config.private_key.string(), *old_key);
        !restored) {
      return makeError(ErrorCode::Io, ok.error().detail +
                                          "; and the old key could not be put back either (" +
                                          restored.error().detail + "): run renew again");
    }
    return makeError(std::move(ok).error());
  }
  return result;
}

}  // namespace parley::server
