#pragma once
// Connector: how a session gets a TLS-authenticated byte stream to the
// server. The session sees only this interface, so it never knows which path
// won: RacingConnector (racing_connector.h) races direct TCP, HTTP CONNECT and SOCKS
// routes and is the one that connects; the others are stand-ins that only
// fail or hang (the desktop client's unusable CA file, unit tests' fakes).
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
#include <string_view>

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
  std::string method;
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
  std::string method;      // "direct", "http", "socks4", "socks4a", "socks5"
  std::string via;         // the proxy's host:port; empty for direct
  std::string address;     // the first hop's IP as text (server or proxy)
  std::uint16_t port = 0;  // the server's port
  TlsSessionInfo tls;
  // The server's answer to Greeting::request (one frame's payload), when a
  // greeting was set: the race counts a path as up only after it.
  std::string greeting_reply;
};

// The application's first exchange, run by every attempt right after TLS so
// that a path counts as up only when the server itself has answered (a
// TCP-terminating middlebox accepts anything). `request` is written as is;
// the reply is one frame, a u32 big-endian length then at most
// kMaxGreetingReply bytes, and `check` decides whether it is a good answer.
// `request_for`, when set, is called once per attempt, on the attempt's
// executor, with the attempt's method ("direct", "http", "socks4", "socks4a",
// "socks5") and its result is written instead of `request`, so that the
// server can learn how this connection reached it.
struct Greeting {
  static constexpr std::size_t kMaxGreetingReply = 64 * 1024;
  std::string request;
  std::function<std::string(std::string_view method)> request_for;
  std::function<Result<void>(std::string_view reply)> check;

  [[nodiscard]] bool empty() const { return !request_for && request.empty(); }
  [[nodiscard]] std::string requestFor(std::string_view method) const {
    return request_for ? request_for(method) : request;
  }
};

class Connector {
 public:
  using Done = std::function<void(Result<ConnectedStream>)>;
  using Progress = std::function<void(const AttemptEvent&)>;

  virtual ~Connector() = default;
  virtual void connect(const ConnectTarget& target, Done done) = 0;
  virtual void cancel() = 0;
  void setProgressHandler(Progress progress) { progress_ = std::move(progress); }
  // Optional; set before connect(). Connectors that cannot run it ignore it
  // and leave ConnectedStream::greeting_reply empty.
  void setGreeting(Greeting greeting) { greeting_ = std::move(greeting); }

 protected:
  void reportProgress(const AttemptEvent& event) const {
    if (progress_) {
      progress_(event);
    }
  }
  [[nodiscard]] const Greeting& greeting() const { return greeting_; }

 private:
  Progress progress_;
  Greeting greeting_;
};

// Makes a fresh Connector for each connection attempt of a session.
class ConnectorFactory {
 public:
  virtual ~ConnectorFactory() = default;
  [[nodiscard]] virtual std::unique_ptr<Connector> create() const = 0;
  // This machine's networks changed: what the factory learnt about the way
  // out (a kept route) may no longer hold. Called where create() is (the
  // session's strand).
  virtual void networkChanged() {}
};

}  // namespace parley::net
