#pragma once
// FakeServer: a scripted TCP server on 127.0.0.1:0 for the tunnel tests. Each
// accepted connection runs `script(fd)` on the server's own thread with
// blocking I/O (bounded by SO_RCVTIMEO); the destructor stops and joins it.
// Every wait here ends at once when the peer acts or closes; the bounds
// (kFakeBoundSeconds) are only for a peer that never does, far above any run's time.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace parley::test {

inline constexpr int kFakeBoundSeconds = 60;

inline bool writeAll(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

inline bool readExact(int fd, std::string& out, std::size_t count) {
  out.clear();
  while (out.size() < count) {
    char buf[512];
    const ssize_t n = ::recv(fd, buf, std::min(sizeof(buf), count - out.size()), 0);
    if (n <= 0) {
      return false;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

// Reads up to and including "\r\n\r\n" one byte at a time (so nothing after
// the request is consumed).
inline std::string readHead(int fd, std::size_t limit = 16384) {
  std::string head;
  char c = 0;
  while (head.size() < limit && ::recv(fd, &c, 1, 0) == 1) {
    head.push_back(c);
    if (head.size() >= 4 && head.compare(head.size() - 4, 4, "\r\n\r\n") == 0) {
      break;
    }
  }
  return head;
}

// Waits until the peer closes (or kFakeBoundSeconds pass).
inline void waitForClose(int fd) {
  char buf[256];
  for (int i = 0; i < kFakeBoundSeconds * 10; ++i) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0 && ::recv(fd, buf, sizeof(buf), 0) <= 0) {
      return;
    }
  }
}

inline int connectLoopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Copies both ways until either side closes.
inline void splice(int a, int b) {
  char buf[4096];
  for (;;) {
    pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    if (::poll(p, 2, kFakeBoundSeconds * 1000) <= 0) {
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        const ssize_t n = ::recv(p[i].fd, buf, sizeof(buf), 0);
        if (n <= 0 || !writeAll(p[1 - i].fd, std::string(buf, static_cast<std::size_t>(n)))) {
          return;
        }
      }
    }
  }
}

class FakeServer {
 public:
  using Script = std::function<void(int fd)>;

  explicit FakeServer(Script script, int max_connections = 8) : script_(std::move(script)) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(listen_, 16);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, max_connections] {
      for (int i = 0; i < max_connections && !stop_; ++i) {
        pollfd p{listen_, POLLIN, 0};
        while (!stop_ && ::poll(&p, 1, 50) == 0) {
        }
        if (stop_) {
          return;
        }
        const int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
          return;
        }
        timeval tv{kFakeBoundSeconds, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        ++accepted_;
        script_(fd);
        ::close(fd);
      }
    });
  }
  ~FakeServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_);
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] int accepted() const { return accepted_; }

 private:
  Script script_;
  int listen_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// Echoes what it reads on each connection, one connection at a time.
inline FakeServer::Script echoScript() {
  return [](int fd) {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n <= 0 || !writeAll(fd, std::string(buf, static_cast<std::size_t>(n)))) {
        return;
      }
    }
  };
}

}  // namespace parley::test
