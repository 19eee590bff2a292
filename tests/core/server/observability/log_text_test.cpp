#include "core/server/observability/log_text.h"

#include <catch2/catch.hpp>

using parley::server::kMaxLoggedFieldBytes;
using parley::server::logSafe;

TEST_CASE("logSafe strips control characters", "[server][log]") {
  CHECK(logSafe("parley-cli 1.0") == "parley-cli 1.0");
  CHECK(logSafe("a\nb\rc\td\x1b[31me\x7f") == "abcd[31me");
  CHECK(logSafe(std::string("nul\0byte", 8)) == "nulbyte");
  // C1 controls in UTF-8 (U+0085 NEL, U+009B CSI) go; other text stays.
  CHECK(logSafe("x\xc2\x85y\xc2\x9bz") == "xyz");
  CHECK(logSafe("gr\xc3\xbc\xc3\x9f dich \xe2\x82\xac") == "gr\xc3\xbc\xc3\x9f dich \xe2\x82\xac");
}

TEST_CASE("logSafe bounds the length without breaking a character", "[server][log]") {
  const std::string long_text(10000, 'x');
  const auto out = logSafe(long_text);
  CHECK(out == std::string(kMaxLoggedFieldBytes, 'x') + "...");
  CHECK(logSafe(std::string(kMaxLoggedFieldBytes, 'y')) == std::string(kMaxLoggedFieldBytes, 'y'));
  // Stripped bytes do not count toward the limit.
  CHECK(logSafe(std::string(50, '\n') + "abc", 3) == "abc");
  // "€" is three bytes: a cut after one or two of them drops all three.
  CHECK(logSafe("ab\xe2\x82\xac", 3) == "ab...");
  CHECK(logSafe("ab\xe2\x82\xac", 4) == "ab...");
  CHECK(logSafe("ab\xe2\x82\xac!", 5) == "ab\xe2\x82\xac...");
}
