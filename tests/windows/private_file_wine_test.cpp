// net/platform/private_file_win.cpp under Wine: a new private file is
// created and never overwrites, a replacement replaces, a missing directory
// is an Io error. Wine reports its own default DACL whatever was set, so the
// owner-only ACL itself is proved only on real Windows (docs/windows.md).

#include <catch2/catch.hpp>

#include <windows.h>

#include <fstream>
#include <sstream>
#include <string>

#include "net/platform/private_file.h"

using namespace parley;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("private files: create once, replace, and say why not", "[windows]") {
  const std::string key = "parley-wine-key.pem";
  const std::string hints = "parley-wine-hints";
  ::DeleteFileA(key.c_str());
  ::DeleteFileA(hints.c_str());
  REQUIRE(net::writeNewFile(key, "secret", 0600));
  CHECK(readAll(key) == "secret");
  auto again = net::writeNewFile(key, "other", 0600);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::AlreadyExists);
  CHECK(readAll(key) == "secret");
  REQUIRE(net::replacePrivateFile(hints, "one"));
  REQUIRE(net::replacePrivateFile(hints, "two"));
  CHECK(readAll(hints) == "two");
  auto missing = net::writeNewFile("no\\such\\dir\\key.pem", "x", 0600);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::Io);
  ::DeleteFileA(key.c_str());
  ::DeleteFileA(hints.c_str());
}
