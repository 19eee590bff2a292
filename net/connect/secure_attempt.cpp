#include "net/connect/secure_attempt.h"

#include <array>

#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include "net/tls/pinned_certificate_check.h"
#include "net/tunnel/proxy_tunnel.h"

namespace parley::net {
namespace {

// The stage an attempt has reached, for the timeout's message.
enum class Step { Connecting, Tls, Greeting };

Error connectError(const asio::error_code& ec, const std::string& where) {
  if (ec == asio::error::connection_refused) {
    return Error{ErrorCode::ConnectionRefused, where + " refused the connection"};
  }
  if (ec == asio::error::network_unreachable || ec == asio::error::host_unreachable) {
    return Error{ErrorCode::NetworkUnreachable, where + " is unreachable (" + ec.message() + ")"};
  }
  return Error{ErrorCode::ConnectFailed, "cannot connect to " + where + ": " + ec.message()};
}

// Everything with an operation in flight. Callbacks hold it by shared_ptr
// and check `cancelled`, so destroying the attempt returns at once.
struct AttemptCore : std::enable_shared_from_this<AttemptCore> {
  AttemptCore(asio::any_io_executor ex, SecureAttemptSettings s, AttemptPlan p, AttemptObserver& o)
      : executor(std::move(ex)),
        settings(std::move(s)),
        plan(std::move(p)),
        observer(o),
        socket(executor),
        timer(executor) {}

  void start() {
    timer.expires_after(settings.attempt_timeout);
    timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (!ec && !self->cancelled) {
        self->fail(self->timeoutError());
      }
    });
    if (plan.route.proxy) {
      startTunnel();
    } else {
      startDirect();
    }
  }

  void cancel() {
    cancelled = true;
    tunnel.reset();
    timer.cancel();
    asio::error_code ignored;
    if (stream) {
      stream->lowest_layer().close(ignored);
    }
    socket.close(ignored);
  }

  [[nodiscard]] std::string serverText() const {
    return plan.server_host + ":" + std::to_string(plan.route.server_port);
  }

  Error timeoutError() const {
    const std::string within = std::to_string(settings.attempt_timeout.count()) + " ms";
    switch (step) {
      case Step::Connecting:
        return Error{ErrorCode::TimedOut,
                     plan.route.proxy
                         ? "no tunnel through " + plan.route.via() + " within " + within
                         : "no answer from " + serverText() + " (" + plan.address.to_string() +
                               ") within " + within + "; the port may be silently dropped"};
      case Step::Tls:
        return Error{ErrorCode::TimedOut, "connected, but the TLS handshake with " + serverText() +
                                              " did not finish within " + within};
      case Step::Greeting:
        return Error{ErrorCode::TimedOut,
                     "TLS is up, but the server did not answer hello within " + within};
    }
    return Error{ErrorCode::TimedOut, "timed out"};
  }

  void startDirect() {
    const asio::ip::tcp::endpoint endpoint(plan.address, plan.route.server_port);
    socket.async_connect(endpoint, [self = shared_from_this()](const asio::error_code& ec) {
      if (self->cancelled) {
        return;
      }
      if (ec) {
        self->fail(
            connectError(ec, self->serverText() + " (" + self->plan.address.to_string() + ")"));
        return;
      }
      self->observer.onAttemptStage(self->plan.id, AttemptEvent::Stage::TcpConnected,
                                    self->plan.address.to_string());
      self->startTls();
    });
  }

  void startTunnel() {
    TunnelRequest request;
    request.proxy = *plan.route.proxy;
    request.proxy_address = plan.address.to_string();
    request.target_host = plan.server_host;
    request.target_port = plan.route.server_port;
    request.credentials = settings.credentials.get();
    request.auth_hints = settings.auth_hints;
    request.timeout = settings.attempt_timeout;
    std::weak_ptr<AttemptCore> weak = weak_from_this();
    tunnel = ProxyTunnel::start(
        executor, std::move(request),
        [weak](AttemptEvent::Stage stage, std::string detail) {
          auto self = weak.lock();
          if (self && !self->cancelled) {
            self->observer.onAttemptStage(self->plan.id, stage, std::move(detail));
          }
        },
        [weak](Result<asio::ip::tcp::socket> result) {
          auto self = weak.lock();
          if (!self || self->cancelled) {
            return;
          }
          if (!result) {
            self->fail(std::move(result).error());
            return;
          }
          self->socket = std::move(result).value();
          self->startTls();
        });
  }

