#pragma once
// The framing between PacEvaluator (parent) and parley-pac-helper (child).
//   parent -> child (stdin): kRequestMagic "\n" "<script> <url> <host>\n"
//                            (decimal byte counts), then the three strings
//   child -> parent (stdout): "OK <answer>\n" or "ERR <reason>\n"
// Shared by both sides; header-only, no dependencies.

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::net::pac {

inline constexpr const char* kRequestMagic = "PARLEY-PAC 1";
inline constexpr std::size_t kMaxPacScriptLength = 1024 * 1024;
inline constexpr std::size_t kMaxPacUrlLength = 4096;
inline constexpr std::size_t kMaxPacHostLength = 255;
// The most the parent reads back ("OK " + answer + "\n").
inline constexpr std::size_t kMaxReplyLength = 17 * 1024;

inline std::string encodeRequest(std::string_view script, std::string_view url,
                                 std::string_view host) {
  std::string out = kRequestMagic;
  out += '\n';
  out += std::to_string(script.size()) + ' ' + std::to_string(url.size()) + ' ' +
         std::to_string(host.size()) + '\n';
  out.append(script);
  out.append(url);
  out.append(host);
  return out;
}

}  // namespace parley::net::pac
