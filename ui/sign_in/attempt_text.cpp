#include "ui/sign_in/attempt_text.h"

#include <QCoreApplication>
#include <string>
#include <string_view>

namespace parley::ui {
namespace {

// lupdate files the strings of a free tr() under its namespace's name, so
// that is the context they are looked up in.
QString tr(const char* text) { return QCoreApplication::translate("parley::ui", text); }
QString q(const std::string& s) { return QString::fromStdString(s); }

// "certificate issued by <issuer>" from the TLS check's detail ("... was
// issued by '<issuer>', not by this deployment's pinned Parley CA; ..."), so
// the person reads who inspects, not the whole technical sentence; the detail
// as it is when it names no issuer.
QString inspectorText(const std::string& detail) {
  static constexpr std::string_view kOpen = "issued by '";
  const std::size_t begin = detail.find(kOpen);
  if (begin == std::string::npos) {
    return q(detail);
  }
  const std::size_t from = begin + kOpen.size();
  std::size_t end = detail.find("', not by", from);
  if (end == std::string::npos) {
    end = detail.find('\'', from);
  }
  if (end == std::string::npos) {
    return q(detail);
  }
  return tr("certificate issued by %1").arg(q(detail.substr(from, end - from)));
}

}  // namespace

QString stageText(net::AttemptEvent::Stage stage) {
  using Stage = net::AttemptEvent::Stage;
  switch (stage) {
    case Stage::Started:
      return tr("starting");
    case Stage::Resolved:
      return tr("name resolved");
    case Stage::TcpConnected:
      return tr("TCP connected");
    case Stage::ProxyAuth:
      return tr("proxy asks for a password");
    case Stage::TunnelUp:
      return tr("tunnel up");
    case Stage::TlsDone:
      return tr("TLS done");
    case Stage::HelloDone:
      return tr("connected");
    case Stage::Failed:
      return tr("failed");
    case Stage::Cancelled:
      return tr("cancelled");
  }
  return {};
}

QString methodText(const std::string& method) {
  if (method.rfind("direct", 0) == 0) {
    return tr("Direct");
  }
  if (method == "http") {
    return tr("HTTP proxy");
  }
  if (method == "socks4") {
    return QStringLiteral("SOCKS4");
  }
  if (method == "socks4a") {
    return QStringLiteral("SOCKS4a");
  }
  if (method == "socks5") {
    return QStringLiteral("SOCKS5");
  }
  return q(method);
}

QString connectionText(const client::ConnectionInfo& info) {
  QString route;
  if (info.via.empty()) {
    route = tr("direct to %1:%2").arg(q(info.address)).arg(info.port);
  } else {
    route = tr("via %1 (%2)").arg(q(info.via), methodText(info.method));
  }
  QString cipher = q(info.cipher);
  if (cipher == QLatin1String("TLS_AES_256_GCM_SHA384")) {
    cipher = QStringLiteral("AES-256-GCM");
  }
  QString version = q(info.tls_version);
  version.replace(QStringLiteral("TLSv"), QStringLiteral("TLS "));
  return tr("%1, %2 %3").arg(route, version, cipher);
}

FailureAdvice adviceFor(const Error& error, const std::vector<net::AttemptEvent>& attempts) {
  FailureAdvice advice;
  const QString detail = q(error.detail);
  switch (error.code) {
    case ErrorCode::AuthFailed:
      advice.message =
          tr("The server did not accept this user name and password. Check them "
             "and sign in again.");
      return advice;
    case ErrorCode::RateLimited:
      advice.message = tr("Too many sign-in attempts. Wait a minute, then try again.");
      return advice;
    case ErrorCode::InvalidRoomName:
      advice.message = tr("The server does not accept this room name: %1").arg(detail);
      return advice;
    case ErrorCode::InvalidArgument:
      advice.message = tr("Parley cannot start the connection: %1. Check Settings.").arg(detail);
      advice.action = FailureAdvice::Action::Settings;
      return advice;
    // The room's owner decides who is in it (docs/server-admin.md, "Rooms").
    case ErrorCode::RoomLocked:
      advice.message =
          tr("The room is locked: its owner is not letting anyone new in right now. Ask the "
             "owner to unlock it, then join again.");
      return advice;
    case ErrorCode::NotInvited:
      advice.message =
          tr("This room admits only the people its owner listed, and you are not on the list. "
             "Ask the owner to add you, then join again.");
      return advice;
    case ErrorCode::RemovedFromRoom:
      advice.message =
          tr("The room's owner removed you from the room. You can join again once the owner "
             "admits you.");
      return advice;
    case ErrorCode::UnsupportedVersion:
      advice.message =
          tr("This version of Parley cannot talk to the server (%1). Update Parley.").arg(detail);
      return advice;
    default:
      break;
  }
  // Look through the race for the most useful reason.
  for (const auto& e : attempts) {
    if (e.stage == net::AttemptEvent::Stage::Failed && e.error == ErrorCode::TlsInspection) {
      advice.message = tr("Your network inspects encrypted traffic (%1). Parley does not allow "
                          "that. Use another network, or ask your administrator to let Parley "
                          "through without inspection.")
                           .arg(inspectorText(e.detail));
      return advice;
    }
  }
  if (error.code == ErrorCode::TlsInspection) {
    advice.message = tr("Your network inspects encrypted traffic (%1). Parley does not allow "
                        "that. Use another network, or ask your administrator to let Parley "
                        "through without inspection.")
                         .arg(inspectorText(error.detail));
    return advice;
  }
  for (const auto& e : attempts) {
    if (e.stage == net::AttemptEvent::Stage::Failed && e.error == ErrorCode::ProxyAuthRequired) {
      advice.message = tr("Proxy %1 requires authentication. Enter the user name and password "
                          "your organisation gave you for it.")
                           .arg(q(e.via));
      advice.action = FailureAdvice::Action::ProxyCredentials;
      advice.proxy = q(e.via);
      return advice;
    }
  }
  if (error.code == ErrorCode::TlsHandshakeFailed || error.code == ErrorCode::TlsPolicy) {
    advice.message = tr("The secure connection could not be set up (%1). Check the CA "
                        "certificate file in Settings.")
                         .arg(detail);
    advice.action = FailureAdvice::Action::Settings;
    return advice;
  }
  advice.message = tr("Parley could not reach the server by any route (direct, web proxies, "
                      "SOCKS). Check the server name and ports; if your network needs a proxy, "
                      "set it in Settings. (%1)")
                       .arg(q(error.toString()));
  advice.action = FailureAdvice::Action::Settings;
  return advice;
}

}  // namespace parley::ui
