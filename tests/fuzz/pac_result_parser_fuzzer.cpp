// Fuzzes parsePacResult (a PAC script's FindProxyForURL answer). Properties:
// bounded output (at most kMaxPacEntries proxies, each with a host and a
// non-zero port), and an accepted answer always names a proxy or DIRECT.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "net/proxy/pac_result.h"
#include "tests/fuzz/fuzz_check.h"

using parley::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = parley::net::parsePacResult(text);
  if (!result) {
    return 0;
  }
  if (result->proxies.size() > parley::net::kMaxPacEntries) {
    fail("more proxies than the bound");
  }
  if (result->proxies.empty() && !result->direct) {
    fail("accepted an answer with no proxy and no DIRECT");
  }
  for (const auto& p : result->proxies) {
    if (p.host.empty() || p.port == 0) {
      fail("a proxy without host or port");
    }
    if (!p.user.empty() || !p.password.empty()) {
      fail("credentials taken from a PAC answer");
    }
  }
  return 0;
}
