// ProxyAuthHints: the file format, its bounds, and persistence (label unit).

#include "net/tunnel/proxy_auth_hints.h"
#include "tests/support/test_env.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace parley::net {
namespace {

std::string tempDir() { return testing::makeTempDir("parley-hints-").string(); }

TEST_CASE("hints round-trip through their text form", "[tunnel][hints]") {
  std::map<std::string, ProxyAuthHint> hints;
  hints["proxy.corp:8080"] = {"Basic", "Corp \"main\" proxy"};
  hints["[2001:db8::1]:3128"] = {"Negotiate", ""};
  hints["ntlm.corp:80"] = {"NTLM", ""};
  CHECK(parseProxyAuthHints(formatProxyAuthHints(hints)) == hints);
}

TEST_CASE("lines that do not parse are dropped, the rest kept", "[tunnel][hints]") {
  const std::string text =
      "good:1\tBasic\tCorp\n"
      "no-tabs Basic Corp\n"
      "unknown:2\tBearer\t\n"
      "noport\tBasic\t\n"
      "ctl:3\tBasic\tbad\x01realm\n"
      ":\tDigest\n"
      "long:4\tBasic\t" +
      std::string(600, 'x') +
      "\n"
      "\n"
      "also-good:5\tDigest\t\n";
  std::size_t dropped = 0;
  const auto hints = parseProxyAuthHints(text, &dropped);
  CHECK(dropped == 6);  // the empty line is not counted
  REQUIRE(hints.size() == 2);
  CHECK(hints.at("good:1") == ProxyAuthHint{"Basic", "Corp"});
  CHECK(hints.at("also-good:5") == ProxyAuthHint{"Digest", ""});
}

TEST_CASE("the number of hints is bounded, in the file and in memory", "[tunnel][hints]") {
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    text += "p" + std::to_string(i) + ":1\tBasic\t\n";
  }
  CHECK(parseProxyAuthHints(text).size() == kMaxHints);

  ProxyAuthHints memory;
  for (int i = 0; i < 200; ++i) {
    memory.remember("p" + std::to_string(i) + ":1", {"NTLM", ""});
  }
  CHECK(memory.lookup("p199:1").has_value());
  int kept = 0;
  for (int i = 0; i < 200; ++i) {
    kept += memory.lookup("p" + std::to_string(i) + ":1").has_value() ? 1 : 0;
  }
  CHECK(kept == static_cast<int>(kMaxHints));
}

TEST_CASE("what a proxy sends cannot inject lines or unknown schemes", "[tunnel][hints]") {
  ProxyAuthHints memory;
  memory.remember("p:1", {"Basic", "line\nbreak"});
  memory.remember("q:1", {"Bearer", ""});
  memory.remember("bad key:1", {"Basic", ""});
  CHECK_FALSE(memory.lookup("p:1"));
  CHECK_FALSE(memory.lookup("q:1"));
  CHECK_FALSE(memory.lookup("bad key:1"));
}

TEST_CASE("hints persist in a private file and are forgotten on request", "[tunnel][hints]") {
  const std::string dir = tempDir();
  const std::string file = dir + "/state/parley/proxy-auth-hints";
  {
    ProxyAuthHints hints(file);
    CHECK_FALSE(hints.lookup("proxy.corp:8080"));
    hints.remember("proxy.corp:8080", {"Basic", "Corp"});
    hints.remember("kerberos.corp:3128", {"Negotiate", ""});
  }
#ifndef _WIN32  // Windows: an ACL (tests/windows/private_file_wine_test.cpp)
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
#endif
  {
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("secret") == std::string::npos);
  }
  {
    ProxyAuthHints hints(file);
    CHECK(hints.lookup("proxy.corp:8080") == ProxyAuthHint{"Basic", "Corp"});
    hints.forget("proxy.corp:8080");
  }
  ProxyAuthHints again(file);
  CHECK_FALSE(again.lookup("proxy.corp:8080"));
  CHECK(again.lookup("kerberos.corp:3128") == ProxyAuthHint{"Negotiate", ""});
  std::filesystem::remove_all(dir);
}

