#include "net/tls/certificate_authority.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <memory>

using namespace parley::net;

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr load(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

// Verifies `leaf` against `ca` as a TLS server for `host` (DNS or IP).
bool verifies(X509* leaf, X509* ca, const std::string& host, bool is_ip) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  const bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return ok;
}

}  // namespace

TEST_CASE("the CA issues a server certificate that verifies for its hosts",
          "[server][certificate]") {
  auto ca = createCertificateAuthority("test CA", kMinimumRsaBits, 30);
  REQUIRE(ca);
  auto server =
      issueServerCertificate(*ca, {"chat.example.org", "127.0.0.1", "::1"}, kMinimumRsaBits, 30);
  REQUIRE(server);
  auto ca_cert = load(ca->certificate_pem);
  auto leaf = load(server->certificate_pem);
  REQUIRE(ca_cert);
  REQUIRE(leaf);

  CHECK(X509_check_ca(ca_cert.get()) == 1);
  CHECK((X509_get_key_usage(ca_cert.get()) & KU_KEY_CERT_SIGN) != 0);
  CHECK(X509_check_ca(leaf.get()) == 0);
  CHECK((X509_get_extended_key_usage(leaf.get()) & XKU_SSL_SERVER) != 0);
  CHECK(X509_get_signature_nid(leaf.get()) == NID_sha256WithRSAEncryption);

  CHECK(verifies(leaf.get(), ca_cert.get(), "chat.example.org", false));
  CHECK(verifies(leaf.get(), ca_cert.get(), "127.0.0.1", true));
  CHECK(verifies(leaf.get(), ca_cert.get(), "::1", true));
  CHECK_FALSE(verifies(leaf.get(), ca_cert.get(), "other.example.org", false));
  CHECK_FALSE(verifies(leaf.get(), ca_cert.get(), "127.0.0.2", true));

  // Another CA does not vouch for it.
  auto stranger = createCertificateAuthority("stranger", kMinimumRsaBits, 30);
  REQUIRE(stranger);
  auto stranger_cert = load(stranger->certificate_pem);
  CHECK_FALSE(verifies(leaf.get(), stranger_cert.get(), "chat.example.org", false));

  // Serial numbers are random.
  auto second = issueServerCertificate(*ca, {"chat.example.org"}, kMinimumRsaBits, 30);
  REQUIRE(second);
  auto leaf2 = load(second->certificate_pem);
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(leaf.get()), X509_get0_serialNumber(leaf2.get())) !=
        0);

  auto fingerprint = certificateSha256Fingerprint(ca->certificate_pem);
  REQUIRE(fingerprint);
  CHECK(fingerprint->size() == 32 * 3 - 1);
  CHECK((*fingerprint)[2] == ':');
}

TEST_CASE("keys under 2048 bits and bad hosts are refused", "[server][certificate]") {
  CHECK_FALSE(createCertificateAuthority("weak", 1024, 30));
  auto ca = createCertificateAuthority("ca", kMinimumRsaBits, 30);
  REQUIRE(ca);
  CHECK_FALSE(issueServerCertificate(*ca, {"localhost"}, 2047, 30));
  CHECK_FALSE(issueServerCertificate(*ca, {"bad host,DNS:evil"}, kMinimumRsaBits, 30));
  CHECK_FALSE(issueServerCertificate(*ca, {}, kMinimumRsaBits, 30));
}

TEST_CASE("a certificate's hosts are read back in order, for renewing it",
          "[server][certificate]") {
  auto ca = createCertificateAuthority("test CA", kMinimumRsaBits, 30);
  REQUIRE(ca);
  const std::vector<std::string> hosts = {"chat.example.org", "127.0.0.1", "::1", "localhost"};
  auto server = issueServerCertificate(*ca, hosts, kMinimumRsaBits, 30);
  REQUIRE(server);
  auto read = certificateHosts(server->certificate_pem + ca->certificate_pem);
  REQUIRE(read);
  CHECK(*read == hosts);
  // The CA names no host: nothing to renew it for.
  auto none = certificateHosts(ca->certificate_pem);
  REQUIRE_FALSE(none);
  CHECK(none.error().code == parley::ErrorCode::InvalidArgument);
}
