#pragma once
// Small ASCII text helpers shared by the proxy parsers (environment, PAC
// answers, WPAD lease files, desktop settings). Locale-independent on purpose:
// host names and scheme keywords are ASCII, and a user's locale must not
// change how a proxy setting parses.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace parley::net::text {

inline char asciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline char asciiUpper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), asciiLower);
  return out;
}

inline std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), asciiUpper);
  return out;
}

inline bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && isSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// Calls f(trimmed line) for each line of the first `max_bytes` of `text`.
template <typename F>
void forEachLine(std::string_view text, std::size_t max_bytes, F&& f) {
  text = text.substr(0, max_bytes);
  while (!text.empty()) {
    const auto nl = text.find('\n');
    f(trim(text.substr(0, nl)));
    if (nl == std::string_view::npos) {
      break;
    }
    text.remove_prefix(nl + 1);
  }
}

}  // namespace parley::net::text
