#include "net/connect/connector.h"

namespace parley::net {

const char* attemptStageName(AttemptEvent::Stage stage) {
  switch (stage) {
    case AttemptEvent::Stage::Started:
      return "started";
    case AttemptEvent::Stage::Resolved:
      return "resolved";
    case AttemptEvent::Stage::TcpConnected:
      return "tcp_connected";
    case AttemptEvent::Stage::ProxyAuth:
      return "proxy_auth";
    case AttemptEvent::Stage::TunnelUp:
      return "tunnel_up";
    case AttemptEvent::Stage::TlsDone:
      return "tls_done";
    case AttemptEvent::Stage::HelloDone:
      return "hello_done";
    case AttemptEvent::Stage::Failed:
      return "failed";
    case AttemptEvent::Stage::Cancelled:
      return "cancelled";
  }
  return "?";
}

}  // namespace parley::net
