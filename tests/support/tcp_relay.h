#pragma once
// TcpRelay: a TCP forwarder on 127.0.0.1:<ephemeral> to a target port, so a
// test can cut live connections (RST both ways) the way a flaky network does.
// Or stall them: the path goes dead with no error at all, as when a laptop's
// address goes away and the packets just stop. Runs on its own thread; all
// methods are thread-safe.

#include <cstdint>
#include <memory>

namespace parley::test {

class TcpRelay {
 public:
  explicit TcpRelay(std::uint16_t target_port);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // Resets every connection relayed so far; new connections still work.
  void cutAll();
  // Every connection relayed so far stops carrying bytes, silently (what
  // arrives is read and dropped, nothing is closed); new connections work.
  void stallAll();
  // While refusing, a new connection is reset at once, as by a firewall
  // that rejects; cutAll() then keeps the path down.
  void setRefusing(bool refusing);
  [[nodiscard]] int connectionsAccepted() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace parley::test
