// SecureAttemptFactory's attempts against a scripted server on loopback: a
// real TLS 1.3 handshake with the deployment's policy and a test CA, then the
// greeting. Everything runs on one io_context driven by the test thread, so
// each case is one sequence of events; the only real waits are the attempt's
// own timeout, set short where a case needs it to fire.

#include "net/connect/secure_attempt.h"

#include <algorithm>
#include <array>

#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/test_pki.h"

namespace parley::net {
namespace {

using namespace std::chrono_literals;

// Only a bound for a broken attempt, far above any run's time for it.
constexpr auto kMustHappen = 20s;

struct Observer final : AttemptObserver {
  void onAttemptStage(int id, AttemptEvent::Stage stage, std::string detail) override {
    CHECK(id == kId);
    stages.push_back(stage);
    details.push_back(std::move(detail));
  }
  void onAttemptDone(int id, Result<ConnectedStream> result) override {
    CHECK(id == kId);
    ++done_calls;
    outcome.emplace(std::move(result));
  }
  [[nodiscard]] bool has(AttemptEvent::Stage stage) const {
    return std::find(stages.begin(), stages.end(), stage) != stages.end();
  }
  [[nodiscard]] ErrorCode code() const {
    REQUIRE(outcome.has_value());
    return *outcome ? ErrorCode::Ok : outcome->error().code;
  }
  [[nodiscard]] std::string detail() const {
    REQUIRE(outcome.has_value());
    return *outcome ? std::string() : outcome->error().detail;
  }

  static constexpr int kId = 3;
  std::vector<AttemptEvent::Stage> stages;
  std::vector<std::string> details;
  std::optional<Result<ConnectedStream>> outcome;
  int done_calls = 0;
};

// What the scripted server does with each connection.
enum class Script {
  Silent,         // accepts TCP, then never says a word
  Tls,            // TLS handshake, then waits
  Greet,          // TLS, reads the greeting, answers it with `reply`
  CloseAtHello,   // TLS, reads the greeting, closes without an answer
  HttpThenGreet,  // answers an HTTP CONNECT with 200, then as Greet
};

// One connection at a time on 127.0.0.1, on the test's io_context.
class ScriptedServer {
 public:
  ScriptedServer(asio::io_context& io, Script script, bool stranger_certificate = false)
      : script_(script),
        tls_(testing::testPki().serverContext(stranger_certificate)),
        acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }

  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // Closes everything, so that the io_context runs out of work.
  void stop() {
    asio::error_code ignored;
    acceptor_.close(ignored);
    if (stream_) {
      stream_->lowest_layer().close(ignored);
    }
  }

  std::string reply = "welcome";              // the greeting's answer, framed when sent
  std::optional<std::uint32_t> reply_length;  // a header that lies about it
  std::size_t request_bytes = 0;              // the greeting's size
  std::string request;                        // as read
  std::string connect_head;                   // the proxy request, as read
  std::string after_tls;                      // read after the greeting
  bool peer_closed = false;                   // the client end went away

