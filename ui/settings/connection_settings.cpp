#include "ui/settings/connection_settings.h"

#include <mutex>

#include <QCoreApplication>
#include <QDebug>
#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

namespace parley::ui {
namespace {

// lupdate files the strings of a free tr() under its namespace's name, so
// that is the context they are looked up in.
QString tr(const char* text) { return QCoreApplication::translate("parley::ui", text); }

constexpr int kMaxHostLength = 253;
constexpr int kMaxRoomLength = 64;
constexpr int kMaxInterfaceNames = 16;

}  // namespace

QString validateHost(const QString& host) {
  const QString h = host.trimmed();
  if (h.isEmpty()) {
    return tr("Enter a host name or address.");
  }
  if (h.size() > kMaxHostLength) {
    return tr("A host name has at most 253 characters.");
  }
  QString literal = h;
  if (literal.startsWith(u'[') && literal.endsWith(u']')) {
    literal = literal.mid(1, literal.size() - 2);
  }
  QHostAddress address;
  if (address.setAddress(literal)) {
    return {};
  }
  static const QRegularExpression kLabel(
      QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"));
  const QStringList labels = h.split(u'.');
  for (const QString& label : labels) {
    if (!kLabel.match(label).hasMatch()) {
      return tr("\"%1\" is not a valid host name (letters, digits, hyphens and dots; no "
                "spaces or ports).")
          .arg(h);
    }
  }
  return {};
}

QString validatePort(int port) {
  if (port < 1 || port > 65535) {
    return tr("A port is a number from 1 to 65535.");
  }
  return {};
}

QString validatePortText(const QString& text) {
  bool ok = false;
  const int port = text.trimmed().toInt(&ok);
  if (!ok) {
    return tr("A port is a number from 1 to 65535.");
  }
  return validatePort(port);
}

QString validatePacUrl(const QString& url) {
  if (url.trimmed().isEmpty()) {
    return {};
  }
  const QUrl parsed(url.trimmed(), QUrl::StrictMode);
  const QString scheme = parsed.scheme();
  if (!parsed.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https") &&
                            scheme != QLatin1String("file"))) {
    return tr("A PAC URL starts with http://, https:// or file://.");
  }
  if (scheme != QLatin1String("file") && parsed.host().isEmpty()) {
    return tr("The PAC URL has no host.");
  }
  return {};
}

QString validateRoom(const QString& room) {
  const QString r = room.trimmed();
  if (r.isEmpty()) {
    return tr("Enter the room to join.");
  }
  if (r.size() > kMaxRoomLength) {
    return tr("A room name has at most 64 characters.");
  }
  return {};
}

QString validateInterfaceList(const QString& list) {
  static const QRegularExpression kName(QStringLiteral("^[A-Za-z0-9_.:-]{1,15}\\*?$"));
  const QStringList names =
      list.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
  if (names.size() > kMaxInterfaceNames) {
    return tr("At most 16 interfaces.");
  }
  for (const QString& name : names) {
    if (!kName.match(name).hasMatch()) {
      return tr("\"%1\" is not an interface name (like eth0, or wlan* for a prefix).")
          .arg(name.left(20));
    }
  }
  return {};
}

std::vector<std::string> interfaceList(const QString& list) {
  std::vector<std::string> out;
  for (const QString& name :
       list.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
    out.push_back(name.toStdString());
  }
  return out;
}

QStringList validateSettings(const ConnectionSettings& s) {
  QStringList problems;
  auto add = [&problems](const QString& what, const QString& problem) {
    if (!problem.isEmpty()) {
      problems << what + QStringLiteral(": ") + problem;
    }
  };
  if (!s.server.trimmed().isEmpty()) {
    add(tr("Server"), validateHost(s.server));
  }
  add(tr("Server port"), validatePort(s.tls_port));
  add(tr("Alternative port"), validatePort(s.alt_port));
  if (s.manual_proxy) {
    add(tr("HTTP proxy"), validateHost(s.proxy_host));
    add(tr("HTTP proxy port"), validatePort(s.proxy_port));
  }
  add(tr("PAC URL"), validatePacUrl(s.pac_url));
  add(tr("Peer-to-peer interfaces"), validateInterfaceList(s.ice_interfaces));
  add(tr("Excluded interfaces"), validateInterfaceList(s.ice_exclude));
  for (const SocksEntry& entry : s.socks) {
    add(tr("SOCKS server"), validateHost(entry.host));
    add(tr("SOCKS port"), validatePort(entry.port));
    if (entry.version == net::ProxyKind::Http) {
      add(tr("SOCKS version"), tr("Choose SOCKS4, SOCKS4a or SOCKS5."));
    }
  }
  return problems;
}

QString socksVersionName(net::ProxyKind kind) {
  switch (kind) {
    case net::ProxyKind::Socks4:
      return QStringLiteral("SOCKS4");
    case net::ProxyKind::Socks4a:
      return QStringLiteral("SOCKS4a");
    case net::ProxyKind::Socks5:
      return QStringLiteral("SOCKS5");
    case net::ProxyKind::Http:
      break;
  }
  return QStringLiteral("HTTP");
}

std::optional<net::ProxyKind> socksVersionFromName(const QString& name) {
  const QString n = name.trimmed().toLower();
  if (n == QLatin1String("socks4")) {
    return net::ProxyKind::Socks4;
  }
  if (n == QLatin1String("socks4a")) {
    return net::ProxyKind::Socks4a;
  }
  if (n == QLatin1String("socks5")) {
    return net::ProxyKind::Socks5;
  }
  return std::nullopt;
}

net::RaceSettings toRaceSettings(const ConnectionSettings& s, const QString& proxy_password) {
  net::RaceSettings race;
  race.auth_hints = net::ProxyAuthHints::forThisUser();
  static std::once_flag said;
  std::call_once(said, [&hints = *race.auth_hints] {
    if (!hints.loadProblem().empty()) {
      qWarning().noquote() << QString::fromStdString(hints.loadProblem());
    }
  });
  race.proxies.auto_detect = s.auto_detect;
  // The default names (web-proxy:8088, socks-server:1080) belong to
  // auto-detection: a user who turned it off gets only what they listed.
  race.proxies.default_names = s.auto_detect;
  race.proxies.pac_url = s.pac_url.trimmed().toStdString();
  const std::string user = s.proxy_user.trimmed().toStdString();
  const std::string password = proxy_password.toStdString();
  if (s.manual_proxy) {
    net::ProxyServer http;
    http.kind = net::ProxyKind::Http;
    http.host = s.proxy_host.trimmed().toStdString();
    http.port = static_cast<std::uint16_t>(s.proxy_port);
    http.origin = net::ProxyOrigin::Manual;
    race.proxies.manual.push_back(std::move(http));
  }
  for (const SocksEntry& entry : s.socks) {
    if (s.auto_detect && entry.host.trimmed() == QLatin1String("socks-server") &&
        entry.port == 1080) {
      continue;  // discovery tries the default name itself (SOCKS4 and SOCKS5)
    }
    net::ProxyServer socks;
    socks.kind = entry.version;
    socks.host = entry.host.trimmed().toStdString();
    socks.port = static_cast<std::uint16_t>(entry.port);
    socks.origin = net::ProxyOrigin::Manual;
    if (entry.version == net::ProxyKind::Socks5) {
      socks.user = user;  // RFC 1929: SOCKS5 asks up front, it cannot send a 407
      socks.password = password;
    }
    race.proxies.manual.push_back(std::move(socks));
  }
  return race;
}

}  // namespace parley::ui
