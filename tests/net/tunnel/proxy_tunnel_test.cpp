// ProxyTunnel against scripted fake proxies on loopback (label unit).

#include "net/tunnel/proxy_tunnel.h"

#ifndef _WIN32
#include <netinet/tcp.h>
#endif
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "tests/net/tunnel/fake_server.h"
#include "tests/support/test_env.h"

namespace parley::net {
namespace {

using test::FakeServer;
using test::readExact;
using test::readHead;
using test::waitForClose;
using test::writeAll;

struct Outcome {
  std::optional<Result<asio::ip::tcp::socket>> result;
  std::vector<std::pair<AttemptEvent::Stage, std::string>> events;
  int done_calls = 0;

  [[nodiscard]] bool hasStage(AttemptEvent::Stage stage) const {
    for (const auto& [s, d] : events) {
      if (s == stage) {
        return true;
      }
    }
    return false;
  }
  [[nodiscard]] ErrorCode code() const {
    REQUIRE(result.has_value());
    if (!result->has_value()) {
      UNSCOPED_INFO("error: " << result->error().detail);
    }
    return result->has_value() ? ErrorCode::Ok : result->error().code;
  }
  [[nodiscard]] std::string detail() const {
    REQUIRE(result.has_value());
    return result->has_value() ? "" : result->error().detail;
  }
};

// The tunnels' own bound, for tests that are not about it: only for a broken
// tunnel or fake, far above any run's time for a tunnel on loopback.
constexpr std::chrono::milliseconds kTunnelBound = std::chrono::seconds(60);
// How long a test drives the io_context for something that must happen.
constexpr std::chrono::milliseconds kMustHappen = std::chrono::seconds(20);

TunnelRequest makeRequest(ProxyKind kind, std::uint16_t proxy_port, std::uint16_t target_port) {
  TunnelRequest request;
  request.proxy.kind = kind;
  request.proxy.host = "127.0.0.1";
  request.proxy.port = proxy_port;
  request.target_host = "echo.test";
  request.target_port = target_port;
  request.timeout = kTunnelBound;
  return request;
}

// Runs `io` until `done()` or `bound` passed; returns done().
template <typename Done>
bool runUntil(asio::io_context& io, Done done, std::chrono::milliseconds bound = kMustHappen) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(20));
  }
  return done();
}

Outcome run(asio::io_context& io, TunnelRequest request) {
  Outcome outcome;
  auto tunnel = ProxyTunnel::start(
      io.get_executor(), std::move(request),
      [&outcome](AttemptEvent::Stage stage, std::string detail) {
        outcome.events.emplace_back(stage, std::move(detail));
      },
      [&outcome](Result<asio::ip::tcp::socket> result) {
        ++outcome.done_calls;
        outcome.result.emplace(std::move(result));
      });
  io.restart();
  // Like Parley's io threads: the context keeps running while a prompt is open.
  // The bound is past the tunnel's own (kTunnelBound), which ends it first.
  auto work = asio::make_work_guard(io);
  runUntil(
      io, [&] { return outcome.result.has_value(); }, kTunnelBound + kMustHappen);
  work.reset();
  tunnel.reset();
  io.restart();
  io.poll();
  return outcome;
}

std::string echoThrough(asio::ip::tcp::socket& socket) {
  const std::string ping = "ping through the tunnel";
  asio::write(socket, asio::buffer(ping));
  std::string reply(ping.size(), '\0');
  asio::read(socket, asio::buffer(reply));
  return reply;
}

// An HTTP proxy: answers `reply` to the first CONNECT; on a 2xx splices the
// connection to 127.0.0.1:`target_port`.
FakeServer::Script httpProxy(std::string reply, std::uint16_t target_port,
                             std::string* seen_head = nullptr) {
  return [reply = std::move(reply), target_port, seen_head](test::Socket fd) {
    const std::string head = readHead(fd);
    if (seen_head != nullptr) {
      *seen_head = head;
    }
    if (!writeAll(fd, reply)) {
      return;
    }
    if (reply.rfind("HTTP/1.1 2", 0) == 0 && target_port != 0) {
      const test::Socket upstream = test::connectLoopback(target_port);
      if (upstream != test::kNoSocket) {
        test::splice(fd, upstream);
        closeSocket(upstream);
      }
      return;
    }
    waitForClose(fd);
  };
}

const std::string kEstablished = "HTTP/1.1 200 Connection established\r\n\r\n";

