// The command line's credential store: the Windows Credential Manager
// (run under Wine by windows.wine-unit-tests), and the clear refusal
// elsewhere.

#include "net/platform/credential_store.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

namespace parley::net {
namespace {

// A name of this run's own, so that a test on a real Windows desktop never
// touches the user's entries.
std::string testTarget() {
  std::random_device random;
  return "parley-test/" + std::to_string(random()) + std::to_string(random());
}

}  // namespace

TEST_CASE("the desktop client's names for stored passwords", "[platform][credentials]") {
  CHECK(signInCredentialTarget("meet.example.com", "alice") == "sign-in/alice@meet.example.com");
  CHECK(std::string(kProxyCredentialTarget) == "proxy");
}

#ifdef _WIN32
TEST_CASE("Credential Manager: stored, read back, replaced and forgotten",
          "[platform][credentials]") {
  const std::string target = testTarget();
  auto none = readStoredSecret(target);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());

  const std::string secret = "p\xC3\xA4ss w\xE2\x82\xACrd\n";  // UTF-8, a space, a newline
  REQUIRE(storeSecret(target, secret));
  auto read = readStoredSecret(target);
  REQUIRE(read);
  REQUIRE(read->has_value());
  CHECK(**read == secret);

  REQUIRE(storeSecret(target, "second"));
  CHECK(readStoredSecret(target)->value() == "second");

  REQUIRE(forgetStoredSecret(target));
  CHECK_FALSE(readStoredSecret(target)->has_value());
  auto again = forgetStoredSecret(target);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::NotFound);
}

TEST_CASE("Credential Manager: bounds on names and secrets", "[platform][credentials]") {
  const std::string target = testTarget();
  auto big = storeSecret(target, std::string(kMaxStoredSecretBytes + 1, 'x'));
  REQUIRE_FALSE(big);
  CHECK(big.error().code == ErrorCode::InvalidArgument);
  CHECK_FALSE(readStoredSecret(target)->has_value());
  CHECK_FALSE(storeSecret("", "x"));
  CHECK_FALSE(readStoredSecret(std::string(40000, 'n')));
}
#else
TEST_CASE("without a credential store the refusal says what to use", "[platform][credentials]") {
  const auto read = readStoredSecret(testTarget());
  REQUIRE_FALSE(read);
  CHECK(read.error().code == ErrorCode::Unavailable);
  CHECK_THAT(read.error().detail, Catch::Contains("PARLEY_PASSWORD"));
  CHECK_FALSE(storeSecret(testTarget(), "x"));
  CHECK_FALSE(forgetStoredSecret(testTarget()));
}
#endif

}  // namespace parley::net
