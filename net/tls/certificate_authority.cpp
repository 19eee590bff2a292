#include "net/tls/certificate_authority.h"

#include <algorithm>
#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <asio/ip/address.hpp>

namespace parley::net {
namespace {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

std::string openSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return "unknown OpenSSL error";
  }
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

Unexpected fail(const std::string& what) {
  return makeError(ErrorCode::CertificateGeneration, what + ": " + openSslError());
}

Result<PkeyPtr> generateRsaKey(int bits) {
  if (bits < kMinimumRsaBits) {
    return makeError(ErrorCode::InvalidArgument,
                     "RSA keys of " + std::to_string(bits) + " bits are refused; at least " +
                         std::to_string(kMinimumRsaBits) + " bits are required");
  }
  if (bits > 16384) {
    return makeError(ErrorCode::InvalidArgument,
                     "RSA keys of " + std::to_string(bits) + " bits are unreasonably large");
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1) {
    return fail("cannot set up RSA key generation");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return fail("RSA key generation failed");
  }
  return PkeyPtr(raw);
}

Result<std::string> keyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail("cannot encode private key");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

Result<std::string> certToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return fail("cannot encode certificate");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

Result<X509Ptr> certFromPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    return makeError(ErrorCode::InvalidArgument, "not a PEM certificate: " + openSslError());
  }
  return cert;
}

Result<PkeyPtr> keyFromPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    return makeError(ErrorCode::InvalidArgument, "not a PEM private key: " + openSslError());
  }
  return key;
}

// A fresh certificate with a random positive 159-bit serial, validity and
// subject CN set; the caller adds extensions and signs.
Result<X509Ptr> newCertificate(EVP_PKEY* key, const std::string& common_name, int valid_days) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) {
    return fail("cannot create certificate");
  }
  unsigned char serial_bytes[20];
  if (RAND_bytes(serial_bytes, sizeof(serial_bytes)) != 1) {
    return fail("cannot draw a random serial");
  }
  serial_bytes[0] &= 0x7f;  // positive
  serial_bytes[0] |= 0x01;  // and not shortened by leading zeros
  BnPtr serial(BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr));
  if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return fail("cannot set serial");
  }
  // Backdated an hour to tolerate clock skew between server and clients.
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(valid_days) * 86400) ==
          nullptr) {
    return fail("cannot set validity");
  }
  if (X509_set_pubkey(cert.get(), key) != 1) {
    return fail("cannot set public key");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn = common_name.substr(0, 64);
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("Parley"), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1) {
    return fail("cannot set subject");
  }
  return cert;
}

Result<void> addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return fail("cannot add extension " + std::string(OBJ_nid2sn(nid)) + "=" + value);
  }
  return {};
}

