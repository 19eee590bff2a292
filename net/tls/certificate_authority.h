#pragma once
// The deployment's private PKI, as `parleyd init` creates it: a self-signed CA
// and a server certificate it issues for the server's names (SAN). RSA keys,
// 3072 bits by default, never under 2048. Pure functions over PEM text.

#include <string>
#include <vector>

#include "core/base/result.h"

namespace parley::net {

struct PemKeyPair {
  std::string certificate_pem;
  std::string private_key_pem;
};

inline constexpr int kDefaultRsaBits = 3072;
inline constexpr int kMinimumRsaBits = 2048;

// A CA certificate valid for `valid_days`, key usage keyCertSign/cRLSign.
Result<PemKeyPair> createCertificateAuthority(const std::string& common_name, int rsa_bits,
                                              int valid_days);

// A TLS server certificate for `hosts` (DNS names or IP addresses, all in the
// SAN; the first is also the CN), signed by `ca`.
Result<PemKeyPair> issueServerCertificate(const PemKeyPair& ca,
                                          const std::vector<std::string>& hosts, int rsa_bits,
                                          int valid_days);

// The names a certificate is for: its SAN entries (DNS names and IP
// addresses), in order. `parleyd cert renew` issues the new certificate for
// the same names, so no client sees a different name.
Result<std::vector<std::string>> certificateHosts(const std::string& certificate_pem);

// "AB:CD:..." SHA-256 over the certificate's DER encoding.
Result<std::string> certificateSha256Fingerprint(const std::string& certificate_pem);

}  // namespace parley::net
