// Admin hygiene (docs/security.md): parleyd refuses keys others can read, runs
// without the CA key, `parleyd init` says where that key goes, and
// `parleyd cert renew` replaces the server certificate under the same CA
// while clients keep the CA file they have.

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "net/tls/certificate_authority.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

// parleyd run, expected to refuse: its exit code and what it said.
RunResult runUntilRefused(const ServerFixture& server) {
  return runProgram({parleydPath(), "run", "--config", server.configFile()}, "", 60s);
}

bool signsIn(const ServerFixture& server) {
  CliOptions options;
  options.say = {"hello"};
  const CliRun run = runCli(server, options);
  INFO(run.transcript());
  return run.exit_code == 0 && !run.eventsOf("sent").empty();
}

std::string leafFingerprint(const std::string& chain_file) {
  auto fingerprint = net::certificateSha256Fingerprint(readFile(chain_file));
  REQUIRE(fingerprint);
  return *fingerprint;
}

unsigned modeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<unsigned>(st.st_mode & 07777);
}

}  // namespace

TEST_CASE("parleyd refuses to start while others can read its private key", "[integration]") {
  ServerFixture server;
  const std::string key = server.dir() + "/server.key";
  SECTION("readable by everyone") {
    REQUIRE(::chmod(key.c_str(), 0644) == 0);
    const auto run = runUntilRefused(server);
    INFO(run.out << run.err);
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Catch::Contains(key) && Catch::Contains("0644") &&
                            Catch::Contains("chmod 600 " + key));
  }
  SECTION("readable by a group the server is not in") {
    if (::geteuid() != 0) {
      WARN("skipping: chown to another group needs root");
      return;
    }
    // nogroup: never the group the server runs with here.
    REQUIRE(::chown(key.c_str(), static_cast<uid_t>(-1), 65534) == 0);
    REQUIRE(::chmod(key.c_str(), 0640) == 0);
    const auto run = runUntilRefused(server);
    INFO(run.out << run.err);
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Catch::Contains("its group") && Catch::Contains("0640"));
  }
  SECTION("owner only: it starts") {
    REQUIRE(modeOf(key) == 0600);
    server.start();
    CHECK(signsIn(server));
  }
}

TEST_CASE("parleyd init says to keep the CA key offline, and run never needs it", "[integration]") {
  const std::string dir = makeTempDir("init-offline") + "/srv";
  const auto init = runProgram({parleydPath(), "init", "--dir", dir, "--tcp", "127.0.0.1:0",
                                "--udp", "127.0.0.1:0", "--rsa-bits", "2048"});
  REQUIRE(init.exit_code == 0);
  CHECK_THAT(init.out,
             Catch::Contains("Move the CA key " +
                             std::filesystem::absolute(dir + "/ca.key").string() + " offline") &&
                 Catch::Contains("parleyd cert renew"));

  // The CA key taken away: the server serves and clients sign in.
  ServerFixture server;
  const std::string offline = makeTempDir("ca-offline") + "/ca.key";
  std::filesystem::rename(server.dir() + "/ca.key", offline);
  server.start();
  CHECK(signsIn(server));
}

TEST_CASE("parleyd cert renew: a new certificate under the same CA, clients unchanged",
          "[integration]") {
  ServerFixture server;
  const std::string offline = makeTempDir("ca-offline") + "/ca.key";
  std::filesystem::rename(server.dir() + "/ca.key", offline);
  const std::string chain = server.dir() + "/server.crt";
  const std::string key = server.dir() + "/server.key";
  server.start();
  REQUIRE(signsIn(server));
  const std::string old_fingerprint = leafFingerprint(chain);
  const std::string old_key = readFile(key);
  auto old_hosts = net::certificateHosts(readFile(chain));
  REQUIRE(old_hosts);

  SECTION("with the CA key brought back") {
    const auto renew = runProgram({parleydPath(), "cert", "renew", "--config", server.configFile(),
                                   "--ca-key", offline, "--rsa-bits", "2048"});
    INFO(renew.out << renew.err);
    REQUIRE(renew.exit_code == 0);
    CHECK_THAT(renew.out, Catch::Contains(old_fingerprint) && Catch::Contains("Restart"));
    CHECK(leafFingerprint(chain) != old_fingerprint);
    CHECK(readFile(key) != old_key);
    CHECK(modeOf(key) == 0600);  // the old key's access, kept
    auto new_hosts = net::certificateHosts(readFile(chain));
    REQUIRE(new_hosts);
    CHECK(*new_hosts == *old_hosts);

    // Restarted, it serves the new certificate; the client's CA file is the
    // one it had, unchanged.
    REQUIRE(server.terminate() == 0);
    server.restart();
    CHECK(signsIn(server));
  }
  SECTION("without the CA key, or with another CA's: refused, nothing changed") {
    const auto missing =
        runProgram({parleydPath(), "cert", "renew", "--config", server.configFile()});
    CHECK(missing.exit_code == 1);
    CHECK_THAT(missing.err, Catch::Contains("--ca-key"));

    const std::string other = makeTempDir("other-ca") + "/srv";
    REQUIRE(runProgram({parleydPath(), "init", "--dir", other, "--rsa-bits", "2048"}).exit_code ==
            0);
    const auto wrong = runProgram({parleydPath(), "cert", "renew", "--config", server.configFile(),
                                   "--ca-key", other + "/ca.key"});
    CHECK(wrong.exit_code == 1);
    CHECK_THAT(wrong.err, Catch::Contains("does not match"));
    CHECK(leafFingerprint(chain) == old_fingerprint);
    CHECK(readFile(key) == old_key);
  }
}
