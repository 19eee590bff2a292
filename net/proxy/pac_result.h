#pragma once
// Parses what a PAC script's FindProxyForURL returned:
//   "PROXY a:1; HTTPS b:2; SOCKS c:3; SOCKS4 d; SOCKS5 e:1080; DIRECT"
// into proxies in the script's order plus whether DIRECT was among them.
// Tolerant of spacing, case and empty entries; bounded (kMaxPacResultLength
// bytes, kMaxPacEntries entries). HTTPS entries (TLS to the proxy) and
// unknown types (QUIC, ...) are skipped with a note: Parley does not tunnel
// TLS inside TLS to a proxy. An empty answer means DIRECT (as browsers do).
// Pure; the input is untrusted (it comes out of a downloaded script).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"
#include "net/proxy/proxy_server.h"

namespace parley::net {

inline constexpr std::size_t kMaxPacResultLength = 16 * 1024;
inline constexpr std::size_t kMaxPacEntries = 32;

struct PacResult {
  std::vector<ProxyServer> proxies;  // origin is left as ProxyOrigin::Pac
  bool direct = false;
  // One line per entry that was skipped and why.
  std::vector<std::string> skipped;
};

// Fails (PacFailed) when the text is too long or when no entry at all could be
// used (neither a proxy nor DIRECT).
Result<PacResult> parsePacResult(std::string_view text);

}  // namespace parley::net
