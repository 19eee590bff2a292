// ProxyTunnel against the real proxies Debian ships, each started here on a
// free loopback port with its own configuration in a temporary directory and
// stopped by PID (label lab): squid (Basic with basic_ncsa_auth, Digest with
// digest_file_auth, NTLM with ntlm_fake_auth), dante (SOCKS4/5; it has no 4a) and microsocks
// (SOCKS5 + RFC 1929). A daemon that is not installed makes its test exit 77 (CTest: skipped), with
// the reason on stdout.

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "net/tunnel/proxy_tunnel.h"
#include "tests/net/tunnel/fake_server.h"

extern char** environ;

namespace parley::net {
namespace {

namespace fs = std::filesystem;
using test::FakeServer;

void skipUnless(const std::string& path) {
  if (::access(path.c_str(), X_OK) != 0) {
    std::printf("SKIP: %s is not installed\n", path.c_str());
    std::fflush(stdout);
    std::_Exit(77);
  }
}

std::uint16_t freePort() {
  FakeServer probe([](int) {}, 0);
  return probe.port();
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "parley-tunnel-lab-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
    ::chmod(path_.c_str(), 0777);  // squid and dante drop privileges
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name)) << text;
    ::chmod(file(name).c_str(), 0644);
  }

 private:
  std::string path_;
};

// A daemon started by this test; stopped by its PID.
class Daemon {
 public:
  Daemon(std::vector<std::string> argv, std::uint16_t port) {
    std::vector<char*> args;
    for (auto& arg : argv) {
      args.push_back(arg.data());
    }
    args.push_back(nullptr);
    if (::posix_spawn(&pid_, args[0], nullptr, nullptr, args.data(), environ) != 0) {
      pid_ = -1;
      return;
    }
    // Until it listens, or it exited (a bad configuration), or 50 s passed
    // (only for a daemon that hangs; CTest gives each lab test 60 s).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(50);
    while (std::chrono::steady_clock::now() < deadline) {
      const int fd = test::connectLoopback(port);
      if (fd >= 0) {
        ::close(fd);
        ready_ = true;
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_ && (WIFEXITED(status) || WIFSIGNALED(status))) {
        std::printf("%s exited before listening on port %u\n", argv.front().c_str(), port);
        pid_ = -1;  // reaped
        return;
      }
      ::usleep(20000);
    }
  }
  ~Daemon() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
          return;
        }
        ::usleep(50000);
      }
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  [[nodiscard]] bool ready() const { return ready_; }

 private:
  pid_t pid_ = -1;
  bool ready_ = false;
};

struct Provider : ProxyCredentialProvider {
  explicit Provider(std::vector<ProxyCredentials> given) : answers(std::move(given)) {}
  void requestCredentials(const ProxyAuthChallenge& challenge, Answer answer) override {
    challenges.push_back(challenge);
    if (challenges.size() > answers.size()) {
      answer(std::nullopt);
      return;
    }
    answer(answers[challenges.size() - 1]);
  }
  std::vector<ProxyCredentials> answers;
  std::vector<ProxyAuthChallenge> challenges;
};

// The tunnels' own bound: only for a broken proxy, far above any run's time
// for a tunnel on loopback (a first request may start squid's helpers).
constexpr std::chrono::milliseconds kTunnelBound = std::chrono::seconds(40);

Result<asio::ip::tcp::socket> runTunnel(asio::io_context& io, TunnelRequest request) {
  std::optional<Result<asio::ip::tcp::socket>> result;
  auto tunnel = ProxyTunnel::start(
      io.get_executor(), std::move(request), [](AttemptEvent::Stage, const std::string&) {},
      [&result](Result<asio::ip::tcp::socket> r) { result.emplace(std::move(r)); });
  io.restart();
  auto work = asio::make_work_guard(io);
  // Past the tunnel's own bound (kTunnelBound), which ends it first.
  const auto deadline = std::chrono::steady_clock::now() + kTunnelBound + std::chrono::seconds(5);
  while (!result && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(20));
  }
  work.reset();
  tunnel.reset();
  REQUIRE(result.has_value());
  if (!result->has_value()) {
    UNSCOPED_INFO("tunnel error: " << result->error().detail);
  }
  return std::move(*result);
}

