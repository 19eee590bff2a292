// parseProxyChallenge: one Proxy-Authenticate value from an untrusted proxy
// (label unit).

#include "net/tunnel/proxy_challenge.h"

#include <clocale>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

namespace parley::net {
namespace {

std::optional<AuthChallenge> parse(std::string_view value) { return parseProxyChallenge(value); }

TEST_CASE("each scheme Parley answers is recognised", "[tunnel][challenge]") {
  CHECK(parse("Basic realm=\"Corp\"") == AuthChallenge{AuthScheme::Basic, "Corp"});
  CHECK(parse("Digest realm=\"Corp\", nonce=\"abc\", qop=\"auth\"") ==
        AuthChallenge{AuthScheme::Digest, "Corp"});
  CHECK(parse("NTLM") == AuthChallenge{AuthScheme::Ntlm, ""});
  CHECK(parse("Negotiate") == AuthChallenge{AuthScheme::Negotiate, ""});
  CHECK(parse("NTLM TlRMTVNTUAACAAAA") == AuthChallenge{AuthScheme::Ntlm, ""});
  CHECK(parse("Basic\trealm=Tabbed") == AuthChallenge{AuthScheme::Basic, "Tabbed"});
}

TEST_CASE("schemes and the realm key ignore case", "[tunnel][challenge]") {
  CHECK(parse("BASIC REALM=\"Corp\"") == AuthChallenge{AuthScheme::Basic, "Corp"});
  CHECK(parse("dIgEsT Realm=x") == AuthChallenge{AuthScheme::Digest, "x"});
  CHECK(parse("ntlm") == AuthChallenge{AuthScheme::Ntlm, ""});
  CHECK(parse("NEGOTIATE") == AuthChallenge{AuthScheme::Negotiate, ""});
  // The realm's own case is kept.
  CHECK(parse("basic realm=\"MiXeD Case\"")->realm == "MiXeD Case");
}

TEST_CASE("realms quoted or bare", "[tunnel][challenge]") {
  CHECK(parse("Basic realm=\"Corp proxy, floor 3\"")->realm == "Corp proxy, floor 3");
  CHECK(parse("Basic realm=Corp, charset=\"UTF-8\"")->realm == "Corp");
  CHECK(parse("Basic realm=Corp proxy")->realm == "Corp");
  CHECK(parse("Basic charset=\"UTF-8\", realm=\"Later\"")->realm == "Later");
  // An unclosed quote runs to the end of the value.
  CHECK(parse("Basic realm=\"Unclosed, still")->realm == "Unclosed, still");
  CHECK(parse("Basic realm=\"\"")->realm.empty());
  CHECK(parse("Basic realm=")->realm.empty());
}

TEST_CASE("a challenge without a realm has an empty one", "[tunnel][challenge]") {
  CHECK(parse("Basic") == AuthChallenge{AuthScheme::Basic, ""});
  CHECK(parse("Basic charset=\"UTF-8\"") == AuthChallenge{AuthScheme::Basic, ""});
  CHECK(parse("Digest nonce=\"abc\"") == AuthChallenge{AuthScheme::Digest, ""});
}

TEST_CASE("realms are cut at 256 bytes", "[tunnel][challenge]") {
  const std::string long_realm(1000, 'r');
  const auto quoted = parse("Basic realm=\"" + long_realm + "\"");
  REQUIRE(quoted);
  CHECK(quoted->realm == std::string(kMaxRealmBytes, 'r'));
  const auto bare = parse("Basic realm=" + long_realm);
  REQUIRE(bare);
  CHECK(bare->realm.size() == kMaxRealmBytes);
  CHECK(parse("Basic realm=\"" + std::string(kMaxRealmBytes, 'r') + "\"")->realm.size() ==
        kMaxRealmBytes);
}

TEST_CASE("unknown schemes, empty and garbage values give nothing", "[tunnel][challenge]") {
  CHECK_FALSE(parse(""));
  CHECK_FALSE(parse(" "));
  CHECK_FALSE(parse("Bearer realm=\"api\""));
  CHECK_FALSE(parse("Basicx realm=\"Corp\""));
  CHECK_FALSE(parse("Basic,realm=\"Corp\""));
  CHECK_FALSE(parse("NTLMNegotiate"));
  CHECK_FALSE(parse(std::string("Basic\0realm=x", 13)));
  CHECK_FALSE(parse("\xff\xfe\x01garbage"));
  CHECK_FALSE(parse("=\"\"\"\",,,"));
}

TEST_CASE("values longer than the bound are refused whole", "[tunnel][challenge]") {
  const std::string prefix = "Negotiate ";
  CHECK(parse(prefix + std::string(kMaxChallengeBytes - prefix.size(), 'A')));
  CHECK_FALSE(parse(prefix + std::string(kMaxChallengeBytes - prefix.size() + 1, 'A')));
}

TEST_CASE("scheme names round-trip and match what messages print", "[tunnel][challenge]") {
  CHECK(authSchemeName(AuthScheme::Basic) == "Basic");
  CHECK(authSchemeName(AuthScheme::Digest) == "Digest");
  CHECK(authSchemeName(AuthScheme::Ntlm) == "NTLM");
  CHECK(authSchemeName(AuthScheme::Negotiate) == "Negotiate");
  for (const AuthScheme scheme : kAuthSchemes) {
    CHECK(authSchemeFromName(authSchemeName(scheme)) == scheme);
  }
  // The remembered-scheme file is ours: exact spelling only.
  CHECK_FALSE(authSchemeFromName("ntlm"));
  CHECK_FALSE(authSchemeFromName("SOCKS5"));
  CHECK_FALSE(authSchemeFromName(""));
}

// In a Turkish locale the C library lower-cases 'I' to a dotless i, so a
// locale-dependent parser reads "BASIC" as something else. The desktop client
// runs in the user's locale (Qt calls setlocale).
TEST_CASE("parsing does not depend on the C locale", "[tunnel][challenge]") {
  const std::string before = std::setlocale(LC_CTYPE, nullptr);
  const char* turkish = nullptr;
  for (const char* name : {"tr_TR.ISO-8859-9", "tr_TR.UTF-8", "tr_TR"}) {
    if (std::setlocale(LC_CTYPE, name) != nullptr) {
      turkish = name;
      break;
    }
  }
  if (turkish == nullptr) {
    WARN("no Turkish locale installed: checked in the C locale only");
  }
  CHECK(parse("BASIC REALM=\"Istanbul\"") == AuthChallenge{AuthScheme::Basic, "Istanbul"});
  CHECK(parse("DIGEST REALM=x") == AuthChallenge{AuthScheme::Digest, "x"});
  CHECK(parse("NEGOTIATE") == AuthChallenge{AuthScheme::Negotiate, ""});
  std::setlocale(LC_CTYPE, before.c_str());
}

}  // namespace
}  // namespace parley::net
