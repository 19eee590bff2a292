#pragma once
// ConnectionSettings: everything the user chooses about where and how to
// connect, as plain values (no Qt widgets), plus the in-place validation the
// sign-in window and the settings dialog share. Secrets (the sign-in and
// proxy passwords) are not here: they live in the SecretStore.
//
// Threads: plain values; any thread.

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>
#include <string>
#include <vector>

#include "net/connect/racing_connector.h"

namespace parley::ui {

struct SocksEntry {
  QString host;
  int port = 1080;
  net::ProxyKind version = net::ProxyKind::Socks5;  // Socks4, Socks4a or Socks5
  friend bool operator==(const SocksEntry&, const SocksEntry&) = default;
};

struct ConnectionSettings {
  // Sign-in
  QString server;       // host name or address
  int tls_port = 443;   // first port tried
  int alt_port = 5228;  // second port tried
  QString ca_file;      // the deployment's CA (pinned)
  QString user;
  QString room = QStringLiteral("lobby");
  bool remember_password = false;
  // HTTP proxy
  bool auto_detect = true;
  bool manual_proxy = false;
  QString proxy_host = QStringLiteral("web-proxy");
  int proxy_port = 8088;
  QString pac_url;
  // SOCKS
  QList<SocksEntry> socks{SocksEntry{QStringLiteral("socks-server"), 1080, net::ProxyKind::Socks5}};
  // Proxy authentication (the password is in the SecretStore)
  QString proxy_user;
  QString proxy_domain;
  // Peer-to-peer in two-person meetings: whether to try it, whether to keep
  // our LAN addresses from the other person, and which network interfaces
  // host candidates may come from ("eth0, wlan*": names, or prefixes ending
  // in '*'; empty allow list: every interface but loopback, link-local and
  // container bridges).
  bool peer_to_peer = true;
  bool hide_local_addresses = false;
  QString ice_interfaces;
  QString ice_exclude;
  // Sound and camera: the device ids chosen (ui/devices/device_choice.h);
  // empty follows the system's default.
  QString microphone;
  QString speakers;
  QString camera;

  friend bool operator==(const ConnectionSettings&, const ConnectionSettings&) = default;
};

// In-place validation: each returns an empty string when the value is fine,
// else one sentence for the user (translated).
QString validateHost(const QString& host);
QString validatePort(int port);
QString validatePortText(const QString& text);
QString validatePacUrl(const QString& url);
QString validateRoom(const QString& room);
// A list of interface names or prefixes ("eth0, wlan*"), at most 16.
QString validateInterfaceList(const QString& list);
std::vector<std::string> interfaceList(const QString& list);
// Every problem in the settings, one line each; empty when they can be saved.
QStringList validateSettings(const ConnectionSettings& settings);

// "SOCKS4", "SOCKS4a", "SOCKS5"
QString socksVersionName(net::ProxyKind kind);
std::optional<net::ProxyKind> socksVersionFromName(const QString& name);

// The race the core runs for these settings. `default_names` and auto
// detection follow the settings; proxy_password is the stored secret.
net::RaceSettings toRaceSettings(const ConnectionSettings& settings, const QString& proxy_password);

}  // namespace parley::ui
