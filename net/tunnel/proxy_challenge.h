#pragma once
// One Proxy-Authenticate value, as an HTTP proxy's 407 sends it:
// `Basic realm="Corp"`, `NTLM`, `Negotiate`, `Digest realm="x", nonce="..."`.
// The proxy may be anyone's (a hotel's, an attacker's on the same Wi-Fi), so
// the parser reads untrusted bytes: bounded input, bounded realm, ASCII-only
// case folding (a Turkish locale must not turn "BASIC" into something else).
// No curl, no Asio: the fuzz build compiles it alone (parley_proxy_parsers).

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace parley::net {

// The schemes Parley can answer. Anything else a proxy offers is ignored.
enum class AuthScheme { Basic, Digest, Ntlm, Negotiate };
inline constexpr std::array<AuthScheme, 4> kAuthSchemes = {AuthScheme::Basic, AuthScheme::Digest,
                                                           AuthScheme::Ntlm, AuthScheme::Negotiate};

// As Parley spells them in messages, events and the remembered-scheme file:
// "Basic", "Digest", "NTLM", "Negotiate".
std::string_view authSchemeName(AuthScheme scheme);
// The inverse of authSchemeName(), exact spelling only (it reads our own file,
// not a proxy's header).
std::optional<AuthScheme> authSchemeFromName(std::string_view name);

inline constexpr std::size_t kMaxRealmBytes = 256;
// curl_try.cpp keeps 1 KiB of each value; this bound makes the parser safe on
// its own.
inline constexpr std::size_t kMaxChallengeBytes = 4096;

struct AuthChallenge {
  AuthScheme scheme = AuthScheme::Basic;
  std::string realm;  // as the proxy sent it, at most kMaxRealmBytes; may be empty
  bool operator==(const AuthChallenge&) const = default;
};

// The scheme is matched without regard to case; `realm=` likewise, anywhere
// after it, its value quoted (up to the next quote, or the end) or bare (up to
// a comma or blank). nullopt for an unknown scheme, an empty value and a
// value longer than kMaxChallengeBytes.
std::optional<AuthChallenge> parseProxyChallenge(std::string_view value);

}  // namespace parley::net