 private:
  void accept() {
    acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
      if (ec) {
        return;
      }
      stream_ = std::make_unique<TlsStream>(std::move(socket), *tls_);
      switch (script_) {
        case Script::Silent:
          watchClose(stream_->next_layer());
          return;
        case Script::HttpThenGreet:
          readConnect();
          return;
        default:
          handshake();
      }
    });
  }

  // Reads (and ignores) until the client's end closes.
  void watchClose(asio::ip::tcp::socket& socket) {
    socket.async_read_some(asio::buffer(scratch_),
                           [this, &socket](const asio::error_code& ec, std::size_t) {
                             if (ec) {
                               peer_closed = true;
                               return;
                             }
                             watchClose(socket);
                           });
  }

  void readConnect() {
    asio::async_read_until(stream_->next_layer(), head_, "\r\n\r\n",
                           [this](const asio::error_code& ec, std::size_t n) {
                             if (ec) {
                               return;
                             }
                             connect_head.assign(asio::buffers_begin(head_.data()),
                                                 asio::buffers_begin(head_.data()) +
                                                     static_cast<std::ptrdiff_t>(n));
                             head_.consume(n);
                             asio::async_write(stream_->next_layer(),
                                               asio::buffer(kEstablished.data(),
                                                            kEstablished.size()),
                                               [this](const asio::error_code& wec, std::size_t) {
                                                 if (!wec) {
                                                   handshake();
                                                 }
                                               });
                           });
  }

  void handshake() {
    stream_->async_handshake(asio::ssl::stream_base::server, [this](const asio::error_code& ec) {
      if (ec) {
        return;
      }
      if (script_ == Script::Tls) {
        watchTlsClose();
        return;
      }
      request.resize(request_bytes);
      asio::async_read(*stream_, asio::buffer(request),
                       [this](const asio::error_code& rec, std::size_t) {
                         if (rec) {
                           return;
                         }
                         if (script_ == Script::CloseAtHello) {
                           asio::error_code ignored;
                           stream_->lowest_layer().close(ignored);
                           return;
                         }
                         answer();
                       });
    });
  }

  void answer() {
    const auto length = reply_length.value_or(static_cast<std::uint32_t>(reply.size()));
    framed_.clear();
    for (int shift = 24; shift >= 0; shift -= 8) {
      framed_.push_back(static_cast<char>((length >> static_cast<unsigned>(shift)) & 0xffU));
    }
    framed_ += reply;
    asio::async_write(*stream_, asio::buffer(framed_),
                      [this](const asio::error_code& ec, std::size_t) {
                        if (!ec) {
                          readAfterTls();
                        }
                      });
  }

  void readAfterTls() {
    stream_->async_read_some(asio::buffer(scratch_),
                             [this](const asio::error_code& ec, std::size_t n) {
                               if (ec) {
                                 peer_closed = true;
                                 return;
                               }
                               after_tls.append(scratch_.data(), n);
                               readAfterTls();
                             });
  }

  void watchTlsClose() {
    stream_->async_read_some(asio::buffer(scratch_),
                             [this](const asio::error_code& ec, std::size_t) {
                               if (ec) {
                                 peer_closed = true;
                                 return;
                               }
                               watchTlsClose();
                             });
  }

  static constexpr std::string_view kEstablished = "HTTP/1.1 200 Connection established\r\n\r\n";

  Script script_;
  std::shared_ptr<asio::ssl::context> tls_;
  asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<TlsStream> stream_;
  asio::streambuf head_;
  std::string framed_;
  std::array<char, 256> scratch_{};
};

AttemptPlan directPlan(std::uint16_t port, std::string host = "127.0.0.1") {
  AttemptPlan plan;
  plan.id = Observer::kId;
  plan.route.server_port = port;
  plan.address = asio::ip::make_address("127.0.0.1");
  plan.server_host = std::move(host);
  return plan;
}

SecureAttemptSettings settings(Greeting greeting = {}) {
  SecureAttemptSettings s;
  s.tls = testing::testPki().clientContext();
  s.greeting = std::move(greeting);
  return s;
}

Greeting helloGreeting() {
  Greeting g;
  g.request_for = [](std::string_view method) { return "hello via " + std::string(method); };
  g.check = [](std::string_view reply) -> Result<void> {
    if (reply != "welcome") {
      return makeError(ErrorCode::HelloFailed, "unexpected answer: " + std::string(reply));
    }
    return {};
  };
  return g;
}

// Runs `io` until `until()` holds (bounded by kMustHappen).
void runUntil(asio::io_context& io, const std::function<bool()>& until) {
  const auto deadline = std::chrono::steady_clock::now() + kMustHappen;
  while (!until() && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(100ms);
  }
  REQUIRE(until());
}

}  // namespace

