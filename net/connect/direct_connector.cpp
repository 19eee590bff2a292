#include "net/connect/direct_connector.h"

#include <asio/connect.hpp>
#include <asio/post.hpp>

#include "net/tls/pinned_certificate_check.h"

namespace parley::net {
namespace {

AttemptEvent directEvent(std::string method, AttemptEvent::Stage stage,
                         std::chrono::milliseconds elapsed, std::string detail) {
  AttemptEvent event;
  event.method = std::move(method);
  event.stage = stage;
  event.elapsed = elapsed;
  event.detail = std::move(detail);
  return event;
}

}  // namespace

// One port's try: everything with an async operation in flight. Callbacks hold
// it by shared_ptr and check `cancelled`, so cancel() can return at once.
struct DirectConnector::Attempt {
  Attempt(const asio::any_io_executor& ex, asio::ssl::context& tls)
      : resolver(ex), stream(std::make_unique<TlsStream>(ex, tls)), timer(ex) {}

  void abort() {
    cancelled = true;
    resolver.cancel();
    timer.cancel();
    if (stream) {
      asio::error_code ignored;
      stream->lowest_layer().close(ignored);
    }
  }

  asio::ip::tcp::resolver resolver;
  std::unique_ptr<TlsStream> stream;
  asio::steady_timer timer;
  std::shared_ptr<PinnedCertificateCheck> check;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::uint16_t port = 0;
  bool cancelled = false;
  bool timed_out = false;
};

DirectConnector::DirectConnector(asio::any_io_executor executor,
                                 std::shared_ptr<asio::ssl::context> tls,
                                 std::chrono::milliseconds step_timeout)
    : executor_(std::move(executor)), tls_(std::move(tls)), step_timeout_(step_timeout) {}

DirectConnector::~DirectConnector() { cancel(); }

void DirectConnector::connect(const ConnectTarget& target, Done done) {
  target_ = target;
  done_ = std::move(done);
  ports_.clear();
  port_failures_.clear();
  last_error_ = Error{};
  ports_.push_back(target.tls_port);
  if (target.alt_port != 0 && target.alt_port != target.tls_port) {
    ports_.push_back(target.alt_port);
  }
  tryPort(0);
}

void DirectConnector::cancel() {
  done_ = nullptr;
  if (attempt_) {
    if (!attempt_->cancelled) {
      reportProgress(directEvent("direct:" + std::to_string(attempt_->port),
                      AttemptEvent::Stage::Cancelled,
                      {},
                      "cancelled"));
    }
    attempt_->abort();
    attempt_.reset();
  }
}

void DirectConnector::tryPort(std::size_t port_index) {
  if (port_index >= ports_.size()) {
    Error error = last_error_;
    if (port_failures_.size() > 1 && error.code != ErrorCode::TlsInspection) {
      error.detail = "cannot reach " + target_.host + " on any port (";
      for (std::size_t i = 0; i < port_failures_.size(); ++i) {
        error.detail += (i == 0 ? "" : "; ") + port_failures_[i];
      }
      error.detail += ")";
    }
    finish(makeError(std::move(error)));
    return;
  }
  auto attempt = std::make_shared<Attempt>(executor_, *tls_);
  attempt->port = ports_[port_index];
  attempt_ = attempt;
  const std::string method = "direct:" + std::to_string(attempt->port);
  reportProgress(directEvent(method, AttemptEvent::Stage::Started, {}, target_.host));

  auto elapsed = [attempt] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 attempt->started);
  };
  // Moves on to the next port after this one failed.
  auto fail = [this, attempt, port_index, method, elapsed](Error error) {
    if (attempt->cancelled) {
      return;
    }
    attempt->abort();
    reportProgress(directEvent(method, AttemptEvent::Stage::Failed, elapsed(), error.toString()));
    port_failures_.push_back("port " + std::to_string(attempt->port) + ": " + error.toString());
    // Keep the most telling error: an inspection or TLS refusal beats a
    // refused port.
    if (last_error_.code != ErrorCode::TlsInspection) {
      last_error_ = std::move(error);
    }
    asio::post(executor_, [this, alive = std::weak_ptr<int>(alive_), port_index, attempt] {
      if (!alive.expired() && attempt_ == attempt) {
        tryPort(port_index + 1);
      }
    });
  };

  attempt->timer.expires_after(step_timeout_);
  attempt->timer.async_wait([attempt, fail, this](const asio::error_code& ec) {
    if (ec || attempt->cancelled) {
      return;
    }
    attempt->timed_out = true;
    fail(Error{ErrorCode::TimedOut, "no answer from " + target_.host + " port " +
                                        std::to_string(attempt->port) + " within " +
                                        std::to_string(step_timeout_.count()) + " ms"});
  });

  attempt->resolver.async_resolve(
      target_.host, std::to_string(attempt->port),
      [this, attempt, fail, method, elapsed](const asio::error_code& ec,
                                             const asio::ip::tcp::resolver::results_type& results) {
        if (attempt->cancelled) {
          return;
        }
        if (ec) {
          fail(Error{ErrorCode::ResolveFailed,
                     "cannot resolve " + target_.host + ": " + ec.message()});
          return;
        }
        asio::async_connect(
            attempt->stream->lowest_layer(), results,
            [this, attempt, fail, method, elapsed](const asio::error_code& connect_ec,
                                                   const asio::ip::tcp::endpoint& endpoint) {
              if (attempt->cancelled) {
                return;
              }
              if (connect_ec) {
                fail(Error{ErrorCode::ConnectFailed, "cannot connect to " + target_.host +
                                                         " port " + std::to_string(attempt->port) +
                                                         ": " + connect_ec.message()});
                return;
              }
              asio::error_code ignored;
              attempt->stream->lowest_layer().set_option(asio::ip::tcp::no_delay(true), ignored);
              reportProgress(directEvent(method, AttemptEvent::Stage::TcpConnected, elapsed(),
                              endpoint.address().to_string()));
              attempt->check = PinnedCertificateCheck::install(*attempt->stream, target_.host);
              attempt->stream->async_handshake(
                  asio::ssl::stream_base::client,
                  [this, attempt, fail, method, elapsed, endpoint](const asio::error_code& tls_ec) {
                    if (attempt->cancelled) {
                      return;
                    }
                    if (tls_ec) {
                      fail(attempt->check->describeFailure(tls_ec.message()));
                      return;
                    }
                    attempt->timer.cancel();
                    // Stale timer handlers see this and stand down.
                    attempt->cancelled = true;
                    ConnectedStream connected;
                    connected.tls = describeTlsSession(*attempt->stream);
                    connected.stream = std::move(attempt->stream);
                    connected.method = "direct";
                    connected.address = endpoint.address().to_string();
                    connected.port = endpoint.port();
                    reportProgress(directEvent(method, AttemptEvent::Stage::TlsDone, elapsed(),
                                    connected.tls.version + " " + connected.tls.cipher));
                    attempt_.reset();
                    finish(std::move(connected));
                  });
            });
      });
}

void DirectConnector::finish(Result<ConnectedStream> result) {
  if (!done_) {
    return;
  }
  Done done = std::move(done_);
  done_ = nullptr;
  done(std::move(result));
}

}  // namespace parley::net
