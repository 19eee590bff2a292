#include "net/tunnel/proxy_challenge.h"

#include "net/proxy/text_util.h"

namespace parley::net {
namespace {

constexpr std::string_view kRealmKey = "realm=";

}  // namespace

std::string_view authSchemeName(AuthScheme scheme) {
  switch (scheme) {
    case AuthScheme::Basic:
      return "Basic";
    case AuthScheme::Digest:
      return "Digest";
    case AuthScheme::Ntlm:
      return "NTLM";
    case AuthScheme::Negotiate:
      return "Negotiate";
  }
  return "Basic";  // not reached: every enumerator is handled above
}

std::optional<AuthScheme> authSchemeFromName(std::string_view name) {
  for (const AuthScheme scheme : kAuthSchemes) {
    if (name == authSchemeName(scheme)) {
      return scheme;
    }
  }
  return std::nullopt;
}

std::optional<AuthChallenge> parseProxyChallenge(std::string_view value) {
  if (value.size() > kMaxChallengeBytes) {
    return std::nullopt;
  }
  const std::size_t space = value.find_first_of(" \t");
  const std::string keyword = text::lower(value.substr(0, space));
  std::optional<AuthScheme> scheme;
  for (const AuthScheme candidate : kAuthSchemes) {
    if (keyword == text::lower(authSchemeName(candidate))) {
      scheme = candidate;
    }
  }
  if (!scheme) {
    return std::nullopt;
  }
  AuthChallenge challenge{*scheme, {}};
  const std::string_view params =
      space == std::string_view::npos ? std::string_view{} : value.substr(space);
  const std::size_t at = text::lower(params).find(kRealmKey);
  if (at == std::string_view::npos) {
    return challenge;
  }
  std::size_t begin = at + kRealmKey.size();
  std::size_t end = 0;
  if (begin < params.size() && params[begin] == '"') {
    ++begin;
    end = params.find('"', begin);
  } else {
    end = params.find_first_of(", \t", begin);
  }
  const std::string_view realm =
      params.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
  challenge.realm = std::string(realm.substr(0, kMaxRealmBytes));
  return challenge;
}

}  // namespace parley::net
