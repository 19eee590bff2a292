// Fuzzes the remembered-scheme file (net/tunnel/proxy_auth_hints.h): its realms
// came from proxies. Properties: no crash, at most kMaxHints hints, every kept
// hint has a known scheme, and what is written reads back the same.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "net/tunnel/proxy_auth_hints.h"
#include "tests/fuzz/fuzz_check.h"

using parley::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using parley::net::formatProxyAuthHints;
  using parley::net::parseProxyAuthHints;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto hints = parseProxyAuthHints(text);
  if (hints.size() > parley::net::kMaxHints) {
    fail("more hints than the bound");
  }
  for (const auto& [key, hint] : hints) {
    if (hint.scheme != "Basic" && hint.scheme != "Digest" && hint.scheme != "NTLM" &&
        hint.scheme != "Negotiate") {
      fail("unknown scheme kept");
    }
    if (key.empty() || hint.realm.size() > 256) {
      fail("unbounded field kept");
    }
  }
  if (parseProxyAuthHints(formatProxyAuthHints(hints)) != hints) {
    fail("format/parse round trip differs");
  }
  return 0;
}
