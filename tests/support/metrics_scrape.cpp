#include "tests/support/metrics_scrape.h"

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace parley::test {

std::string scrapeMetrics(std::uint16_t port, const std::string& path) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer("GET " + path + " HTTP/1.1\r\nHost: parleyd\r\n\r\n"));
  std::string reply;
  asio::error_code ec;
  asio::read(socket, asio::dynamic_buffer(reply), ec);  // until the server closes
  return reply;
}

long long metricSample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) {
    return -1;
  }
  return std::stoll(text.substr(at + series.size() + 2));
}

std::uint16_t metricsPort(const std::string& server_dir) {
  const auto ports = nlohmann::json::parse(readFile(server_dir + "/ports.json"));
  return ports.at("metrics").at("port").get<std::uint16_t>();
}

}  // namespace parley::test
