#pragma once
// Error: what went wrong, as a stable code from error_list.h plus a detail a
// person can act on. Plain value type, cheap to move, safe on any thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace parley {

enum class ErrorCode : std::uint16_t {
#define PARLEY_ERROR(name, number, slug) name = (number),
#include "core/base/error_list.h"
#undef PARLEY_ERROR
};

// Stable short name ("tls_inspection"), used in JSON output and on the wire.
constexpr std::string_view errorSlug(ErrorCode code) {
  switch (code) {
#define PARLEY_ERROR(name, number, slug) \
  case ErrorCode::name:                  \
    return slug;
#include "core/base/error_list.h"
#undef PARLEY_ERROR
  }
  return "unknown";
}

// Maps a wire number back to a code; unknown numbers become Internal so a
// newer peer's codes never crash an older one.
constexpr ErrorCode errorCodeFromNumber(std::uint32_t number) {
  switch (number) {
#define PARLEY_ERROR(name, num, slug) \
  case (num):                         \
    return ErrorCode::name;
#include "core/base/error_list.h"
#undef PARLEY_ERROR
    default:
      return ErrorCode::Internal;
  }
}

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string detail;

  Error() = default;
  Error(ErrorCode c, std::string d) : code(c), detail(std::move(d)) {}

  [[nodiscard]] std::string_view slug() const { return errorSlug(code); }
  // "tls_inspection: certificate issued by ..." for logs.
  [[nodiscard]] std::string toString() const {
    std::string out(slug());
    if (!detail.empty()) {
      out += ": ";
      out += detail;
    }
    return out;
  }
};

}  // namespace parley
