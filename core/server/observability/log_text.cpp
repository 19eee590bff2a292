#include "core/server/observability/log_text.h"

#include <algorithm>

namespace parley::server {

std::string logSafe(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 3);
  bool cut = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      continue;
    }
    if (c == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) {
        ++i;
        continue;
      }
    }
    if (out.size() >= max_bytes) {
      cut = true;
      break;
    }
    out += static_cast<char>(c);
  }
  if (cut) {
    // Back off to a sequence boundary: a continuation byte (10xxxxxx) at the
    // end, or a lead byte whose sequence did not fit, would be a broken
    // character.
    std::size_t end = out.size();
    while (end > 0 && (static_cast<unsigned char>(out[end - 1]) & 0xc0U) == 0x80U) {
      --end;
    }
    if (end > 0 && static_cast<unsigned char>(out[end - 1]) >= 0xc0U) {
      const auto lead = static_cast<unsigned char>(out[end - 1]);
      const std::size_t length = lead >= 0xf0U ? 4 : lead >= 0xe0U ? 3 : 2;
      if (out.size() - (end - 1) < length) {
        out.resize(end - 1);
      }
    }
    out += "...";
  }
  return out;
}

}  // namespace parley::server