void checkEcho(asio::ip::tcp::socket& socket) {
  const std::string ping = "through a real proxy";
  asio::write(socket, asio::buffer(ping));
  std::string reply(ping.size(), '\0');
  asio::read(socket, asio::buffer(reply));
  CHECK(reply == ping);
}

TunnelRequest request(ProxyKind kind, std::uint16_t proxy_port, std::uint16_t target_port) {
  TunnelRequest r;
  r.proxy.kind = kind;
  r.proxy.host = "127.0.0.1";
  r.proxy.port = proxy_port;
  r.target_host = "127.0.0.1";
  r.target_port = target_port;
  r.timeout = kTunnelBound;
  return r;
}

std::string squidConfig(const TempDir& dir, std::uint16_t port, const std::string& auth) {
  return "http_port 127.0.0.1:" + std::to_string(port) + "\n" + "pid_filename " +
         dir.file("squid.pid") + "\n" + "cache_log " + dir.file("cache.log") + "\n" +
         "access_log none\ncache deny all\ncache_mem 8 MB\nshutdown_lifetime 0 seconds\n" +
         "coredump_dir " + dir.file("") + "\n" + auth +
         "acl authed proxy_auth REQUIRED\nhttp_access allow authed\nhttp_access deny all\n";
}

constexpr const char* kSquid = "/usr/sbin/squid";

TEST_CASE("squid: Basic with basic_ncsa_auth, wrong password then the right one", "[lab]") {
  skipUnless(kSquid);
  skipUnless("/usr/lib/squid/basic_ncsa_auth");
  TempDir dir;
  // htpasswd line made with `openssl passwd -apr1`
  std::FILE* pipe = ::popen("openssl passwd -apr1 -salt parleyla secret", "r");
  REQUIRE(pipe != nullptr);
  char hash[128] = {};
  REQUIRE(std::fgets(hash, sizeof(hash), pipe) != nullptr);
  ::pclose(pipe);
  dir.write("htpasswd", std::string("alice:") + hash);
  const std::uint16_t port = freePort();
  dir.write("squid.conf",
            squidConfig(dir, port,
                        "auth_param basic program /usr/lib/squid/basic_ncsa_auth " +
                            dir.file("htpasswd") + "\nauth_param basic realm ParleyLab\n"));
  FakeServer echo(test::echoScript());
  Daemon squid({kSquid, "-N", "-f", dir.file("squid.conf")}, port);
  REQUIRE(squid.ready());
  asio::io_context io;
  Provider provider({{"alice", "wrong", ""}, {"alice", "secret", ""}});
  auto r = request(ProxyKind::Http, port, echo.port());
  r.credentials = &provider;
  auto result = runTunnel(io, r);
  REQUIRE(result.has_value());
  REQUIRE(provider.challenges.size() == 2);
  CHECK(provider.challenges[0].scheme == "Basic");
  CHECK(provider.challenges[0].realm == "ParleyLab");
  CHECK(provider.challenges[1].previous_failed);
  checkEcho(result.value());
}

// Digest (RFC 7616 as squid speaks it: MD5, qop=auth) with digest_file_auth
// reading a plain-text `user:password` file. `extra` adds more schemes.
std::string digestAuth(const TempDir& dir, const std::string& extra = "") {
  dir.write("digest_passwd", "alice:secret\n");
  return "auth_param digest program /usr/lib/squid/digest_file_auth " + dir.file("digest_passwd") +
         "\nauth_param digest children 2\nauth_param digest realm ParleyDigest\n" + extra;
}

