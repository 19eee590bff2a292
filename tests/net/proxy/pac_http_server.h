#pragma once
// A tiny HTTP server on 127.0.0.1:0 for the PAC tests, on its own thread.
// Paths: any path registered with serve() answers 200 with that body;
// "/huge" announces 1 GB and streams; "/endless" streams without a length
// until the client goes away; "/silent" never answers; others 404.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>

namespace parley::test {

class PacHttpServer {
 public:
  PacHttpServer() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~PacHttpServer() {
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  void serve(const std::string& path, std::string body) {
    std::lock_guard lock(mu_);
    bodies_[path] = std::move(body);
  }
  int requests() const { return requests_; }
  // The Host header of the last request.
  std::string lastHost() const {
    std::lock_guard lock(mu_);
    return last_host_;
  }

 private:
  struct Conn {
    explicit Conn(asio::io_context& io) : socket(io) {}
    asio::ip::tcp::socket socket;
    asio::streambuf in;
    std::string out;
    std::string chunk = std::string(64 * 1024, 'x');
  };

  void accept() {
    auto conn = std::make_shared<Conn>(io_);
    acceptor_.async_accept(conn->socket, [this, conn](const asio::error_code& ec) {
      if (ec) {
        return;
      }
      accept();
      asio::async_read_until(conn->socket, conn->in, "\r\n\r\n",
                             [this, conn](const asio::error_code& rec, std::size_t) {
                               if (!rec) {
                                 answer(conn);
                               }
                             });
    });
  }

  void answer(const std::shared_ptr<Conn>& conn) {
    ++requests_;
    std::istream is(&conn->in);
    std::string method;
    std::string path;
    is >> method >> path;
    std::string line;
    while (std::getline(is, line)) {
      if (line.rfind("Host: ", 0) == 0) {
        std::lock_guard lock(mu_);
        last_host_ = line.substr(6, line.find_last_not_of("\r") - 5);
      }
    }
    if (path == "/silent") {
      silent_.push_back(conn);
      return;
    }
    if (path == "/huge" || path == "/endless") {
      conn->out =
          path == "/huge"
              ? "HTTP/1.0 200 OK\r\nContent-Length: 1073741824\r\n\r\n"
              : "HTTP/1.0 200 OK\r\nContent-Type: application/x-ns-proxy-autoconfig\r\n\r\n";
      asio::async_write(conn->socket, asio::buffer(conn->out),
                        [this, conn](const asio::error_code& ec, std::size_t) {
                          if (!ec) {
                            stream(conn);
                          }
                        });
      return;
    }
    std::string body;
    bool found = false;
    {
      std::lock_guard lock(mu_);
      const auto it = bodies_.find(path);
      if (it != bodies_.end()) {
        body = it->second;
        found = true;
      }
    }
    conn->out = found ? "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                            "\r\n\r\n" + body
                      : std::string("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    asio::async_write(conn->socket, asio::buffer(conn->out),
                      [conn](const asio::error_code&, std::size_t) {
                        asio::error_code ignored;
                        conn->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
                      });
  }

  void stream(const std::shared_ptr<Conn>& conn) {
    asio::async_write(conn->socket, asio::buffer(conn->chunk),
                      [this, conn](const asio::error_code& ec, std::size_t) {
                        if (!ec) {
                          stream(conn);
                        }
                      });
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::string last_host_;  // guarded by mu_
  std::map<std::string, std::string> bodies_;
  std::vector<std::shared_ptr<Conn>> silent_;
  std::atomic<int> requests_{0};
};

}  // namespace parley::test
