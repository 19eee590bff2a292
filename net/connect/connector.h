#pragma once
// Connector: how a session gets a TLS-authenticated byte stream to the
// server. The direct connector (this issue) and the connection racer (direct,
// HTTP CONNECT, SOCKS in parallel; next issue) both implement it, so the
// session never knows which path won.
//
// Contract:
//  - connect() is asynchronous; `done` is called exactly once on the
//    connector's executor, unless cancel() or destruction came first, in
//    which case it is never called.
//  - On success the stream has completed TCP (and any tunnel) and the TLS 1.3
//    handshake, with the server certificate verified against the pinned CA.
//  - Destroying the connector cancels everything it started; nothing it made
//    outlives it (sockets, timers).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/base/result.h"
#include "net/tls/tls_context.h"

namespace parley::net {

struct ConnectTarget {
  std::string host;
  std::uint16_t tls_port = 443;
  std::uint16_t alt_port = 5228;
};

// Live progress of one attempt, for the GUI's table and `parley-cli probe`.
// One attempt is identified by `id` (unique within one race) and described by
// method ("direct", "http", "socks4", "socks4a", "socks5"), via (the proxy's
// host:port, empty for direct), target (server address or name and port).
// Stages come in this order, some skipped: Started, Resolved, TcpConnected,
// ProxyAuth (scheme and realm in detail; may repeat), TunnelUp, TlsDone,
// HelloDone; then at most one of Failed (detail says why, `error` has the
// code) or Cancelled (another attempt won, or the user cancelled).
struct AttemptEvent {
  enum class Stage {
    Started,
    Resolved,
    TcpConnected,
    ProxyAuth,
    TunnelUp,
    TlsDone,
    HelloDone,
    Failed,
    Cancelled
  };
  std::string method;  // "direct:443" for the direct connector; "direct" etc. in the race
  Stage stage = Stage::Started;
  std::chrono::milliseconds elapsed{0};  // since the race (not the attempt) started
  std::string detail;
  int id = 0;
  std::string via;
  std::string target;
  ErrorCode error = ErrorCode::Ok;
};

const char* attemptStageName(AttemptEvent::Stage stage);

struct ConnectedStream {
  std::unique_ptr<TlsStream> stream;
  std::string method;   // "direct"
  std::string address;  // peer IP as text
  std::uint16_t port = 0;
  TlsSessionInfo tls;
};

class Connector {
 public:
  using Done = std::function<void(Result<ConnectedStream>)>;
  using Progress = std::function<void(const AttemptEvent&)>;

  virtual ~Connector() = default;
  virtual void connect(const ConnectTarget& target, Done done) = 0;
  virtual void cancel() = 0;
  void setProgressHandler(Progress progress) { progress_ = std::move(progress); }

 protected:
  void reportProgress(const AttemptEvent& event) const {
    if (progress_) {
      progress_(event);
    }
  }

 private:
  Progress progress_;
};

// Makes a fresh Connector for each connection attempt of a session.
class ConnectorFactory {
 public:
  virtual ~ConnectorFactory() = default;
  [[nodiscard]] virtual std::unique_ptr<Connector> create() const = 0;
};

}  // namespace parley::net