class ScriptedProvider : public ProxyCredentialProvider {
 public:
  explicit ScriptedProvider(std::vector<std::optional<ProxyCredentials>> answers,
                            bool threaded = false)
      : answers_(std::move(answers)), threaded_(threaded) {}
  ~ScriptedProvider() override {
    for (auto& t : threads_) {
      t.join();
    }
  }
  void requestCredentials(const ProxyAuthChallenge& challenge, Answer answer) override {
    challenges.push_back(challenge);
    std::optional<ProxyCredentials> next;
    if (!answers_.empty()) {
      next = answers_.front();
      answers_.erase(answers_.begin());
    }
    if (hold) {
      held = std::move(answer);
      held_value = next;
      return;
    }
    if (threaded_) {
      threads_.emplace_back([answer, next] { answer(next); });
    } else {
      answer(next);
    }
  }
  std::vector<ProxyAuthChallenge> challenges;
  bool hold = false;
  Answer held;
  std::optional<ProxyCredentials> held_value;

 private:
  std::vector<std::optional<ProxyCredentials>> answers_;
  bool threaded_;
  std::vector<std::thread> threads_;
};

// What a fake proxy saw: connections and CONNECT requests.
struct ProxyCounts {
  std::atomic<int> connections{0};
  std::atomic<int> requests{0};
};

// 407 Basic realm="Corp" (after `extra` challenges) until the request carries
// alice:secret.
FakeServer::Script basicAuthProxy(std::uint16_t target_port, std::string extra = "",
                                  ProxyCounts* counts = nullptr) {
  return [target_port, extra, counts](test::Socket fd) {
    if (counts != nullptr) {
      ++counts->connections;
    }
    for (;;) {
      const std::string head = readHead(fd);
      if (head.empty()) {
        return;
      }
      if (counts != nullptr) {
        ++counts->requests;
      }
      // base64("alice:secret")
      if (head.find("Proxy-Authorization: Basic YWxpY2U6c2VjcmV0\r\n") != std::string::npos) {
        writeAll(fd, kEstablished);
        const test::Socket upstream = test::connectLoopback(target_port);
        test::splice(fd, upstream);
        closeSocket(upstream);
        return;
      }
      if (!writeAll(fd, "HTTP/1.1 407 Proxy Authentication Required\r\n" + extra +
                            "Proxy-Authenticate: Basic realm=\"Corp\"\r\n"
                            "Content-Length: 0\r\n\r\n")) {
        return;
      }
    }
  };
}

TEST_CASE("HTTP CONNECT tunnel carries bytes to the target", "[tunnel]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  std::string head;
  FakeServer proxy(httpProxy(kEstablished, echo.port(), &head));
  auto outcome = run(io, makeRequest(ProxyKind::Http, proxy.port(), echo.port()));
  REQUIRE(outcome.code() == ErrorCode::Ok);
  CHECK(outcome.done_calls == 1);
  CHECK(head.rfind("CONNECT echo.test:" + std::to_string(echo.port()) + " HTTP/1.1\r\n", 0) == 0);
  CHECK(outcome.hasStage(AttemptEvent::Stage::TcpConnected));
  CHECK(outcome.hasStage(AttemptEvent::Stage::TunnelUp));
  auto& socket = outcome.result->value();
  CHECK(echoThrough(socket) == "ping through the tunnel");
}

TEST_CASE("proxy_address pins the proxy's name (CURLOPT_RESOLVE applies to the proxy)",
          "[tunnel]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  FakeServer proxy(httpProxy(kEstablished, echo.port()));
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.proxy.host = "parley-proxy.invalid";
  request.proxy_address = "127.0.0.1";
  auto outcome = run(io, request);
  REQUIRE(outcome.code() == ErrorCode::Ok);
  CHECK(echoThrough(outcome.result->value()) == "ping through the tunnel");
}

TEST_CASE("407 Basic asks for credentials with the realm, then the tunnel is up", "[tunnel]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  FakeServer proxy(basicAuthProxy(echo.port()));
  ScriptedProvider provider({ProxyCredentials{"alice", "secret", ""}}, true);
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.credentials = &provider;
  auto outcome = run(io, request);
  REQUIRE(outcome.code() == ErrorCode::Ok);
  REQUIRE(provider.challenges.size() == 1);
  CHECK(provider.challenges[0].scheme == "Basic");
  CHECK(provider.challenges[0].realm == "Corp");
  CHECK_FALSE(provider.challenges[0].previous_failed);
  CHECK(outcome.hasStage(AttemptEvent::Stage::ProxyAuth));
  CHECK(echoThrough(outcome.result->value()) == "ping through the tunnel");
}

// Not on Windows yet: there the second try still opens a new connection
// (docs/tunnels.md, "The connection of a 407").
TEST_CASE("after a 407 that keeps the connection open, the credentials go on it",
          "[tunnel][kept][not-windows]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  ProxyCounts counts;
  FakeServer proxy(basicAuthProxy(echo.port(), "", &counts));
  ScriptedProvider provider({ProxyCredentials{"alice", "secret", ""}}, true);
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.credentials = &provider;
  auto outcome = run(io, request);
  REQUIRE(outcome.code() == ErrorCode::Ok);
  CHECK(counts.connections == 1);
  CHECK(counts.requests == 2);
  CHECK(echoThrough(outcome.result->value()) == "ping through the tunnel");
}

