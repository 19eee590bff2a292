#include "net/ice/dtls_identity.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <array>

#include "net/proxy/text_util.h"

namespace parley::net {

namespace {

Unexpected identityError(const char* what) {
  return makeError(ErrorCode::CertificateGeneration, std::string("DTLS identity: ") + what);
}

}  // namespace

Result<std::shared_ptr<const DtlsIdentity>> DtlsIdentity::create(int valid_days) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) {
    return identityError("key generation failed");
  }
  X509* cert = X509_new();
  if (cert == nullptr) {
    EVP_PKEY_free(key);
    return identityError("out of memory");
  }
  const auto fail = [&](const char* what) {
    X509_free(cert);
    EVP_PKEY_free(key);
    return identityError(what);
  };
  std::array<unsigned char, 8> serial{};
  if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) {
    return fail("no randomness");
  }
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
  const bool serial_ok =
      bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  if (!serial_ok || X509_set_version(cert, 2) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert), -86400) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(valid_days) * 86400) == nullptr ||
      X509_set_pubkey(cert, key) != 1) {
    return fail("certificate fields");
  }
  X509_NAME* name = X509_get_subject_name(cert);
  const auto* cn = reinterpret_cast<const unsigned char*>("parley-peer");
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert, name) != 1 || X509_sign(cert, key, EVP_sha256()) == 0) {
    return fail("signing failed");
  }
  auto fingerprint = sha256Fingerprint(cert);
  return std::shared_ptr<const DtlsIdentity>(new DtlsIdentity(key, cert, std::move(fingerprint)));
}

DtlsIdentity::~DtlsIdentity() {
  X509_free(certificate_);
  EVP_PKEY_free(key_);
}

std::string sha256Fingerprint(X509* certificate) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (certificate == nullptr ||
      X509_digest(certificate, EVP_sha256(), digest.data(), &length) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text = "sha-256 ";
  for (unsigned int i = 0; i < length; ++i) {
    if (i > 0) {
      text += ':';
    }
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 0x0f];
  }
  return text;
}

bool sameFingerprint(const std::string& a, const std::string& b) {
  // "sha-256 " plus 32 bytes as hex pairs with colons.
  constexpr std::size_t kLength = 8 + 32 * 3 - 1;
  if (a.size() != kLength || b.size() != kLength) {
    return false;
  }
  unsigned char differ = 0;  // compared in full: no early exit on the first difference
  for (std::size_t i = 0; i < kLength; ++i) {
    differ |= static_cast<unsigned char>(text::asciiLower(a[i]) ^ text::asciiLower(b[i]));
  }
  return differ == 0 && text::lower(a.substr(0, 8)) == "sha-256 ";
}

}  // namespace parley::net