TEST_CASE("a corrupt file is ignored, what is readable in it kept, and said once",
          "[tunnel][hints]") {
  const std::string dir = tempDir();
  const std::string file = dir + "/proxy-auth-hints";
  {
    std::ofstream out(file, std::ios::binary);
    out << "proxy.corp:8080\tBasic\tCorp\n"
        << std::string("\x00\xff\x01garbage", 10) << "\n"
        << "evil.corp:1\tBasic\tline\x1b[2Jescape\n"
        << "ok.corp:3128\tNegotiate\t\n";
  }
  const ProxyAuthHints hints(file);
  CHECK(hints.lookup("proxy.corp:8080") == ProxyAuthHint{"Basic", "Corp"});
  CHECK(hints.lookup("ok.corp:3128") == ProxyAuthHint{"Negotiate", ""});
  CHECK_FALSE(hints.lookup("evil.corp:1"));
  const std::string& problem = hints.loadProblem();
  CHECK(problem.find("ignored 2 unreadable lines") != std::string::npos);
  CHECK(problem.find(file) != std::string::npos);
  CHECK(problem.find("kept 2") != std::string::npos);

  // Larger than any valid file: read up to the bound, the rest ignored.
  {
    std::ofstream out(file, std::ios::binary);
    out << "proxy.corp:8080\tBasic\tCorp\n" << std::string(100000, 'x');
  }
  const ProxyAuthHints huge(file);
  CHECK(huge.lookup("proxy.corp:8080") == ProxyAuthHint{"Basic", "Corp"});
  CHECK(huge.loadProblem().find("past its size limit") != std::string::npos);

  // A valid file, and no file: nothing to say.
  std::ofstream(file, std::ios::binary | std::ios::trunc) << "p:1\tNTLM\t\n";
  CHECK(ProxyAuthHints(file).loadProblem().empty());
  CHECK(ProxyAuthHints(dir + "/missing").loadProblem().empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("an unreadable or missing file means no hints, not an error", "[tunnel][hints]") {
  // Below a regular file: no directory can be made there, not even by root.
  const std::string dir = tempDir();
  std::ofstream(dir + "/plain-file") << "x";
  const std::string file = dir + "/plain-file/parley/proxy-auth-hints";
  {
    ProxyAuthHints missing(file);
    CHECK_FALSE(missing.lookup("p:1"));
    missing.remember("p:1", {"Basic", ""});  // cannot be saved: kept in memory
    CHECK(missing.lookup("p:1") == ProxyAuthHint{"Basic", ""});
  }
  CHECK_FALSE(ProxyAuthHints(file).lookup("p:1"));
  std::filesystem::remove_all(dir);
}

#ifdef _WIN32
TEST_CASE("the default file is in the user's local application data", "[tunnel][hints]") {
  testing::ScopedEnv local("LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local");
  CHECK(defaultProxyAuthHintsPath() == "C:\\Users\\u\\AppData\\Local\\Parley\\proxy-auth-hints");
  testing::ScopedEnv relative("LOCALAPPDATA", "relative");  // not absolute: no file
  CHECK(defaultProxyAuthHintsPath().empty());
}
#else
TEST_CASE("the default file follows XDG_STATE_HOME, then HOME", "[tunnel][hints]") {
  testing::ScopedEnv state("XDG_STATE_HOME", "/x/state");
  CHECK(defaultProxyAuthHintsPath() == "/x/state/parley/proxy-auth-hints");
  testing::ScopedEnv relative("XDG_STATE_HOME",
                              "relative");  // not absolute: ignored, as the spec says
  testing::ScopedEnv home("HOME", "/home/u");
  CHECK(defaultProxyAuthHintsPath() == "/home/u/.local/state/parley/proxy-auth-hints");
}
#endif

}  // namespace
}  // namespace parley::net