bool isIpAddress(const std::string& host) {
  asio::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

bool isValidDnsName(const std::string& host) {
  if (host.empty() || host.size() > 253) {
    return false;
  }
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '*';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Signs `cert` with `signer` (SHA-256) and returns it with its subject's key as PEM.
Result<PemKeyPair> signAndExport(X509* cert, EVP_PKEY* signer, EVP_PKEY* subject_key,
                                 const std::string& what) {
  if (X509_sign(cert, signer, EVP_sha256()) == 0) {
    return fail("cannot sign " + what);
  }
  auto cert_pem = certToPem(cert);
  auto key_pem = keyToPem(subject_key);
  if (!cert_pem || !key_pem) {
    return makeError(!cert_pem ? cert_pem.error() : key_pem.error());
  }
  return PemKeyPair{std::move(*cert_pem), std::move(*key_pem)};
}

}  // namespace

Result<PemKeyPair> createCertificateAuthority(const std::string& common_name, int rsa_bits,
                                              int valid_days) {
  auto key = generateRsaKey(rsa_bits);
  if (!key) {
    return makeError(std::move(key).error());
  }
  auto cert = newCertificate(key->get(), common_name, valid_days);
  if (!cert) {
    return makeError(std::move(cert).error());
  }
  X509* c = cert->get();
  if (X509_set_issuer_name(c, X509_get_subject_name(c)) != 1) {
    return fail("cannot set issuer");
  }
  for (const auto& [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                                   std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                                   std::pair{NID_subject_key_identifier, "hash"}}) {
    if (auto ok = addExtension(c, c, nid, value); !ok) {
      return makeError(std::move(ok).error());
    }
  }
  return signAndExport(c, key->get(), key->get(), "the CA certificate");
}

Result<PemKeyPair> issueServerCertificate(const PemKeyPair& ca,
                                          const std::vector<std::string>& hosts, int rsa_bits,
                                          int valid_days) {
  if (hosts.empty()) {
    return makeError(ErrorCode::InvalidArgument, "a server certificate needs at least one host");
  }
  std::string san;
  for (const auto& host : hosts) {
    if (!san.empty()) {
      san += ',';
    }
    if (isIpAddress(host)) {
      san += "IP:" + host;
    } else if (isValidDnsName(host)) {
      san += "DNS:" + host;
    } else {
      return makeError(ErrorCode::InvalidArgument,
                       "host '" + host + "' is neither an IP address nor a DNS name");
    }
  }
  auto ca_cert = certFromPem(ca.certificate_pem);
  if (!ca_cert) {
    return makeError(std::move(ca_cert).error());
  }
  auto ca_key = keyFromPem(ca.private_key_pem);
  if (!ca_key) {
    return makeError(std::move(ca_key).error());
  }
  if (X509_check_private_key(ca_cert->get(), ca_key->get()) != 1) {
    return makeError(ErrorCode::InvalidArgument, "the CA key does not match the CA certificate");
  }
  auto key = generateRsaKey(rsa_bits);
  if (!key) {
    return makeError(std::move(key).error());
  }
  auto cert = newCertificate(key->get(), hosts.front(), valid_days);
  if (!cert) {
    return makeError(std::move(cert).error());
  }
  X509* c = cert->get();
  if (X509_set_issuer_name(c, X509_get_subject_name(ca_cert->get())) != 1) {
    return fail("cannot set issuer");
  }
  for (const auto& [nid, value] :
       {std::pair{NID_basic_constraints, std::string("critical,CA:FALSE")},
        std::pair{NID_key_usage, std::string("critical,digitalSignature,keyEncipherment")},
        std::pair{NID_ext_key_usage, std::string("serverAuth")},
        std::pair{NID_subject_key_identifier, std::string("hash")},
        std::pair{NID_authority_key_identifier, std::string("keyid:always")},
        std::pair{NID_subject_alt_name, san}}) {
    if (auto ok = addExtension(c, ca_cert->get(), nid, value); !ok) {
      return makeError(std::move(ok).error());
    }
  }
  return signAndExport(c, ca_key->get(), key->get(), "the server certificate");
}

Result<std::vector<std::string>> certificateHosts(const std::string& certificate_pem) {
  auto cert = certFromPem(certificate_pem);
  if (!cert) {
    return makeError(std::move(cert).error());
  }
  using NamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
  NamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert->get(), NID_subject_alt_name, nullptr, nullptr)));
  std::vector<std::string> hosts;
  const int count = names ? sk_GENERAL_NAME_num(names.get()) : 0;
  for (int i = 0; i < count; ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      hosts.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                         static_cast<std::size_t>(ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      const unsigned char* bytes = ASN1_STRING_get0_data(ip);
      if (ASN1_STRING_length(ip) == 4) {
        asio::ip::address_v4::bytes_type v4{};
        std::copy(bytes, bytes + 4, v4.begin());
        hosts.push_back(asio::ip::address_v4(v4).to_string());
      } else if (ASN1_STRING_length(ip) == 16) {
        asio::ip::address_v6::bytes_type v6{};
        std::copy(bytes, bytes + 16, v6.begin());
        hosts.push_back(asio::ip::address_v6(v6).to_string());
      }
    }
  }
  if (hosts.empty()) {
    return makeError(ErrorCode::InvalidArgument, "the certificate names no host (no SAN)");
  }
  return hosts;
}

Result<std::string> certificateSha256Fingerprint(const std::string& certificate_pem) {
  auto cert = certFromPem(certificate_pem);
  if (!cert) {
    return makeError(std::move(cert).error());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert->get(), EVP_sha256(), digest, &len) != 1) {
    return fail("cannot hash the certificate");
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(len * 3);
  for (unsigned int i = 0; i < len; ++i) {
    if (i != 0) {
      out += ':';
    }
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0f];
  }
  return out;
}

}  // namespace parley::net
