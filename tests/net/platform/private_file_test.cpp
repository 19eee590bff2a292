#include "net/platform/private_file.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/test_dir.h"

namespace parley::net {

TEST_CASE("writeNewFile creates with the mode and never overwrites", "[platform][file]") {
  testing::TempDir dir;
  const auto path = (dir.path() / "key.pem").string();
  const mode_t old_umask = ::umask(0);  // the mode is exact whatever the umask
  REQUIRE(writeNewFile(path, "secret", 0600));
  ::umask(old_umask);
  CHECK(testing::fileMode(path) == 0600);
  CHECK(testing::readFile(path) == "secret");
  REQUIRE(writeNewFile((dir.path() / "cert.pem").string(), "public", 0644));
  CHECK(testing::fileMode(dir.path() / "cert.pem") == 0644);

  auto again = writeNewFile(path, "other", 0600);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::AlreadyExists);
  CHECK(testing::readFile(path) == "secret");

  // A link planted where the key goes is neither followed nor replaced.
  const auto target = dir.path() / "elsewhere";
  const auto link = dir.path() / "planted.pem";
  std::filesystem::create_symlink(target, link);
  auto planted = writeNewFile(link.string(), "secret", 0600);
  REQUIRE_FALSE(planted);
  CHECK_FALSE(std::filesystem::exists(target));

  auto missing_dir = writeNewFile((dir.path() / "no" / "such.pem").string(), "x", 0600);
  REQUIRE_FALSE(missing_dir);
  CHECK(missing_dir.error().code == ErrorCode::Io);
  CHECK_THAT(missing_dir.error().detail, Catch::Contains("such.pem"));
}

TEST_CASE("replacePrivateFile replaces whole, readable by this user only", "[platform][file]") {
  testing::TempDir dir;
  const auto path = dir.path() / "hints";
  REQUIRE(replacePrivateFile(path.string(), "one\n"));
  CHECK(testing::readFile(path) == "one\n");
  CHECK(testing::fileMode(path) == 0600);

  // An existing file, even a readable one, becomes the new private one.
  std::filesystem::permissions(path, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  REQUIRE(replacePrivateFile(path.string(), "two\n"));
  CHECK(testing::readFile(path) == "two\n");
  CHECK(testing::fileMode(path) == 0600);

  // A leftover of an interrupted write, or a link planted in its place, is
  // removed rather than written through.
  const auto target = dir.path() / "elsewhere";
  std::filesystem::create_symlink(target, dir.path() / "hints.tmp");
  REQUIRE(replacePrivateFile(path.string(), "three\n"));
  CHECK(testing::readFile(path) == "three\n");
  CHECK_FALSE(std::filesystem::exists(target));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "hints.tmp"));

  auto missing_dir = replacePrivateFile((dir.path() / "no" / "hints").string(), "x");
  REQUIRE_FALSE(missing_dir);
  CHECK(missing_dir.error().code == ErrorCode::Io);
}

TEST_CASE("replaceFileKeepingAccess keeps the old file's mode", "[platform][file]") {
  testing::TempDir dir;
  const auto path = dir.path() / "server.key";
  const mode_t old_umask = ::umask(0);
  REQUIRE(writeNewFile(path.string(), "old", 0640));
  ::umask(old_umask);
  REQUIRE(replaceFileKeepingAccess(path.string(), "new"));
  CHECK(testing::readFile(path) == "new");
  CHECK(testing::fileMode(path) == 0640);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "server.key.tmp"));

  auto missing = replaceFileKeepingAccess((dir.path() / "absent").string(), "x");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::Io);
}

TEST_CASE("checkSecretFileAccess refuses what others can read, naming the fix",
          "[platform][file]") {
  testing::TempDir dir;
  const auto path = dir.path() / "server.key";
  const mode_t old_umask = ::umask(0);
  REQUIRE(writeNewFile(path.string(), "secret", 0600));
  ::umask(old_umask);
  CHECK(checkSecretFileAccess(path.string()));

  // Group access with the process's own group: how the package shares a key.
  std::filesystem::permissions(path, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  CHECK(checkSecretFileAccess(path.string()));

  std::filesystem::permissions(path, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto refused = checkSecretFileAccess(path.string());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::InvalidArgument);
  CHECK_THAT(refused.error().detail,
             Catch::Contains("mode 0644") && Catch::Contains("chmod 600 " + path.string()));

  CHECK_FALSE(checkSecretFileAccess((dir.path() / "absent").string()));
}

}  // namespace parley::net