TEST_CASE("squid: Digest with digest_file_auth, the right password", "[lab]") {
  skipUnless(kSquid);
  skipUnless("/usr/lib/squid/digest_file_auth");
  TempDir dir;
  const std::uint16_t port = freePort();
  dir.write("squid.conf", squidConfig(dir, port, digestAuth(dir)));
  FakeServer echo(test::echoScript());
  Daemon squid({kSquid, "-N", "-f", dir.file("squid.conf")}, port);
  REQUIRE(squid.ready());
  asio::io_context io;
  Provider provider({{"alice", "secret", ""}});
  auto r = request(ProxyKind::Http, port, echo.port());
  r.credentials = &provider;
  auto result = runTunnel(io, r);
  REQUIRE(result.has_value());
  REQUIRE(provider.challenges.size() == 1);
  CHECK(provider.challenges[0].scheme == "Digest");
  CHECK(provider.challenges[0].realm == "ParleyDigest");
  CHECK_FALSE(provider.challenges[0].previous_failed);
  checkEcho(result.value());
}

TEST_CASE("squid: Digest with a wrong password asks again, then fails naming Digest", "[lab]") {
  skipUnless(kSquid);
  skipUnless("/usr/lib/squid/digest_file_auth");
  TempDir dir;
  const std::uint16_t port = freePort();
  dir.write("squid.conf", squidConfig(dir, port, digestAuth(dir)));
  FakeServer echo(test::echoScript());
  Daemon squid({kSquid, "-N", "-f", dir.file("squid.conf")}, port);
  REQUIRE(squid.ready());
  asio::io_context io;

  SECTION("the person gives up after the first refusal") {
    Provider provider({{"alice", "wrong", ""}});
    auto r = request(ProxyKind::Http, port, echo.port());
    r.credentials = &provider;
    auto result = runTunnel(io, r);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == ErrorCode::ProxyAuthRequired);
    CHECK_THAT(result.error().detail, Catch::Contains("Digest realm=\"ParleyDigest\""));
    REQUIRE(provider.challenges.size() == 2);  // asked again after the refusal
    CHECK(provider.challenges[1].scheme == "Digest");
    CHECK(provider.challenges[1].realm == "ParleyDigest");
    CHECK(provider.challenges[1].previous_failed);
  }
  SECTION("always the wrong password: bounded, then refused") {
    Provider provider({{"alice", "wrong", ""},
                       {"alice", "wrong", ""},
                       {"alice", "wrong", ""},
                       {"alice", "wrong", ""},
                       {"alice", "wrong", ""}});
    auto r = request(ProxyKind::Http, port, echo.port());
    r.credentials = &provider;
    auto result = runTunnel(io, r);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == ErrorCode::ProxyAuthRequired);
    CHECK_THAT(result.error().detail, Catch::Contains("Digest") && Catch::Contains("refused"));
    CHECK(provider.challenges.size() == 3);  // kMaxPrompts: not forever
    for (const auto& c : provider.challenges) {
      CHECK(c.scheme == "Digest");
    }
  }
}

TEST_CASE("squid: Digest is preferred over Basic when both are offered", "[lab]") {
  skipUnless(kSquid);
  skipUnless("/usr/lib/squid/digest_file_auth");
  skipUnless("/usr/lib/squid/basic_fake_auth");
  TempDir dir;
  const std::uint16_t port = freePort();
  // basic_fake_auth accepts any password: if Basic were used, "wrong" would pass.
  dir.write("squid.conf", squidConfig(dir, port,
                                      digestAuth(dir,
                                                 "auth_param basic program "
                                                 "/usr/lib/squid/basic_fake_auth\n"
                                                 "auth_param basic realm ParleyBasic\n")));
  FakeServer echo(test::echoScript());
  Daemon squid({kSquid, "-N", "-f", dir.file("squid.conf")}, port);
  REQUIRE(squid.ready());
  asio::io_context io;
  Provider provider({{"alice", "wrong", ""}, {"alice", "secret", ""}});
  auto r = request(ProxyKind::Http, port, echo.port());
  r.credentials = &provider;
  auto result = runTunnel(io, r);
  REQUIRE(result.has_value());
  REQUIRE(provider.challenges.size() == 2);
  CHECK(provider.challenges[0].scheme == "Digest");
  CHECK(provider.challenges[0].realm == "ParleyDigest");
  CHECK(provider.challenges[1].scheme == "Digest");
  CHECK(provider.challenges[1].previous_failed);
  checkEcho(result.value());
}

