// Fuzzes the Proxy-Authenticate parser (net/tunnel/proxy_challenge.h): the
// value comes from whatever proxy the network hands us. The whole input is
// one header value. Properties: no crash; nothing over kMaxChallengeBytes is
// accepted; an accepted value starts with its scheme's name (any case) and a
// blank or the end; the realm is bounded and copied from the value; and
// upper-casing the value (ASCII) keeps the scheme and upper-cases the realm.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/proxy/text_util.h"
#include "net/tunnel/proxy_challenge.h"
#include "tests/fuzz/fuzz_check.h"

using parley::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace net = parley::net;
  namespace text = parley::net::text;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  const auto challenge = net::parseProxyChallenge(value);
  if (!challenge) {
    return 0;
  }
  if (value.size() > net::kMaxChallengeBytes) {
    fail("accepted a value over the bound");
  }
  const std::string name = text::lower(net::authSchemeName(challenge->scheme));
  if (text::lower(value.substr(0, name.size())) != name ||
      (value.size() > name.size() && value[name.size()] != ' ' && value[name.size()] != '\t')) {
    fail("scheme not at the start of the value");
  }
  if (challenge->realm.size() > net::kMaxRealmBytes) {
    fail("realm over the bound");
  }
  if (value.find(challenge->realm) == std::string_view::npos) {
    fail("realm not taken from the value");
  }
  const auto upper = net::parseProxyChallenge(text::upper(value));
  if (!upper || upper->scheme != challenge->scheme ||
      upper->realm != text::upper(challenge->realm)) {
    fail("parse depends on ASCII case");
  }
  return 0;
}
