#pragma once
// DtlsIdentity: the throwaway key and self-signed certificate one client uses
// for the DTLS handshakes of its peer paths (RFC 5763 style). Nobody signs
// it; the peer trusts it because the server, over the authenticated TLS
// channel, tells the peer this certificate's SHA-256 fingerprint. A new one
// per call, so a fingerprint identifies no one across meetings.
//
// Threads: immutable after create(); share freely. Ownership: holds OpenSSL
// references, released on destruction.

#include <memory>
#include <string>

#include "core/base/result.h"

struct evp_pkey_st;
struct x509_st;

namespace parley::net {

class DtlsIdentity {
 public:
  // An ECDSA P-256 key and a certificate valid for `valid_days` (from a day
  // ago, for skewed clocks).
  static Result<std::shared_ptr<const DtlsIdentity>> create(int valid_days = 30);
  ~DtlsIdentity();
  DtlsIdentity(const DtlsIdentity&) = delete;
  DtlsIdentity& operator=(const DtlsIdentity&) = delete;

  // "sha-256 AB:CD:..." as in SDP's a=fingerprint (RFC 8122).
  [[nodiscard]] const std::string& fingerprint() const { return fingerprint_; }
  [[nodiscard]] evp_pkey_st* key() const { return key_; }
  [[nodiscard]] x509_st* certificate() const { return certificate_; }

 private:
  DtlsIdentity(evp_pkey_st* key, x509_st* certificate, std::string fingerprint)
      : key_(key), certificate_(certificate), fingerprint_(std::move(fingerprint)) {}
  evp_pkey_st* key_;
  x509_st* certificate_;
  std::string fingerprint_;
};

// The fingerprint of a certificate in the same form, for comparison.
std::string sha256Fingerprint(x509_st* certificate);

// Case-insensitive comparison of two "sha-256 ..." fingerprints; false when
// either is malformed.
bool sameFingerprint(const std::string& a, const std::string& b);

}  // namespace parley::net