TEST_CASE("a 407 that says Connection: close: the credentials go on a new connection",
          "[tunnel][kept]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  ProxyCounts counts;
  FakeServer proxy(basicAuthProxy(echo.port(), "Connection: close\r\n", &counts));
  ScriptedProvider provider({ProxyCredentials{"alice", "secret", ""}}, true);
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.credentials = &provider;
  auto outcome = run(io, request);
  REQUIRE(outcome.code() == ErrorCode::Ok);
  CHECK(counts.connections == 2);
  CHECK(echoThrough(outcome.result->value()) == "ping through the tunnel");
}

// Answers once the proxy has closed the connection its 407 had kept open, as
// when a person takes longer to type than the proxy keeps an idle connection.
class AfterCloseProvider : public ProxyCredentialProvider {
 public:
  explicit AfterCloseProvider(std::atomic<bool>& closed) : closed_(closed) {}
  ~AfterCloseProvider() override {
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  void requestCredentials(const ProxyAuthChallenge& /*challenge*/, Answer answer) override {
    ++asked;
    thread_ = std::thread([this, answer] {
      const auto deadline = std::chrono::steady_clock::now() + kMustHappen;
      while (!closed_ && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      answer(ProxyCredentials{"alice", "secret", ""});
    });
  }
  std::atomic<int> asked{0};

 private:
  std::atomic<bool>& closed_;
  std::thread thread_;
};

TEST_CASE("a kept connection the proxy closed meanwhile: the credentials go on a new one",
          "[tunnel][kept]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  ProxyCounts counts;
  std::atomic<bool> closed{false};
  auto basic = basicAuthProxy(echo.port(), "", &counts);
  FakeServer proxy([&](test::Socket fd) {
    if (counts.connections == 0) {
      ++counts.connections;
      (void)readHead(fd);
      writeAll(fd,
               "HTTP/1.1 407 Proxy Authentication Required\r\n"
               "Proxy-Authenticate: Basic realm=\"Corp\"\r\nContent-Length: 0\r\n\r\n");
      shutdownSocket(fd);
      closed = true;
      return;
    }
    basic(fd);
  });
  AfterCloseProvider provider(closed);
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.credentials = &provider;
  auto outcome = run(io, request);
  REQUIRE(outcome.code() == ErrorCode::Ok);
  CHECK(provider.asked == 1);
  CHECK(counts.connections == 2);
  CHECK(echoThrough(outcome.result->value()) == "ping through the tunnel");
}

// not-windows: under Wine one fresh-clone run found the proxy refused after
// the Negotiate try (the kept connection's path); passes on Linux and in other
// Wine runs. Not diagnosed yet (the closing note of 2026-12-06).
TEST_CASE("Negotiate is tried first (GSS thread), without a ticket, Basic is asked for",
          "[tunnel][not-windows]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  FakeServer proxy(basicAuthProxy(echo.port(),
                                  "Proxy-Authenticate: Negotiate\r\nProxy-Authenticate: NTLM\r\n"),
                   16);
  ScriptedProvider provider(
      {ProxyCredentials{"alice", "wrong", ""}, ProxyCredentials{"alice", "secret", ""}});
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.credentials = &provider;
  testing::setEnv("KRB5CCNAME", "FILE:/nonexistent/parley-test-ccache");
  auto outcome = run(io, request);
  // NTLM is the strongest password scheme offered; this fake only takes Basic,
  // so NTLM is refused and asked again; the prompt count bounds it.
  REQUIRE(outcome.events.size() >= 2);
  bool negotiate_reported = false;
  for (const auto& [stage, detail] : outcome.events) {
    negotiate_reported = negotiate_reported || (stage == AttemptEvent::Stage::ProxyAuth &&
                                                detail.find("Negotiate") != std::string::npos);
  }
  CHECK(negotiate_reported);
  REQUIRE_FALSE(provider.challenges.empty());
  CHECK(provider.challenges[0].scheme == "NTLM");
  CHECK(outcome.code() == ErrorCode::ProxyAuthRequired);
}

TEST_CASE("configured credentials are used without asking", "[tunnel]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  FakeServer proxy(basicAuthProxy(echo.port()));
  ScriptedProvider provider({});
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.proxy.user = "alice";
  request.proxy.password = "secret";
  request.credentials = &provider;
  auto outcome = run(io, request);
  REQUIRE(outcome.code() == ErrorCode::Ok);
  CHECK(provider.challenges.empty());
}

