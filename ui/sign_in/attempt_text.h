#pragma once
// Words for people: attempt stages, methods and the advice shown when a
// sign-in fails ("Proxy web-proxy:8088 requires authentication"). Pure
// functions over core values; translated with tr().

#include <QString>
#include <vector>

#include "core/base/error.h"
#include "core/client/session_observer.h"
#include "net/connect/connector.h"

namespace parley::ui {

QString stageText(net::AttemptEvent::Stage stage);
// "Direct", "HTTP proxy", "SOCKS5", ...
QString methodText(const std::string& method);
// "direct to 127.0.0.1:443" / "via web-proxy:8088 (HTTP proxy)", then TLS.
QString connectionText(const client::ConnectionInfo& info);

// What the sign-in window says when the session stopped with `error`, given
// every attempt event the race reported. `action` tells the window which
// button to offer next to the message.
struct FailureAdvice {
  enum class Action { None, ProxyCredentials, Settings };
  QString message;
  Action action = Action::None;
  QString proxy;  // for ProxyCredentials: the proxy's host:port
};
FailureAdvice adviceFor(const Error& error, const std::vector<net::AttemptEvent>& attempts);

}  // namespace parley::ui
