#include "core/server/observability/metrics_http_server.h"

#include <array>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/write.hpp>
#include <list>

namespace parley::server {

using asio::ip::tcp;

struct MetricsHttpServer::State : std::enable_shared_from_this<MetricsHttpServer::State> {
  State(asio::io_context& io, Provider p)
      : strand(asio::make_strand(io)), acceptor(strand), provider(std::move(p)) {}

  struct Connection {
    explicit Connection(asio::strand<asio::io_context::executor_type>& s) : socket(s), timer(s) {}
    tcp::socket socket;
    asio::steady_timer timer;
    std::string request;
    std::string response;
    std::array<char, 4096> discard{};
    std::size_t drained = 0;
  };

  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  Provider provider;
  bool stopped = false;
  // Open connections, on the strand only.
  std::list<std::shared_ptr<Connection>> connections;

  void accept() {
    auto connection = std::make_shared<Connection>(strand);
    acceptor.async_accept(connection->socket,
                          [self = shared_from_this(), connection](const asio::error_code& ec) {
                            if (self->stopped || ec == asio::error::operation_aborted) {
                              return;
                            }
                            if (!ec) {
                              if (self->connections.size() >= kMaxConnections) {
                                asio::error_code ignored;
                                connection->socket.close(ignored);
                              } else {
                                self->serve(connection);
                              }
                            }
                            self->accept();
                          });
  }

  void finish(const std::shared_ptr<Connection>& connection) {
    asio::error_code ignored;
    connection->timer.cancel();
    connection->socket.shutdown(tcp::socket::shutdown_both, ignored);
    connection->socket.close(ignored);
    connections.remove(connection);
  }

  void respond(const std::shared_ptr<Connection>& connection, const std::string& status,
               const std::string& content_type, const std::string& body, bool head_only) {
    connection->response = "HTTP/1.1 " + status + "\r\nContent-Type: " + content_type +
                           "\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nConnection: close\r\n\r\n" + (head_only ? "" : body);
    asio::async_write(connection->socket, asio::buffer(connection->response),
                      [self = shared_from_this(), connection](const asio::error_code& ec,
                                                              std::size_t) {
                        if (ec) {
                          self->finish(connection);
                          return;
                        }
                        asio::error_code ignored;
                        connection->socket.shutdown(tcp::socket::shutdown_send, ignored);
                        self->drain(connection);
                      });
  }

  // Lingering close: a client may still be sending (a head past the bound). Closing with
  // unread bytes makes the kernel answer with RST, which can destroy the response before
  // the client reads it, so read and discard until the client closes, bounded in bytes and
  // by the request timer.
  void drain(const std::shared_ptr<Connection>& connection) {
    connection->socket.async_read_some(asio::buffer(connection->discard),
                                       [self = shared_from_this(),
                                        connection](const asio::error_code& ec, std::size_t n) {
                                         connection->drained += n;
                                         if (ec || connection->drained > kMaxDrain) {
                                           self->finish(connection);
                                           return;
                                         }
                                         self->drain(connection);
                                       });
  }

  void serve(const std::shared_ptr<Connection>& connection) {
    connections.push_back(connection);
    connection->timer.expires_after(kRequestTimeout);
    connection->timer.async_wait(
        [self = shared_from_this(), connection](const asio::error_code& ec) {
          if (!ec) {
            asio::error_code ignored;
            connection->socket.close(ignored);  // the pending read or write fails and finishes
          }
        });
    asio::async_read_until(connection->socket,
                           asio::dynamic_buffer(connection->request, kMaxRequestHead), "\r\n\r\n",
                           [self = shared_from_this(), connection](const asio::error_code& ec,
                                                                   std::size_t) {
                             if (ec == asio::error::not_found) {
                               self->respond(connection, "431 Request Header Fields Too Large",
                                             "text/plain", "request head too large\n", false);
                               return;
                             }
                             if (ec) {
                               self->finish(connection);
                               return;
                             }
                             self->handle(connection);
                           });
  }

  void handle(const std::shared_ptr<Connection>& connection) {
    const std::string& req = connection->request;
    const auto line_end = req.find("\r\n");
    const std::string line = req.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos ||
        line.compare(sp2 + 1, 7, "HTTP/1.") != 0) {
      respond(connection, "400 Bad Request", "text/plain", "malformed request line\n", false);
      return;
    }
    const std::string method = line.substr(0, sp1);
    std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (const auto q = target.find('?'); q != std::string::npos) {
      target.resize(q);
    }
    if (method != "GET" && method != "HEAD") {
      respond(connection, "405 Method Not Allowed", "text/plain", "only GET\n", false);
      return;
    }
    if (target != "/metrics") {
      respond(connection, "404 Not Found", "text/plain", "not found; try /metrics\n",
              method == "HEAD");
      return;
    }
    respond(connection, "200 OK", "text/plain; version=0.0.4; charset=utf-8", provider(),
            method == "HEAD");
  }
};

MetricsHttpServer::MetricsHttpServer(asio::io_context& io, Provider provider)
    : state_(std::make_shared<State>(io, std::move(provider))) {}

MetricsHttpServer::~MetricsHttpServer() { stop(); }

Result<Endpoint> MetricsHttpServer::start(const Endpoint& address) {
  asio::error_code ec;
  const auto ip = asio::ip::make_address(address.address, ec);
  if (ec) {
    return makeError(ErrorCode::ConfigInvalid,
                     "metrics address " + address.toString() + " is not a numeric IP address");
  }
  const tcp::endpoint ep(ip, address.port);
  auto& acceptor = state_->acceptor;
  acceptor.open(ep.protocol(), ec);
  if (!ec) {
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(ep, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    asio::error_code ignored;
    acceptor.close(ignored);
    return makeError(ErrorCode::Io,
                     "cannot listen for metrics on " + address.toString() + ": " + ec.message());
  }
  const auto local = acceptor.local_endpoint(ec);
  Endpoint bound{local.address().to_string(), local.port()};
  asio::post(state_->strand, [state = state_] { state->accept(); });
  return bound;
}

void MetricsHttpServer::stop() {
  asio::post(state_->strand, [state = state_] {
    if (state->stopped) {
      return;
    }
    state->stopped = true;
    asio::error_code ignored;
    state->acceptor.close(ignored);
    auto open = state->connections;
    for (auto& connection : open) {
      state->finish(connection);
    }
  });
}

}  // namespace parley::server
