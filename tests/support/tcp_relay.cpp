#include "tests/support/tcp_relay.h"

#include <array>
#include <asio.hpp>
#include <atomic>
#include <mutex>
#include <vector>

#include "net/io_thread.h"

namespace parley::test {
namespace {

using asio::ip::tcp;

struct Pair : std::enable_shared_from_this<Pair> {
  Pair(tcp::socket a, tcp::socket b) : client(std::move(a)), server(std::move(b)) {}

  void start() {
    pump(client, server, up);
    pump(server, client, down);
  }

  void pump(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buf) {
    from.async_read_some(asio::buffer(buf), [self = shared_from_this(), &from, &to,
                                             &buf](const asio::error_code& ec, std::size_t n) {
      if (ec) {
        self->closeBoth(false);
        return;
      }
      if (self->stalled) {  // a dead path: the bytes go nowhere
        self->pump(from, to, buf);
        return;
      }
      asio::async_write(to, asio::buffer(buf.data(), n),
                        [self, &from, &to, &buf](const asio::error_code& wec, std::size_t) {
                          if (wec) {
                            self->closeBoth(false);
                            return;
                          }
                          self->pump(from, to, buf);
                        });
    });
  }

  void closeBoth(bool reset) {
    asio::error_code ignored;
    for (tcp::socket* s : {&client, &server}) {
      if (reset) {
        s->set_option(asio::socket_base::linger(true, 0), ignored);
      }
      s->close(ignored);
    }
  }

  std::atomic<bool> stalled{false};
  tcp::socket client;
  tcp::socket server;
  std::array<char, 16384> up{};
  std::array<char, 16384> down{};
};

}  // namespace

struct TcpRelay::Impl : std::enable_shared_from_this<Impl> {
  explicit Impl(std::uint16_t target)
      : io(1),
        acceptor(io.context(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        target_port(target) {}

  void accept() {
    acceptor.async_accept([self = shared_from_this()](const asio::error_code& ec, tcp::socket s) {
      if (ec) {
        return;
      }
      ++self->accepted;
      if (self->refusing) {
        asio::error_code ignored;
        s.set_option(asio::socket_base::linger(true, 0), ignored);
        s.close(ignored);
        self->accept();
        return;
      }
      auto upstream = std::make_shared<tcp::socket>(self->io.context());
      auto client = std::make_shared<tcp::socket>(std::move(s));
      upstream->async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), self->target_port),
                              [self, upstream, client](const asio::error_code& cec) {
                                if (cec || self->stopping) {
                                  return;  // the sockets close with the handler
                                }
                                auto pair = std::make_shared<Pair>(std::move(*client),
                                                                   std::move(*upstream));
                                {
                                  std::lock_guard lock(self->mu);
                                  self->pairs.push_back(pair);
                                }
                                pair->start();
                              });
      self->accept();
    });
  }

  net::IoThreads io;
  tcp::acceptor acceptor;
  std::uint16_t target_port;
  std::atomic<int> accepted{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> refusing{false};
  std::mutex mu;  // guards pairs; touched by the relay thread and cutAll() callers
  std::vector<std::weak_ptr<Pair>> pairs;
};

TcpRelay::TcpRelay(std::uint16_t target_port) : impl_(std::make_shared<Impl>(target_port)) {
  asio::post(impl_->io.context(), [impl = impl_] { impl->accept(); });
}

TcpRelay::~TcpRelay() {
  // Pending handlers hold the Impl, which owns the io_context holding them:
  // end every operation (they complete with operation_aborted and let go)
  // and let the thread run out of work, rather than stop() and leak.
  impl_->stopping = true;
  asio::post(impl_->io.context(), [impl = impl_] {
    asio::error_code ignored;
    impl->acceptor.close(ignored);
  });
  cutAll();
  impl_->io.join();
}

std::uint16_t TcpRelay::port() const { return impl_->acceptor.local_endpoint().port(); }

void TcpRelay::cutAll() {
  std::vector<std::shared_ptr<Pair>> live;
  {
    std::lock_guard lock(impl_->mu);
    for (auto& weak : impl_->pairs) {
      if (auto p = weak.lock()) {
        live.push_back(p);
      }
    }
    impl_->pairs.clear();
  }
  for (auto& p : live) {
    asio::post(impl_->io.context(), [p] { p->closeBoth(true); });
  }
}

void TcpRelay::setRefusing(bool refusing) { impl_->refusing = refusing; }

void TcpRelay::stallAll() {
  std::lock_guard lock(impl_->mu);
  for (auto& weak : impl_->pairs) {
    if (auto p = weak.lock()) {
      p->stalled = true;
    }
  }
}

int TcpRelay::connectionsAccepted() const { return impl_->accepted.load(); }

}  // namespace parley::test