TEST_CASE("squid: NTLM (ntlm_fake_auth) is preferred over Basic", "[lab]") {
  skipUnless(kSquid);
  skipUnless("/usr/lib/squid/ntlm_fake_auth");
  TempDir dir;
  const std::uint16_t port = freePort();
  dir.write("squid.conf", squidConfig(dir, port,
                                      "auth_param ntlm program /usr/lib/squid/ntlm_fake_auth\n"
                                      "auth_param ntlm children 2\n"
                                      "auth_param basic program /usr/lib/squid/basic_fake_auth\n"
                                      "auth_param basic realm ParleyLab\n"));
  FakeServer echo(test::echoScript());
  Daemon squid({kSquid, "-N", "-f", dir.file("squid.conf")}, port);
  REQUIRE(squid.ready());
  asio::io_context io;
  Provider provider({{"alice", "secret", "CORP"}});
  auto r = request(ProxyKind::Http, port, echo.port());
  r.credentials = &provider;
  auto result = runTunnel(io, r);
  REQUIRE(result.has_value());
  REQUIRE(provider.challenges.size() == 1);
  CHECK(provider.challenges[0].scheme == "NTLM");
  checkEcho(result.value());
}

int shell(const std::string& command) { return std::system(command.c_str()); }

TEST_CASE("squid: Negotiate with a Kerberos ticket from a KDC on loopback (GSS thread)", "[lab]") {
  skipUnless(kSquid);
  skipUnless("/usr/sbin/krb5kdc");
  skipUnless("/usr/sbin/kdb5_util");
  skipUnless("/usr/bin/kinit");
  skipUnless("/usr/lib/squid/negotiate_kerberos_auth");
  TempDir dir;
  const std::uint16_t kdc_port = freePort();
  const std::uint16_t port = freePort();
  dir.write("krb5.conf",
            "[libdefaults]\n default_realm = PARLEY.TEST\n dns_lookup_kdc = false\n"
            " dns_lookup_realm = false\n dns_canonicalize_hostname = false\n"
            " rdns = false\n[realms]\n PARLEY.TEST = {\n  kdc = 127.0.0.1:" +
                std::to_string(kdc_port) + "\n }\n[domain_realm]\n localhost = PARLEY.TEST\n");
  dir.write("kdc.conf",
            "[kdcdefaults]\n kdc_ports = " + std::to_string(kdc_port) +
                "\n kdc_tcp_ports = " + std::to_string(kdc_port) +
                "\n[realms]\n PARLEY.TEST = {\n  database_name = " + dir.file("principal") +
                "\n  key_stash_file = " + dir.file("stash") + "\n }\n");
  ::setenv("KRB5_CONFIG", dir.file("krb5.conf").c_str(), 1);
  ::setenv("KRB5_KDC_PROFILE", dir.file("kdc.conf").c_str(), 1);
  ::setenv("KRB5CCNAME", ("FILE:" + dir.file("ccache")).c_str(), 1);
  ::setenv("KRB5_KTNAME", ("FILE:" + dir.file("http.keytab")).c_str(), 1);
  const std::string quiet = " >/dev/null 2>&1";
  REQUIRE(shell("kdb5_util create -s -P masterpw -r PARLEY.TEST" + quiet) == 0);
  REQUIRE(shell("kadmin.local -q 'addprinc -pw secret alice'" + quiet) == 0);
  REQUIRE(shell("kadmin.local -q 'addprinc -randkey HTTP/localhost'" + quiet) == 0);
  REQUIRE(shell("kadmin.local -q 'ktadd -k " + dir.file("http.keytab") + " HTTP/localhost'" +
                quiet) == 0);
  ::chmod(dir.file("http.keytab").c_str(), 0644);  // squid's helper runs as `proxy`
  Daemon kdc({"/usr/sbin/krb5kdc", "-n", "-P", dir.file("kdc.pid")}, kdc_port);
  REQUIRE(kdc.ready());
  REQUIRE(shell("echo secret | kinit alice" + quiet) == 0);
  dir.write("squid.conf",
            squidConfig(dir, port,
                        "auth_param negotiate program /usr/lib/squid/negotiate_kerberos_auth -s "
                        "HTTP/localhost@PARLEY.TEST\nauth_param negotiate children 2\n"
                        "auth_param basic program /usr/lib/squid/basic_fake_auth\n"
                        "auth_param basic realm ParleyLab\n"));
  FakeServer echo(test::echoScript());
  Daemon squid({kSquid, "-N", "-f", dir.file("squid.conf")}, port);
  REQUIRE(squid.ready());
  asio::io_context io;
  Provider provider({});
  auto r = request(ProxyKind::Http, port, echo.port());
  r.proxy.host = "localhost";  // the service principal is HTTP/localhost
  r.proxy_address = "127.0.0.1";
  r.credentials = &provider;
  auto result = runTunnel(io, r);
  REQUIRE(result.has_value());
  CHECK(provider.challenges.empty());  // the ticket was enough: nobody was asked
  checkEcho(result.value());
}

