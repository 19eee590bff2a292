#pragma once
// FakeServer: a scripted TCP server on 127.0.0.1:0 for the tunnel tests. Each
// accepted connection runs `script(fd)` on the server's own thread with
// blocking I/O (bounded by SO_RCVTIMEO); the destructor stops and joins it.
// Every wait here ends at once when the peer acts or closes; the bounds
// (kFakeBoundSeconds) are only for a peer that never does, far above any run's time.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "net/platform/socket_api.h"
#include "tests/support/socket_wait.h"

namespace parley::test {

inline constexpr int kFakeBoundSeconds = 60;

using Socket = net::NativeSocket;
inline const Socket kNoSocket = static_cast<Socket>(-1);  // INVALID_SOCKET on Windows

using testing::pollSockets;
using testing::waitReadable;

inline int sendSome(Socket fd, const char* data, std::size_t size) {
  const int chunk = static_cast<int>(std::min<std::size_t>(size, 1 << 20));
#ifdef _WIN32
  return ::send(fd, data, chunk, 0);
#else
  return static_cast<int>(::send(fd, data, static_cast<std::size_t>(chunk), MSG_NOSIGNAL));
#endif
}

inline int receiveSome(Socket fd, char* buffer, std::size_t size) {
  const int chunk = static_cast<int>(std::min<std::size_t>(size, 1 << 20));
#ifdef _WIN32
  return ::recv(fd, buffer, chunk, 0);
#else
  return static_cast<int>(::recv(fd, buffer, static_cast<std::size_t>(chunk), 0));
#endif
}

inline bool writeAll(Socket fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const int n = sendSome(fd, data.data() + sent, data.size() - sent);
    if (n <= 0) {
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

inline bool readExact(Socket fd, std::string& out, std::size_t count) {
  out.clear();
  while (out.size() < count) {
    char buf[512];
    const int n = receiveSome(fd, buf, std::min(sizeof(buf), count - out.size()));
    if (n <= 0) {
      return false;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

// Reads up to and including "\r\n\r\n" one byte at a time (so nothing after
// the request is consumed).
inline std::string readHead(Socket fd, std::size_t limit = 16384) {
  std::string head;
  char c = 0;
  while (head.size() < limit && receiveSome(fd, &c, 1) == 1) {
    head.push_back(c);
    if (head.size() >= 4 && head.compare(head.size() - 4, 4, "\r\n\r\n") == 0) {
      break;
    }
  }
  return head;
}

// Waits until the peer closes (or kFakeBoundSeconds pass).
inline void waitForClose(Socket fd) {
  char buf[256];
  for (int i = 0; i < kFakeBoundSeconds * 10; ++i) {
    if (waitReadable(fd, 100) && receiveSome(fd, buf, sizeof(buf)) <= 0) {
      return;
    }
  }
}

// kNoSocket when nothing listens there.
inline Socket connectLoopback(std::uint16_t port) {
  const Socket fd = net::openSocketNoInherit(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    net::closeSocket(fd);
    return kNoSocket;
  }
  return fd;
}

// Copies both ways until either side closes.
inline void splice(Socket a, Socket b) {
  char buf[4096];
  for (;;) {
    pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    if (pollSockets(p, 2, kFakeBoundSeconds * 1000) <= 0) {
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        const int n = receiveSome(p[i].fd, buf, sizeof(buf));
        if (n <= 0 || !writeAll(p[1 - i].fd, std::string(buf, static_cast<std::size_t>(n)))) {
          return;
        }
      }
    }
  }
}

class FakeServer {
 public:
  using Script = std::function<void(Socket fd)>;

  explicit FakeServer(Script script, int max_connections = 8) : script_(std::move(script)) {
    listen_ = net::openSocketNoInherit(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(listen_, 16);
    net::SockLen len = sizeof(addr);
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, max_connections] {
      for (int i = 0; i < max_connections && !stop_; ++i) {
        while (!stop_ && !waitReadable(listen_, 50)) {
        }
        if (stop_) {
          return;
        }
        const Socket fd = ::accept(listen_, nullptr, nullptr);
        if (!net::validSocket(fd)) {
          return;
        }
#ifdef _WIN32
        const DWORD tv = kFakeBoundSeconds * 1000;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&tv), sizeof(tv));
#else
        timeval tv{kFakeBoundSeconds, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
#endif
        ++accepted_;
        script_(fd);
        net::closeSocket(fd);
      }
    });
  }
  ~FakeServer() {
    stop_ = true;
    thread_.join();
    net::closeSocket(listen_);
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] int accepted() const { return accepted_; }

 private:
  Script script_;
  Socket listen_ = kNoSocket;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// Echoes what it reads on each connection, one connection at a time.
inline FakeServer::Script echoScript() {
  return [](Socket fd) {
    char buf[4096];
    for (;;) {
      const int n = receiveSome(fd, buf, sizeof(buf));
      if (n <= 0 || !writeAll(fd, std::string(buf, static_cast<std::size_t>(n)))) {
        return;
      }
    }
  };
}

}  // namespace parley::test