  void startTls() {
    step = Step::Tls;
    asio::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    stream = std::make_unique<TlsStream>(std::move(socket), *settings.tls);
    check = PinnedCertificateCheck::install(*stream, plan.server_host);
    stream->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this()](
                                                                const asio::error_code& ec) {
      if (self->cancelled) {
        return;
      }
      if (ec) {
        self->fail(self->check->describeFailure(ec.message()));
        return;
      }
      self->tls_info = describeTlsSession(*self->stream);
      self->observer.onAttemptStage(self->plan.id, AttemptEvent::Stage::TlsDone,
                                    self->tls_info.version + " " + self->tls_info.cipher);
      self->startGreeting();
    });
  }

  void startGreeting() {
    if (settings.greeting.empty()) {
      succeed();
      return;
    }
    step = Step::Greeting;
    // The hello names this attempt's method (the server's metrics count it).
    greeting_request = settings.greeting.requestFor(plan.route.method());
    asio::async_write(
        *stream, asio::buffer(greeting_request),
        [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
          if (self->cancelled) {
            return;
          }
          if (ec) {
            self->fail(Error{ErrorCode::HelloFailed, "could not send hello: " + ec.message()});
            return;
          }
          self->readReplyLength();
        });
  }

  void readReplyLength() {
    asio::async_read(*stream, asio::buffer(length_bytes),
                     [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                       if (self->cancelled) {
                         return;
                       }
                       if (ec) {
                         self->fail(
                             Error{ErrorCode::HelloFailed,
                                   "the connection closed before the server answered hello (" +
                                       ec.message() + ")"});
                         return;
                       }
                       std::uint32_t length = 0;
                       for (unsigned char b : self->length_bytes) {
                         length = (length << 8U) | b;
                       }
                       if (length == 0 || length > Greeting::kMaxGreetingReply) {
                         self->fail(Error{ErrorCode::HelloFailed,
                                          "the server's answer to hello has length " +
                                              std::to_string(length) + " (limit " +
                                              std::to_string(Greeting::kMaxGreetingReply) + ")"});
                         return;
                       }
                       self->reply.resize(length);
                       self->readReplyBody();
                     });
  }

  void readReplyBody() {
    asio::async_read(*stream, asio::buffer(reply),
                     [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                       if (self->cancelled) {
                         return;
                       }
                       if (ec) {
                         self->fail(Error{ErrorCode::HelloFailed,
                                          "the server's hello was cut short: " + ec.message()});
                         return;
                       }
                       if (self->settings.greeting.check) {
                         if (auto ok = self->settings.greeting.check(self->reply); !ok) {
                           self->fail(ok.error());
                           return;
                         }
                       }
                       self->observer.onAttemptStage(self->plan.id, AttemptEvent::Stage::HelloDone,
                                                     "");
                       self->succeed();
                     });
  }

  void succeed() {
    cancelled = true;  // stale timer completions stand down
    timer.cancel();
    ConnectedStream connected;
    connected.stream = std::move(stream);
    connected.tls = tls_info;
    connected.greeting_reply = std::move(reply);
    connected.address = plan.address.to_string();
    connected.port = plan.route.server_port;
    tunnel.reset();
    observer.onAttemptDone(plan.id, std::move(connected));
  }

  void fail(Error error) {
    const int id = plan.id;
    AttemptObserver& o = observer;
    cancel();
    o.onAttemptDone(id, makeError(std::move(error)));
  }

  asio::any_io_executor executor;
  SecureAttemptSettings settings;  // a copy: pending completions may outlive the factory
  AttemptPlan plan;
  AttemptObserver& observer;
  asio::ip::tcp::socket socket;
  std::unique_ptr<TlsStream> stream;
  std::shared_ptr<PinnedCertificateCheck> check;
  std::unique_ptr<ProxyTunnel> tunnel;
  asio::steady_timer timer;
  std::array<unsigned char, 4> length_bytes{};
  std::string greeting_request;  // as sent; alive until the write completes
  std::string reply;
  TlsSessionInfo tls_info;
  Step step = Step::Connecting;
  bool cancelled = false;
};

class SecureAttempt final : public RaceAttempt {
 public:
  explicit SecureAttempt(std::shared_ptr<AttemptCore> core) : core_(std::move(core)) {}
  ~SecureAttempt() override { core_->cancel(); }
  SecureAttempt(const SecureAttempt&) = delete;
  SecureAttempt& operator=(const SecureAttempt&) = delete;

 private:
  std::shared_ptr<AttemptCore> core_;
};

}  // namespace

std::unique_ptr<RaceAttempt> SecureAttemptFactory::start(const AttemptPlan& plan,
                                                         AttemptObserver& observer) {
  auto core = std::make_shared<AttemptCore>(executor_, settings_, plan, observer);
  core->start();
  return std::make_unique<SecureAttempt>(std::move(core));
}

}  // namespace parley::net
