#include "tests/bench/bare_tls_pair.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace parley::bench {
namespace {

SSL_CTX* makeContext(bool server, const std::string& cert, const std::string& key) {
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_ciphersuites(ctx, "TLS_AES_256_GCM_SHA384");
  if (server) {
    if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw std::runtime_error("bare pair: cannot load certificate");
    }
  }
  return ctx;
}

}  // namespace

ThroughputResult runBareTlsPair(const std::string& cert_chain_file, const std::string& key_file,
                                std::size_t messages, std::size_t message_bytes) {
  SSL_CTX* server_ctx = makeContext(true, cert_chain_file, key_file);
  SSL_CTX* client_ctx = makeContext(false, "", "");

  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  listen(listener, 1);
  socklen_t len = sizeof(addr);
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);

  const std::size_t total = messages * message_bytes;
  std::size_t received = 0;
  std::thread server([&] {
    const int fd = accept(listener, nullptr, nullptr);
    SSL* ssl = SSL_new(server_ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
      ERR_print_errors_fp(stderr);
    }
    std::vector<char> buf(64 * 1024);
    while (received < total) {
      const int n = SSL_read(ssl, buf.data(), static_cast<int>(buf.size()));
      if (n <= 0) {
        break;
      }
      received += static_cast<std::size_t>(n);
    }
    const char ack = 'k';
    SSL_write(ssl, &ack, 1);
    SSL_free(ssl);
    close(fd);
  });

  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  SSL* ssl = SSL_new(client_ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1) {
    ERR_print_errors_fp(stderr);
  }
  const std::vector<char> message(message_bytes, 'p');
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < messages; ++i) {
    std::size_t off = 0;
    while (off < message.size()) {
      const int n = SSL_write(ssl, message.data() + off, static_cast<int>(message.size() - off));
      if (n <= 0) {
        break;
      }
      off += static_cast<std::size_t>(n);
    }
  }
  char ack = 0;
  SSL_read(ssl, &ack, 1);  // the server has read everything
  const auto stop = std::chrono::steady_clock::now();
  server.join();
  SSL_free(ssl);
  close(fd);
  close(listener);
  SSL_CTX_free(server_ctx);
  SSL_CTX_free(client_ctx);
  return {std::chrono::duration<double>(stop - start).count(), received};
}

}  // namespace parley::bench