TEST_CASE("SecureAttempt completes TLS 1.3 and the greeting, then hands the stream over",
          "[racer][secure]") {
  asio::io_context io;
  ScriptedServer server(io, Script::Greet);
  server.request_bytes = std::string("hello via direct").size();
  Observer observer;
  SecureAttemptFactory factory(io.get_executor(), settings(helloGreeting()));
  auto attempt = factory.start(directPlan(server.port()), observer);
  runUntil(io, [&] { return observer.done_calls > 0; });

  REQUIRE(observer.code() == ErrorCode::Ok);
  CHECK(server.request == "hello via direct");
  CHECK(observer.stages == std::vector{AttemptEvent::Stage::TcpConnected,
                                       AttemptEvent::Stage::TlsDone,
                                       AttemptEvent::Stage::HelloDone});
  CHECK(observer.details[1] == "TLSv1.3 TLS_AES_256_GCM_SHA384");
  ConnectedStream& connected = observer.outcome->value();
  CHECK(connected.tls.version == "TLSv1.3");
  CHECK(connected.tls.cipher == kTlsCipherSuite);
  CHECK(connected.greeting_reply == "welcome");
  CHECK(connected.address == "127.0.0.1");
  CHECK(connected.port == server.port());

  // The stream is the live session: what goes in comes out at the server.
  REQUIRE(connected.stream);
  asio::write(*connected.stream, asio::buffer(std::string("after the race")));
  runUntil(io, [&] { return server.after_tls.size() >= 14; });
  CHECK(server.after_tls == "after the race");
  CHECK(observer.done_calls == 1);
}

TEST_CASE("SecureAttempt with no greeting succeeds at TLS", "[racer][secure]") {
  asio::io_context io;
  ScriptedServer server(io, Script::Tls);
  Observer observer;
  SecureAttemptFactory factory(io.get_executor(), settings());
  auto attempt = factory.start(directPlan(server.port()), observer);
  runUntil(io, [&] { return observer.done_calls > 0; });
  REQUIRE(observer.code() == ErrorCode::Ok);
  CHECK_FALSE(observer.has(AttemptEvent::Stage::HelloDone));
  CHECK(observer.outcome->value().greeting_reply.empty());
}

TEST_CASE("SecureAttempt through an HTTP proxy names its method in the greeting",
          "[racer][secure]") {
  asio::io_context io;
  // The proxy answers CONNECT and then is the server itself: the attempt
  // cannot tell, and the tunnel's bytes are the TLS session's.
  ScriptedServer server(io, Script::HttpThenGreet);
  server.request_bytes = std::string("hello via http").size();
  Observer observer;
  SecureAttemptFactory factory(io.get_executor(), settings(helloGreeting()));
  AttemptPlan plan = directPlan(443, "127.0.0.1");
  ProxyServer proxy;
  proxy.kind = ProxyKind::Http;
  proxy.host = "127.0.0.1";
  proxy.port = server.port();
  plan.route.proxy = proxy;
  auto attempt = factory.start(plan, observer);
  runUntil(io, [&] { return observer.done_calls > 0; });

  REQUIRE(observer.code() == ErrorCode::Ok);
  CHECK(server.connect_head.rfind("CONNECT 127.0.0.1:443 HTTP/1.1\r\n", 0) == 0);
  CHECK(server.request == "hello via http");
  CHECK(observer.has(AttemptEvent::Stage::TunnelUp));
  CHECK(observer.has(AttemptEvent::Stage::HelloDone));
  CHECK(observer.outcome->value().port == 443);
}

TEST_CASE("SecureAttempt refuses a certificate from another CA as TLS inspection",
          "[racer][secure]") {
  asio::io_context io;
  ScriptedServer server(io, Script::Greet, /*stranger_certificate=*/true);
  Observer observer;
  SecureAttemptFactory factory(io.get_executor(), settings(helloGreeting()));
  auto attempt = factory.start(directPlan(server.port()), observer);
  runUntil(io, [&] { return observer.done_calls > 0; });
  CHECK(observer.code() == ErrorCode::TlsInspection);
  CHECK(observer.detail().find("Stranger CA") != std::string::npos);
  CHECK_FALSE(observer.has(AttemptEvent::Stage::TlsDone));
}

TEST_CASE("SecureAttempt refuses a certificate for another name", "[racer][secure]") {
  asio::io_context io;
  ScriptedServer server(io, Script::Greet);
  Observer observer;
  SecureAttemptFactory factory(io.get_executor(), settings(helloGreeting()));
  auto attempt = factory.start(directPlan(server.port(), "chat.example.org"), observer);
  runUntil(io, [&] { return observer.done_calls > 0; });
  CHECK(observer.code() == ErrorCode::TlsHandshakeFailed);
  CHECK(observer.detail().find("chat.example.org") != std::string::npos);
}