TEST_CASE("wrong credentials: asked again (previous_failed), at most 3 times", "[tunnel]") {
  asio::io_context io;
  FakeServer proxy(basicAuthProxy(1));
  ProxyCredentials wrong{"alice", "wrong", ""};
  ScriptedProvider provider({wrong, wrong, wrong, wrong});
  auto request = makeRequest(ProxyKind::Http, proxy.port(), 1);
  request.credentials = &provider;
  auto outcome = run(io, request);
  CHECK(outcome.code() == ErrorCode::ProxyAuthRequired);
  CHECK(outcome.detail().find("Basic") != std::string::npos);
  REQUIRE(provider.challenges.size() == 3);
  CHECK_FALSE(provider.challenges[0].previous_failed);
  CHECK(provider.challenges[1].previous_failed);
}

TEST_CASE("the scheme a proxy asked for is remembered and sent on the next first CONNECT",
          "[tunnel][hints]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  ProxyCounts first;
  ProxyCounts second;
  auto hints = std::make_shared<ProxyAuthHints>();
  {
    FakeServer proxy(basicAuthProxy(echo.port(), "", &first));
    ScriptedProvider provider({ProxyCredentials{"alice", "secret", ""}});
    auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
    request.credentials = &provider;
    request.auth_hints = hints;
    REQUIRE(run(io, request).code() == ErrorCode::Ok);
    CHECK(first.requests == 2);  // the 407, then the authenticated CONNECT
    CHECK(hints->lookup("127.0.0.1:" + std::to_string(proxy.port())) ==
          ProxyAuthHint{"Basic", "Corp"});
    // The next tunnel through the same proxy: Basic on the first CONNECT.
    FakeServer again(basicAuthProxy(echo.port(), "", &second));
    hints->remember("127.0.0.1:" + std::to_string(again.port()), {"Basic", "Corp"});
    ScriptedProvider provider2({ProxyCredentials{"alice", "secret", ""}});
    auto request2 = makeRequest(ProxyKind::Http, again.port(), echo.port());
    request2.credentials = &provider2;
    request2.auth_hints = hints;
    auto outcome = run(io, request2);
    REQUIRE(outcome.code() == ErrorCode::Ok);
    CHECK(second.connections == 1);
    CHECK(second.requests == 1);
    REQUIRE(provider2.challenges.size() == 1);
    CHECK(provider2.challenges[0].scheme == "Basic");
    CHECK(provider2.challenges[0].realm == "Corp");
    CHECK_FALSE(provider2.challenges[0].previous_failed);
    bool remembered = false;
    for (const auto& [stage, detail] : outcome.events) {
      remembered = remembered || (stage == AttemptEvent::Stage::ProxyAuth &&
                                  detail.find("remembered") != std::string::npos);
    }
    CHECK(remembered);
    CHECK(echoThrough(outcome.result->value()) == "ping through the tunnel");
  }
}

TEST_CASE("configured credentials: the scheme curl picked is learned with its realm",
          "[tunnel][hints]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  FakeServer proxy(basicAuthProxy(echo.port()));
  auto hints = std::make_shared<ProxyAuthHints>();
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.proxy.user = "alice";
  request.proxy.password = "secret";
  request.auth_hints = hints;
  REQUIRE(run(io, request).code() == ErrorCode::Ok);
  CHECK(hints->lookup("127.0.0.1:" + std::to_string(proxy.port())) ==
        ProxyAuthHint{"Basic", "Corp"});
}

TEST_CASE("a remembered scheme the proxy no longer offers is not a refusal", "[tunnel][hints]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  FakeServer proxy(basicAuthProxy(echo.port()));  // Basic only
  const std::string key = "127.0.0.1:" + std::to_string(proxy.port());
  auto hints = std::make_shared<ProxyAuthHints>();
  hints->remember(key, {"Digest", "Old"});
  ScriptedProvider provider(
      {ProxyCredentials{"alice", "secret", ""}, ProxyCredentials{"alice", "secret", ""}});
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.credentials = &provider;
  request.auth_hints = hints;
  auto outcome = run(io, request);
  REQUIRE(outcome.code() == ErrorCode::Ok);
  REQUIRE(provider.challenges.size() == 2);
  CHECK(provider.challenges[0].scheme == "Digest");
  CHECK(provider.challenges[1].scheme == "Basic");
  CHECK_FALSE(provider.challenges[1].previous_failed);
  CHECK(hints->lookup(key) == ProxyAuthHint{"Basic", "Corp"});
}

TEST_CASE("a proxy that lets the tunnel through without asking is forgotten", "[tunnel][hints]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  FakeServer proxy(httpProxy(kEstablished, echo.port()));
  const std::string key = "127.0.0.1:" + std::to_string(proxy.port());
  auto hints = std::make_shared<ProxyAuthHints>();
  hints->remember("other:1", {"NTLM", ""});
  auto request = makeRequest(ProxyKind::Http, proxy.port(), echo.port());
  request.auth_hints = hints;
  REQUIRE(run(io, request).code() == ErrorCode::Ok);
  CHECK_FALSE(hints->lookup(key));
  CHECK(hints->lookup("other:1"));
}

