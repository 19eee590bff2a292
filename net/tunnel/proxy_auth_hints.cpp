#include "net/tunnel/proxy_auth_hints.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "net/platform/private_file.h"
#include "net/tunnel/proxy_challenge.h"

namespace parley::net {
namespace {

bool knownScheme(std::string_view scheme) { return authSchemeFromName(scheme).has_value(); }

// Keys and realms come from proxies: no control characters, no tabs, bounded.
bool printable(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return false;
    }
  }
  return true;
}

bool validKey(std::string_view key) {
  return !key.empty() && key.size() <= 300 && printable(key) &&
         key.find(' ') == std::string_view::npos && key.rfind(':') != std::string_view::npos;
}

}  // namespace

std::map<std::string, ProxyAuthHint> parseProxyAuthHints(std::string_view text,
                                                         std::size_t* dropped) {
  std::map<std::string, ProxyAuthHint> hints;
  std::size_t bad = 0;
  const auto count = [&bad] { ++bad; };
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty()) {
      continue;
    }
    if (hints.size() >= kMaxHints || line.size() > kMaxHintLineBytes) {
      count();
      continue;
    }
    const std::size_t tab1 = line.find('\t');
    const std::size_t tab2 =
        tab1 == std::string_view::npos ? std::string_view::npos : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos) {
      count();
      continue;
    }
    const std::string_view key = line.substr(0, tab1);
    const std::string_view scheme = line.substr(tab1 + 1, tab2 - tab1 - 1);
    const std::string_view realm = line.substr(tab2 + 1);
    if (!validKey(key) || !knownScheme(scheme) || realm.size() > kMaxRealmBytes ||
        !printable(realm)) {
      count();
      continue;
    }
    hints[std::string(key)] = ProxyAuthHint{std::string(scheme), std::string(realm)};
  }
  if (dropped != nullptr) {
    *dropped = bad;
  }
  return hints;
}

std::string formatProxyAuthHints(const std::map<std::string, ProxyAuthHint>& hints) {
  std::string out;
  for (const auto& [key, hint] : hints) {
    out += key + "\t" + hint.scheme + "\t" + hint.realm + "\n";
  }
  return out;
}

std::string defaultProxyAuthHintsPath() {
#ifdef _WIN32
  // Per user and machine, not roaming: what was learnt of this network's
  // proxies means nothing on another machine.
  const char* local = std::getenv("LOCALAPPDATA");
  if (local != nullptr && std::filesystem::path(local).is_absolute()) {
    return (std::filesystem::path(local) / "Parley" / "proxy-auth-hints").string();
  }
  return {};
#else
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state != nullptr && state[0] == '/') {
    return std::string(state) + "/parley/proxy-auth-hints";
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') {
    return std::string(home) + "/.local/state/parley/proxy-auth-hints";
  }
  return {};
#endif
}

ProxyAuthHints::ProxyAuthHints(std::string file) : file_(std::move(file)) {
  if (file_.empty()) {
    return;
  }
  std::ifstream in(file_, std::ios::binary);
  if (!in) {
    return;  // first run, or unreadable: start empty
  }
  // One byte past the most a valid file can hold tells a longer one apart.
  std::string text(kMaxHints * (kMaxHintLineBytes + 1) + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  const bool too_long = text.size() > kMaxHints * (kMaxHintLineBytes + 1);
  if (too_long) {
    text.resize(kMaxHints * (kMaxHintLineBytes + 1));
  }
  std::size_t dropped = 0;
  hints_ = parseProxyAuthHints(text, &dropped);
  if (dropped > 0 || too_long) {
    load_problem_ =
        "ignored " + std::to_string(dropped) + " unreadable line" + (dropped == 1 ? "" : "s") +
        (too_long ? " and the rest past its size limit" : "") + " of " + file_ +
        " (remembered proxy authentication schemes; kept " + std::to_string(hints_.size()) +
        "); the proxies concerned cost one 407 more and are learned again";
  }
}

std::shared_ptr<ProxyAuthHints> ProxyAuthHints::forThisUser() {
  static const auto kInstance = std::make_shared<ProxyAuthHints>(defaultProxyAuthHintsPath());
  return kInstance;
}

std::optional<ProxyAuthHint> ProxyAuthHints::lookup(const std::string& proxy) const {
  std::lock_guard lock(mu_);
  const auto it = hints_.find(proxy);
  if (it == hints_.end()) {
    return std::nullopt;
  }
  return it->second;
}

void ProxyAuthHints::remember(const std::string& proxy, const ProxyAuthHint& hint) {
  if (!validKey(proxy) || !knownScheme(hint.scheme) || hint.realm.size() > kMaxRealmBytes ||
      !printable(hint.realm)) {
    return;
  }
  std::lock_guard lock(mu_);
  const auto it = hints_.find(proxy);
  if (it != hints_.end() && it->second == hint) {
    return;
  }
  if (it == hints_.end() && hints_.size() >= kMaxHints) {
    hints_.erase(hints_.begin());  // bounded; which one goes does not matter much
  }
  hints_[proxy] = hint;
  save();
}

void ProxyAuthHints::forget(const std::string& proxy) {
  std::lock_guard lock(mu_);
  if (hints_.erase(proxy) > 0) {
    save();
  }
}

void ProxyAuthHints::save() {
  if (file_.empty()) {
    return;
  }
  // A cache: when it cannot be written, the next sign-in pays one 407 more.
  std::error_code ec;
  const std::filesystem::path path(file_);
  std::filesystem::create_directories(path.parent_path(), ec);
  (void)replacePrivateFile(file_, formatProxyAuthHints(hints_));
}

}  // namespace parley::net