TEST_CASE("SecureAttempt reports a refused connection", "[racer][secure]") {
  asio::io_context io;
  std::uint16_t closed_port = 0;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = probe.local_endpoint().port();
  }
  Observer observer;
  SecureAttemptFactory factory(io.get_executor(), settings());
  auto attempt = factory.start(directPlan(closed_port), observer);
  runUntil(io, [&] { return observer.done_calls > 0; });
  CHECK(observer.code() == ErrorCode::ConnectionRefused);
  CHECK(observer.stages.empty());
}

TEST_CASE("SecureAttempt times out in the stage the server stopped answering", "[racer][secure]") {
  asio::io_context io;
  auto s = settings(helloGreeting());
  s.attempt_timeout = 200ms;
  Observer observer;
  SECTION("no TLS handshake") {
    ScriptedServer server(io, Script::Silent);
    SecureAttemptFactory factory(io.get_executor(), s);
    auto attempt = factory.start(directPlan(server.port()), observer);
    runUntil(io, [&] { return observer.done_calls > 0; });
    CHECK(observer.code() == ErrorCode::TimedOut);
    CHECK(observer.detail().find("TLS handshake") != std::string::npos);
    CHECK(observer.detail().find("200 ms") != std::string::npos);
    // The attempt let go of its socket when it failed.
    runUntil(io, [&] { return server.peer_closed; });
  }
  SECTION("no answer to the greeting") {
    ScriptedServer server(io, Script::Tls);
    SecureAttemptFactory factory(io.get_executor(), s);
    auto attempt = factory.start(directPlan(server.port()), observer);
    runUntil(io, [&] { return observer.done_calls > 0; });
    CHECK(observer.code() == ErrorCode::TimedOut);
    CHECK(observer.detail().find("did not answer hello") != std::string::npos);
    CHECK(observer.has(AttemptEvent::Stage::TlsDone));
  }
  CHECK(observer.done_calls == 1);
}

TEST_CASE("SecureAttempt fails the greeting on a bad or missing answer", "[racer][secure]") {
  asio::io_context io;
  Observer observer;
  SecureAttemptFactory factory(io.get_executor(), settings(helloGreeting()));
  const std::size_t request_bytes = std::string("hello via direct").size();
  std::string expected;
  std::optional<ScriptedServer> server;
  SECTION("closed before answering") {
    server.emplace(io, Script::CloseAtHello);
    expected = "closed before the server answered";
  }
  SECTION("an answer longer than the limit") {
    server.emplace(io, Script::Greet);
    server->reply_length = static_cast<std::uint32_t>(Greeting::kMaxGreetingReply + 1);
    expected = "has length " + std::to_string(Greeting::kMaxGreetingReply + 1);
  }
  SECTION("an empty answer") {
    server.emplace(io, Script::Greet);
    server->reply.clear();
    expected = "has length 0";
  }
  SECTION("an answer the check refuses") {
    server.emplace(io, Script::Greet);
    server->reply = "go away";
    expected = "unexpected answer: go away";
  }
  server->request_bytes = request_bytes;
  auto attempt = factory.start(directPlan(server->port()), observer);
  runUntil(io, [&] { return observer.done_calls > 0; });
  CHECK(observer.code() == ErrorCode::HelloFailed);
  CHECK(observer.detail().find(expected) != std::string::npos);
  CHECK_FALSE(observer.has(AttemptEvent::Stage::HelloDone));
}

TEST_CASE("SecureAttempt destroyed mid-handshake reports nothing more", "[racer][secure]") {
  asio::io_context io;
  ScriptedServer server(io, Script::Silent);
  Observer observer;
  SecureAttemptFactory factory(io.get_executor(), settings());
  auto attempt = factory.start(directPlan(server.port()), observer);
  runUntil(io, [&] { return observer.has(AttemptEvent::Stage::TcpConnected); });
  attempt.reset();
  runUntil(io, [&] { return server.peer_closed; });
  // run() returns once nothing is left: a timer or handshake the attempt
  // left behind would keep it going, and then report.
  server.stop();
  io.restart();
  io.run();
  CHECK(observer.done_calls == 0);
}

}  // namespace parley::net
