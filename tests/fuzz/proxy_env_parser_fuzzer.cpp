// Fuzzes the parsers that read proxy settings from the environment and the
// desktop: parseProxyUrl, noProxyMatches, proxiesFromEnvironment (the input
// split into variables), the WPAD domain/candidate/lease parsers and the
// GNOME/KDE settings parsers. Properties: no crash, bounded results.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/proxy/env_proxy.h"
#include "net/proxy/proxy_url.h"
#include "net/proxy/system_proxy_parse.h"
#include "net/proxy/wpad.h"
#include "tests/fuzz/fuzz_check.h"

using parley::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::net;  // NOLINT(google-build-using-namespace)
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // Fields separated by '\n': https_proxy, http_proxy, all_proxy, no_proxy,
  // target host.
  std::string fields[5];
  std::size_t field = 0;
  for (char c : text) {
    if (c == '\n' && field < 4) {
      ++field;
    } else {
      fields[field] += c;
    }
  }
  for (const auto& f : fields) {
    auto proxy = parseProxyUrl(f, ProxyKind::Http);
    if (proxy && (proxy->host.empty() || proxy->port == 0)) {
      fail("parseProxyUrl accepted a proxy without host or port");
    }
  }
  (void)noProxyMatches(fields[3], fields[4], 443);
  (void)noProxyMatches(text, fields[0], 8080);
  const EnvLookup lookup = [&](const char* name) -> std::optional<std::string> {
    const std::string n = name;
    if (n == "https_proxy")
      return fields[0];
    if (n == "http_proxy")
      return fields[1];
    if (n == "all_proxy")
      return fields[2];
    if (n == "no_proxy")
      return fields[3];
    return std::nullopt;
  };
  const auto env = proxiesFromEnvironment(lookup, fields[4], 443);
  if (env.proxies.size() > 3 || (env.bypassed && !env.proxies.empty())) {
    fail("environment result out of bounds");
  }

  if (wpadCandidates(wpadDomain(text, fields[4])).size() > 8 || wpadCandidates(text).size() > 8) {
    fail("too many WPAD candidates");
  }
  (void)wpadUrlFromLease(text);
  (void)parseGsettingsProxy(text);
  (void)parseKioslaverc(text);
  return 0;
}
