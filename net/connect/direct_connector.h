#pragma once
// DirectConnector: TCP straight to the server, TLS port first, then the alt
// port if the first fails (the parallel race arrives with ConnectionRacer).
// Runs on the executor it is given; not thread-safe. Each address the name
// resolves to is tried in order; each step is bounded by `step_timeout`.

#include <memory>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "net/connect/connector.h"

namespace parley::net {

class DirectConnector final : public Connector {
 public:
  DirectConnector(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls,
                  std::chrono::milliseconds step_timeout = std::chrono::seconds(10));
  ~DirectConnector() override;

  void connect(const ConnectTarget& target, Done done) override;
  void cancel() override;

 private:
  struct Attempt;
  void tryPort(std::size_t port_index);
  void finish(Result<ConnectedStream> result);

  asio::any_io_executor executor_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::chrono::milliseconds step_timeout_;
  ConnectTarget target_;
  Done done_;
  std::shared_ptr<Attempt> attempt_;
  std::vector<std::uint16_t> ports_;
  // One "port N: reason" per failed port, for the final error.
  std::vector<std::string> port_failures_;
  Error last_error_;
  // Expires with the connector: posted work checks it before touching `this`.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

class DirectConnectorFactory final : public ConnectorFactory {
 public:
  DirectConnectorFactory(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls)
      : executor_(std::move(executor)), tls_(std::move(tls)) {}
  [[nodiscard]] std::unique_ptr<Connector> create() const override {
    return std::make_unique<DirectConnector>(executor_, tls_);
  }

 private:
  asio::any_io_executor executor_;
  std::shared_ptr<asio::ssl::context> tls_;
};

}  // namespace parley::net