TEST_CASE("407 without a provider or with a cancelled prompt fails with the scheme", "[tunnel]") {
  asio::io_context io;
  FakeServer proxy(basicAuthProxy(1));
  SECTION("no provider") {
    auto outcome = run(io, makeRequest(ProxyKind::Http, proxy.port(), 1));
    CHECK(outcome.code() == ErrorCode::ProxyAuthRequired);
    CHECK(outcome.detail().find("Basic realm=\"Corp\"") != std::string::npos);
  }
  SECTION("cancelled") {
    ScriptedProvider provider({std::nullopt});
    auto request = makeRequest(ProxyKind::Http, proxy.port(), 1);
    request.credentials = &provider;
    auto outcome = run(io, request);
    CHECK(outcome.code() == ErrorCode::ProxyAuthRequired);
    CHECK(provider.challenges.size() == 1);
  }
}

TEST_CASE("HTTP proxy failures map to codes a person can act on", "[tunnel]") {
  asio::io_context io;
  SECTION("403") {
    FakeServer proxy(httpProxy("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", 0));
    auto outcome = run(io, makeRequest(ProxyKind::Http, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::ProxyRefused);
    CHECK(outcome.detail() == "proxy 127.0.0.1:" + std::to_string(proxy.port()) +
                                  " refused to connect to echo.test:443 (403 Forbidden)");
  }
  SECTION("502") {
    FakeServer proxy(httpProxy("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", 0));
    auto outcome = run(io, makeRequest(ProxyKind::Http, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::TunnelFailed);
    CHECK(outcome.detail().find("502 Bad Gateway") != std::string::npos);
  }
  SECTION("garbage") {
    FakeServer proxy(httpProxy("SSH-2.0-OpenSSH_9.2\r\n\r\n", 0));
    auto outcome = run(io, makeRequest(ProxyKind::Http, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::ProxyProtocolError);
    CHECK(outcome.detail().find("SSH-2.0") != std::string::npos);
  }
  SECTION("headers that never end") {
    FakeServer proxy([](test::Socket fd) {
      readHead(fd);
      writeAll(fd, "HTTP/1.1 200 OK\r\n");
      for (int i = 0; i < 20000; ++i) {
        if (!writeAll(fd, "X-Filler: " + std::string(100, 'x') + "\r\n")) {
          return;
        }
      }
      waitForClose(fd);
    });
    auto outcome = run(io, makeRequest(ProxyKind::Http, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::ProxyProtocolError);
    CHECK(outcome.detail().find("64 KiB") != std::string::npos);
  }
  SECTION("accepts, then silence") {
    FakeServer proxy([](test::Socket fd) { waitForClose(fd); });
    auto request = makeRequest(ProxyKind::Http, proxy.port(), 443);
    // Long enough that the connect on loopback is always reported first,
    // however slowly the run goes; the silence then lasts for ever.
    request.timeout = std::chrono::milliseconds(3000);
    auto outcome = run(io, request);
    CHECK(outcome.code() == ErrorCode::TimedOut);
    CHECK(outcome.detail().find("accepted the connection but did not answer within 3000 ms") !=
          std::string::npos);
    CHECK(outcome.hasStage(AttemptEvent::Stage::TcpConnected));
  }
  SECTION("closes without answering") {
    FakeServer proxy([](test::Socket fd) { readHead(fd); });
    auto outcome = run(io, makeRequest(ProxyKind::Http, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::ConnectionClosed);
  }
  SECTION("200, then closed") {
    FakeServer proxy([](test::Socket fd) {
      readHead(fd);
      // The 200 and the FIN normally leave in one segment (corked until the
      // shutdown), so the tunnel sees both at once. TCP_CORK holds data for
      // 200 ms at most: a fake descheduled longer sends the 200 alone.
#ifndef _WIN32
      const int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
#endif
      writeAll(fd, kEstablished);
#ifdef _WIN32
      ::shutdown(fd, SD_SEND);
#else
      ::shutdown(fd, SHUT_WR);
#endif
      waitForClose(fd);
    });
    auto outcome = run(io, makeRequest(ProxyKind::Http, proxy.port(), 443));
    // The contract: a close already there with the 200 is the tunnel's
    // ConnectionClosed; a later one is handed over with the socket for the
    // TLS stage to see, and then the socket holds nothing but the end.
    if (outcome.code() == ErrorCode::Ok) {
      auto& socket = outcome.result->value();
      REQUIRE(testing::waitReadable(socket.native_handle(), static_cast<int>(kMustHappen.count())));
      char byte = 0;
      asio::error_code ec;
      const std::size_t n = socket.read_some(asio::buffer(&byte, 1), ec);
      CHECK(n == 0);
      CHECK(ec == asio::error::eof);
    } else {
      CHECK(outcome.code() == ErrorCode::ConnectionClosed);
    }
  }
  SECTION("refused") {
    std::uint16_t port = 0;
    {
      FakeServer closed([](int) {}, 0);
      port = closed.port();
    }
    auto outcome = run(io, makeRequest(ProxyKind::Http, port, 443));
    CHECK(outcome.code() == ErrorCode::ConnectionRefused);
    CHECK(outcome.detail() ==
          "proxy 127.0.0.1:" + std::to_string(port) + " refused the connection");
  }
}

// SOCKS5 server: `auth` 0 = no auth, 2 = user/password alice:secret;
// `reply` is the CONNECT reply code; `mode` selects broken replies.
enum class SocksMode { Normal, Truncated, Malformed };
FakeServer::Script socks5Proxy(int auth, int reply, std::uint16_t target_port,
                               SocksMode mode = SocksMode::Normal,
                               std::string* seen_host = nullptr) {
  return [=](test::Socket fd) {
    std::string greeting;
    if (!readExact(fd, greeting, 2) || greeting[0] != 5) {
      return;
    }
    std::string methods;
    readExact(fd, methods, static_cast<unsigned char>(greeting[1]));
    if (mode == SocksMode::Malformed) {
      writeAll(fd, std::string("\x04\x00", 2));
      waitForClose(fd);
      return;
    }
    if (methods.find(static_cast<char>(auth)) == std::string::npos) {
      writeAll(fd, std::string("\x05\xff", 2));
      waitForClose(fd);
      return;
    }
    writeAll(fd, std::string("\x05", 1) + static_cast<char>(auth));
    if (auth == 2) {
      std::string ver;
      std::string user;
      std::string pass;
      std::string len;
      readExact(fd, ver, 1);
      readExact(fd, len, 1);
      readExact(fd, user, static_cast<unsigned char>(len[0]));
      readExact(fd, len, 1);
      readExact(fd, pass, static_cast<unsigned char>(len[0]));
      const bool ok = user == "alice" && pass == "secret";
      writeAll(fd, std::string("\x01", 1) + (ok ? '\0' : '\x01'));
      if (!ok) {
        waitForClose(fd);
        return;
      }
    }
    std::string request;
    readExact(fd, request, 4);
    std::string host;
    if (request[3] == 3) {
      std::string len;
      readExact(fd, len, 1);
      readExact(fd, host, static_cast<unsigned char>(len[0]));
    } else {
      readExact(fd, host, request[3] == 1 ? 4 : 16);
    }
    std::string port;
    readExact(fd, port, 2);
    if (seen_host != nullptr) {
      *seen_host = host;
    }
    if (mode == SocksMode::Truncated) {
      writeAll(fd, std::string("\x05\x00\x00", 3));
      return;
    }
    writeAll(fd, std::string("\x05", 1) + static_cast<char>(reply) +
                     std::string("\x00\x01\x7f\x00\x00\x01\x00\x00", 8));
    if (reply == 0) {
      const test::Socket upstream = test::connectLoopback(target_port);
      test::splice(fd, upstream);
      closeSocket(upstream);
    } else {
      waitForClose(fd);
    }
  };
}

TEST_CASE("SOCKS5 without authentication, the proxy resolves the name", "[tunnel]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  std::string host;
  FakeServer proxy(socks5Proxy(0, 0, echo.port(), SocksMode::Normal, &host));
  auto outcome = run(io, makeRequest(ProxyKind::Socks5, proxy.port(), echo.port()));
  REQUIRE(outcome.code() == ErrorCode::Ok);
  CHECK(host == "echo.test");
  CHECK(outcome.hasStage(AttemptEvent::Stage::TunnelUp));
  CHECK(echoThrough(outcome.result->value()) == "ping through the tunnel");
}

TEST_CASE("SOCKS5 RFC 1929 user/password", "[tunnel]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  FakeServer proxy(socks5Proxy(2, 0, echo.port()));
  auto request = makeRequest(ProxyKind::Socks5, proxy.port(), echo.port());
  SECTION("configured") {
    request.proxy.user = "alice";
    request.proxy.password = "secret";
    auto outcome = run(io, request);
    REQUIRE(outcome.code() == ErrorCode::Ok);
    CHECK(echoThrough(outcome.result->value()) == "ping through the tunnel");
  }
  SECTION("asked for") {
    ScriptedProvider provider({ProxyCredentials{"alice", "secret", ""}});
    request.credentials = &provider;
    auto outcome = run(io, request);
    REQUIRE(outcome.code() == ErrorCode::Ok);
    REQUIRE(provider.challenges.size() == 1);
    CHECK(provider.challenges[0].scheme == "SOCKS5");
  }
  SECTION("refused, nobody to ask") {
    request.proxy.user = "alice";
    request.proxy.password = "wrong";
    auto outcome = run(io, request);
    CHECK(outcome.code() == ErrorCode::ProxyAuthRequired);
  }
}

TEST_CASE("SOCKS5 rejections and broken replies", "[tunnel]") {
  asio::io_context io;
  SECTION("not allowed by ruleset") {
    FakeServer proxy(socks5Proxy(0, 2, 0));
    auto outcome = run(io, makeRequest(ProxyKind::Socks5, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::SocksRejected);
    CHECK(outcome.detail().find("not allowed") != std::string::npos);
  }
  SECTION("host unreachable") {
    FakeServer proxy(socks5Proxy(0, 4, 0));
    auto outcome = run(io, makeRequest(ProxyKind::Socks5, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::SocksRejected);
    CHECK(outcome.detail().find("host unreachable") != std::string::npos);
  }
  SECTION("truncated") {
    FakeServer proxy(socks5Proxy(0, 0, 0, SocksMode::Truncated));
    auto outcome = run(io, makeRequest(ProxyKind::Socks5, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::ProxyProtocolError);
  }
  SECTION("malformed") {
    FakeServer proxy(socks5Proxy(0, 0, 0, SocksMode::Malformed));
    auto outcome = run(io, makeRequest(ProxyKind::Socks5, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::ProxyProtocolError);
  }
}

// SOCKS4/4a: answers `reply` (0x5a granted, 0x5b rejected).
FakeServer::Script socks4Proxy(int reply, std::uint16_t target_port, std::string* seen) {
  return [=](test::Socket fd) {
    std::string head;
    readExact(fd, head, 8);
    std::string rest;
    char c = 0;
    while (::recv(fd, &c, 1, 0) == 1 && c != 0) {  // user id
    }
    if (head[4] == 0 && head[5] == 0 && head[6] == 0 && head[7] != 0) {  // 4a: name follows
      while (::recv(fd, &c, 1, 0) == 1 && c != 0) {
        rest.push_back(c);
      }
    } else {
      rest = std::to_string(static_cast<unsigned char>(head[4])) + "." +
             std::to_string(static_cast<unsigned char>(head[5])) + "." +
             std::to_string(static_cast<unsigned char>(head[6])) + "." +
             std::to_string(static_cast<unsigned char>(head[7]));
    }
    if (seen != nullptr) {
      *seen = rest;
    }
    writeAll(fd, std::string("\x00", 1) + static_cast<char>(reply) + std::string(6, '\0'));
    if (reply == 0x5a) {
      const test::Socket upstream = test::connectLoopback(target_port);
      test::splice(fd, upstream);
      closeSocket(upstream);
    } else {
      waitForClose(fd);
    }
  };
}

TEST_CASE("SOCKS4 resolves locally, SOCKS4a sends the name", "[tunnel]") {
  asio::io_context io;
  FakeServer echo(test::echoScript());
  std::string seen;
  SECTION("socks4") {
    FakeServer proxy(socks4Proxy(0x5a, echo.port(), &seen));
    auto request = makeRequest(ProxyKind::Socks4, proxy.port(), echo.port());
    request.target_host = "localhost";
    auto outcome = run(io, request);
    REQUIRE(outcome.code() == ErrorCode::Ok);
    CHECK(seen == "127.0.0.1");
    CHECK(echoThrough(outcome.result->value()) == "ping through the tunnel");
  }
  SECTION("socks4a") {
    FakeServer proxy(socks4Proxy(0x5a, echo.port(), &seen));
    auto outcome = run(io, makeRequest(ProxyKind::Socks4a, proxy.port(), echo.port()));
    REQUIRE(outcome.code() == ErrorCode::Ok);
    CHECK(seen == "echo.test");
  }
  SECTION("rejected") {
    FakeServer proxy(socks4Proxy(0x5b, 0, &seen));
    auto outcome = run(io, makeRequest(ProxyKind::Socks4a, proxy.port(), 443));
    CHECK(outcome.code() == ErrorCode::SocksRejected);
  }
}

std::size_t openDescriptors() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

// Counts /proc/self/fd: Linux's descriptors. Under Wine that view also holds
// Wine's own, which come and go on their own.
TEST_CASE("no descriptor outlives the tunnels, the handed-over sockets and the driver",
          "[tunnel][not-windows]") {
  FakeServer echo(test::echoScript());
  FakeServer proxy(
      [&echo](test::Socket fd) {
        const std::string head = readHead(fd);
        if (head.find("deny.test") != std::string::npos) {
          writeAll(fd, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
          waitForClose(fd);
          return;
        }
        writeAll(fd, kEstablished);
        const test::Socket upstream = test::connectLoopback(echo.port());
        test::splice(fd, upstream);
        closeSocket(upstream);
      },
      16);
  FakeServer basic(basicAuthProxy(1), 16);
  const std::size_t before = openDescriptors();
  {
    asio::io_context io;
    for (int i = 0; i < 3; ++i) {
      auto ok = run(io, makeRequest(ProxyKind::Http, proxy.port(), echo.port()));
      REQUIRE(ok.code() == ErrorCode::Ok);
      CHECK(echoThrough(ok.result->value()) == "ping through the tunnel");
      ok.result->value().close();  // the fake proxy serves one connection at a time
      auto denied = makeRequest(ProxyKind::Http, proxy.port(), 443);
      denied.target_host = "deny.test";
      CHECK(run(io, denied).code() == ErrorCode::ProxyRefused);
      CHECK(run(io, makeRequest(ProxyKind::Http, basic.port(), 1)).code() ==
            ErrorCode::ProxyAuthRequired);
    }
  }
  // The fake servers (same process) close their ends once they see ours close.
  const auto deadline = std::chrono::steady_clock::now() + kMustHappen;
  while (openDescriptors() != before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(openDescriptors() == before);
}

TEST_CASE("destroying a tunnel cancels it: no callback, no handle left", "[tunnel]") {
  asio::io_context io;
  SECTION("while the proxy is silent") {
    FakeServer proxy([](test::Socket fd) { waitForClose(fd); });
    int calls = 0;
    bool connected = false;
    auto tunnel = ProxyTunnel::start(
        io.get_executor(), makeRequest(ProxyKind::Http, proxy.port(), 443),
        [&](AttemptEvent::Stage stage, const std::string&) {
          connected = connected || stage == AttemptEvent::Stage::TcpConnected;
        },
        [&](Result<asio::ip::tcp::socket>) { ++calls; });
    CHECK(runUntil(io, [&] { return connected; }));
    tunnel.reset();
    io.restart();
    // Nothing may come after the reset. Only a negative check: a slow run
    // makes it pass more easily, never fail.
    io.run_for(std::chrono::milliseconds(100));
    CHECK(calls == 0);
  }
  SECTION("while a Negotiate try runs on the GSS thread") {
    // Requests, not connections: the Negotiate try sends its CONNECT on the
    // connection the 407 kept open.
    std::atomic<int> connections{0};
    FakeServer proxy([&connections](test::Socket fd) {
      if (readHead(fd).empty()) {
        return;
      }
      if (++connections == 1) {
        writeAll(fd,
                 "HTTP/1.1 407 Proxy Authentication Required\r\n"
                 "Proxy-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n");
        if (readHead(fd).empty()) {
          return;  // not kept: the Negotiate try comes on a new connection
        }
        ++connections;
      }
      waitForClose(fd);  // the Negotiate try gets no answer
    });
    int calls = 0;
    bool negotiating = false;
    auto tunnel = ProxyTunnel::start(
        io.get_executor(), makeRequest(ProxyKind::Http, proxy.port(), 443),
        [&](AttemptEvent::Stage stage, const std::string& detail) {
          negotiating = negotiating || (stage == AttemptEvent::Stage::ProxyAuth &&
                                        detail.find("Negotiate") != std::string::npos);
        },
        [&](Result<asio::ip::tcp::socket>) { ++calls; });
    auto work = asio::make_work_guard(io);
    // The fake counts the Negotiate try's request once it has read it; the
    // event reporting it is posted to `io`.
    CHECK(runUntil(io, [&] { return connections == 2 && negotiating; }));
    CHECK(negotiating);
    CHECK(connections == 2);
    tunnel.reset();  // posts the clean-up to the GSS thread and joins it
    work.reset();
    io.restart();
    // As above: a negative check only.
    io.run_for(std::chrono::milliseconds(100));
    CHECK(calls == 0);
  }
  SECTION("while the user is asked") {
    FakeServer proxy(basicAuthProxy(1));
    ScriptedProvider provider({ProxyCredentials{"alice", "secret", ""}});
    provider.hold = true;
    auto request = makeRequest(ProxyKind::Http, proxy.port(), 1);
    request.credentials = &provider;
    int calls = 0;
    auto tunnel = ProxyTunnel::start(
        io.get_executor(), request, [](AttemptEvent::Stage, const std::string&) {},
        [&](Result<asio::ip::tcp::socket>) { ++calls; });
    REQUIRE(runUntil(io, [&] { return static_cast<bool>(provider.held); }));
    tunnel.reset();
    provider.held(provider.held_value);  // the answer comes after the tunnel is gone
    io.restart();
    // As above: a negative check only.
    io.run_for(std::chrono::milliseconds(100));
    CHECK(calls == 0);
  }
}

}  // namespace
}  // namespace parley::net