TEST_CASE("dante: SOCKS4 and SOCKS5 without authentication", "[lab]") {
  skipUnless("/usr/sbin/danted");
  TempDir dir;
  const std::uint16_t port = freePort();
  dir.write("danted.conf", "logoutput: " + dir.file("danted.log") +
                               "\n"
                               "internal: 127.0.0.1 port = " +
                               std::to_string(port) +
                               "\n"
                               "external: 127.0.0.1\n"
                               "clientmethod: none\nsocksmethod: none\n"
                               "user.privileged: root\nuser.unprivileged: nobody\n"
                               "client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n"
                               "socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n");
  FakeServer echo(test::echoScript(), 16);
  Daemon dante({"/usr/sbin/danted", "-f", dir.file("danted.conf"), "-p", dir.file("danted.pid")},
               port);
  REQUIRE(dante.ready());
  asio::io_context io;
  // Dante has no SOCKS4a (it rejects the request, reply 91): 4a is checked
  // against the fake server in proxy_tunnel_test.
  for (const auto kind : {ProxyKind::Socks5, ProxyKind::Socks4}) {
    INFO(proxyKindName(kind));
    auto result = runTunnel(io, request(kind, port, echo.port()));
    REQUIRE(result.has_value());
    checkEcho(result.value());
  }
}

TEST_CASE("microsocks: SOCKS5 with RFC 1929 user/password", "[lab]") {
  skipUnless("/usr/bin/microsocks");
  const std::uint16_t port = freePort();
  FakeServer echo(test::echoScript());
  Daemon microsocks({"/usr/bin/microsocks", "-i", "127.0.0.1", "-p", std::to_string(port), "-u",
                     "alice", "-P", "secret"},
                    port);
  REQUIRE(microsocks.ready());
  asio::io_context io;
  Provider provider({{"alice", "secret", ""}});
  auto r = request(ProxyKind::Socks5, port, echo.port());
  r.credentials = &provider;
  auto result = runTunnel(io, r);
  REQUIRE(result.has_value());
  REQUIRE(provider.challenges.size() == 1);
  CHECK(provider.challenges[0].scheme == "SOCKS5");
  checkEcho(result.value());
}

}  // namespace
}  // namespace parley::net
