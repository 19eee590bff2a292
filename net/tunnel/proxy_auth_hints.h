#pragma once
// ProxyAuthHints: which authentication scheme each HTTP proxy asked for the
// last time a tunnel through it was built. The next tunnel through that proxy
// starts with that scheme on its first CONNECT (Basic sent up front, NTLM's
// first message at once, Negotiate straight on the GSS thread) instead of
// paying a 407 round trip and a new TCP connection to learn it again. The
// proxy a person meets every day is the same one, so from the second sign-in
// on an authenticating proxy costs what the scheme itself needs
// (docs/tunnels.md, "Remembered schemes").
//
// Holds the scheme and the realm only, never a user name or password. Backed
// by a file when one is given, so tomorrow's sign-in knows too; the file is
// read once at construction and rewritten whole (temporary file, rename,
// mode 0600) when a hint changes. Its content is bounded (kMaxHints lines of
// at most kMaxLineBytes); lines that do not parse are dropped.
//
// Thread-safe: the race's network thread and the GSS thread both use it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::net {

struct ProxyAuthHint {
  std::string scheme;  // "Basic", "Digest", "NTLM" or "Negotiate"
  std::string realm;   // as the proxy sent it; may be empty
  bool operator==(const ProxyAuthHint&) const = default;
};

inline constexpr std::size_t kMaxHints = 64;
inline constexpr std::size_t kMaxHintLineBytes = 512;

// One hint per line: `host:port<TAB>scheme<TAB>realm`. Exposed for the fuzz
// target and the tests; the key is "host:port" as proxyHostPort() spells it.
// `dropped` (optional) counts the non-empty lines that did not parse or were
// past kMaxHints.
std::map<std::string, ProxyAuthHint> parseProxyAuthHints(std::string_view text,
                                                         std::size_t* dropped = nullptr);
std::string formatProxyAuthHints(const std::map<std::string, ProxyAuthHint>& hints);

// $XDG_STATE_HOME/parley/proxy-auth-hints, else ~/.local/state/parley/...;
// on Windows %LOCALAPPDATA%\Parley\proxy-auth-hints. Empty when none is
// known (then hints live in memory only).
std::string defaultProxyAuthHintsPath();

class ProxyAuthHints {
 public:
  // `file` empty: in memory only.
  explicit ProxyAuthHints(std::string file = {});
  // The one instance of this process, backed by defaultProxyAuthHintsPath()
  // (one per process, so two races never overwrite each other's file).
  static std::shared_ptr<ProxyAuthHints> forThisUser();

  // Why some or all of the file was ignored (it is a file a person can edit):
  // for a log line, said once by whoever shows this process's messages.
  // Empty when the file was absent or read whole.
  [[nodiscard]] const std::string& loadProblem() const { return load_problem_; }

  [[nodiscard]] std::optional<ProxyAuthHint> lookup(const std::string& proxy) const;
  // After a tunnel through `proxy` was built with `hint`'s scheme.
  void remember(const std::string& proxy, const ProxyAuthHint& hint);
  // The proxy answered without asking for credentials: it no longer wants any.
  void forget(const std::string& proxy);

 private:
  void save();  // with mu_ held

  const std::string file_;
  std::string load_problem_;  // set once, in the constructor
  mutable std::mutex mu_;
  std::map<std::string, ProxyAuthHint> hints_;  // guarded by mu_
};

}  // namespace parley::net
