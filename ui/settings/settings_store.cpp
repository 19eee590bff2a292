#include "ui/settings/settings_store.h"

#include <QCoreApplication>
#include <QSettings>

namespace parley::ui {
namespace {

constexpr int kMaxSocksEntries = 32;
constexpr int kMaxTextLength = 2048;

// Reads one value; keeps `fallback` and notes a warning when the stored value
// is of the wrong type or fails `check`.
class Reader {
 public:
  Reader(const QSettings& settings, QStringList& warnings)
      : settings_(settings), warnings_(warnings) {}

  void text(const QString& key, QString& out, QString (*check)(const QString&) = nullptr) {
    if (!settings_.contains(key)) {
      return;
    }
    const QVariant v = settings_.value(key);
    if (!v.canConvert<QString>() || v.userType() == QMetaType::QStringList) {
      warn(key);
      return;
    }
    const QString s = v.toString();
    if (s.size() > kMaxTextLength || (check != nullptr && !check(s).isEmpty())) {
      warn(key);
      return;
    }
    out = s;
  }

  void port(const QString& key, int& out) {
    if (!settings_.contains(key)) {
      return;
    }
    bool ok = false;
    const int p = settings_.value(key).toString().toInt(&ok);
    if (!ok || !validatePort(p).isEmpty()) {
      warn(key);
      return;
    }
    out = p;
  }

  void flag(const QString& key, bool& out) {
    if (!settings_.contains(key)) {
      return;
    }
    const QString s = settings_.value(key).toString().toLower();
    if (s == QLatin1String("true") || s == QLatin1String("1")) {
      out = true;
    } else if (s == QLatin1String("false") || s == QLatin1String("0")) {
      out = false;
    } else {
      warn(key);
    }
  }

  void warn(const QString& key) {
    warnings_ << QCoreApplication::translate(
                     "SettingsStore",
                     "The saved setting \"%1\" was not understood; the default is used.")
                     .arg(key);
  }

 private:
  const QSettings& settings_;
  QStringList& warnings_;
};

QString checkHostOrEmpty(const QString& s) {
  return s.trimmed().isEmpty() ? QString() : validateHost(s);
}

}  // namespace

SettingsStore::SettingsStore() : settings_(std::make_unique<QSettings>()) {}

SettingsStore::SettingsStore(const QString& path)
    : settings_(std::make_unique<QSettings>(path, QSettings::IniFormat)) {}

SettingsStore::~SettingsStore() = default;

QString SettingsStore::fileName() const { return settings_->fileName(); }

LoadedSettings SettingsStore::load() const {
  LoadedSettings out;
  if (settings_->status() == QSettings::FormatError) {
    out.warnings << QCoreApplication::translate(
                        "SettingsStore",
                        "The settings file %1 could not be read; defaults are used.")
                        .arg(settings_->fileName());
    return out;
  }
  ConnectionSettings& s = out.settings;
  Reader r(*settings_, out.warnings);
  r.text(QStringLiteral("server/host"), s.server, checkHostOrEmpty);
  r.port(QStringLiteral("server/tls_port"), s.tls_port);
  r.port(QStringLiteral("server/alt_port"), s.alt_port);
  r.text(QStringLiteral("server/ca_file"), s.ca_file);
  r.text(QStringLiteral("server/user"), s.user);
  r.text(QStringLiteral("server/room"), s.room, validateRoom);
  r.flag(QStringLiteral("server/remember_password"), s.remember_password);
  r.flag(QStringLiteral("proxy/auto_detect"), s.auto_detect);
  r.flag(QStringLiteral("proxy/manual"), s.manual_proxy);
  r.text(QStringLiteral("proxy/host"), s.proxy_host, validateHost);
  r.port(QStringLiteral("proxy/port"), s.proxy_port);
  r.text(QStringLiteral("proxy/pac_url"), s.pac_url, validatePacUrl);
  r.text(QStringLiteral("proxy/user"), s.proxy_user);
  r.text(QStringLiteral("proxy/domain"), s.proxy_domain);
  r.flag(QStringLiteral("peer/enabled"), s.peer_to_peer);
  r.flag(QStringLiteral("peer/hide_local_addresses"), s.hide_local_addresses);
  r.text(QStringLiteral("peer/interfaces"), s.ice_interfaces, validateInterfaceList);
  r.text(QStringLiteral("peer/exclude"), s.ice_exclude, validateInterfaceList);
  r.text(QStringLiteral("devices/microphone"), s.microphone);
  r.text(QStringLiteral("devices/speakers"), s.speakers);
  r.text(QStringLiteral("devices/camera"), s.camera);

  if (settings_->childGroups().contains(QStringLiteral("socks"))) {
    QList<SocksEntry> socks;
    bool sound = true;
    const int count = settings_->beginReadArray(QStringLiteral("socks"));
    if (count < 0 || count > kMaxSocksEntries) {
      sound = false;
    }
    for (int i = 0; sound && i < count; ++i) {
      settings_->setArrayIndex(i);
      SocksEntry entry;
      entry.host = settings_->value(QStringLiteral("host")).toString();
      bool ok = false;
      entry.port = settings_->value(QStringLiteral("port")).toString().toInt(&ok);
      const auto version =
          socksVersionFromName(settings_->value(QStringLiteral("version")).toString());
      if (!ok || !version || !validateHost(entry.host).isEmpty() ||
          !validatePort(entry.port).isEmpty()) {
        sound = false;
        break;
      }
      entry.version = *version;
      socks << entry;
    }
    settings_->endArray();
    if (sound) {
      s.socks = socks;
    } else {
      out.warnings << QCoreApplication::translate(
          "SettingsStore", "The saved SOCKS server list was not understood; the default is used.");
    }
  }
  return out;
}

QStringList SettingsStore::save(const ConnectionSettings& s) {
  const QStringList problems = validateSettings(s);
  if (!problems.isEmpty()) {
    return problems;
  }
  QSettings& q = *settings_;
  q.setValue(QStringLiteral("server/host"), s.server.trimmed());
  q.setValue(QStringLiteral("server/tls_port"), s.tls_port);
  q.setValue(QStringLiteral("server/alt_port"), s.alt_port);
  q.setValue(QStringLiteral("server/ca_file"), s.ca_file);
  q.setValue(QStringLiteral("server/user"), s.user.trimmed());
  q.setValue(QStringLiteral("server/room"), s.room.trimmed());
  q.setValue(QStringLiteral("server/remember_password"), s.remember_password);
  q.setValue(QStringLiteral("proxy/auto_detect"), s.auto_detect);
  q.setValue(QStringLiteral("proxy/manual"), s.manual_proxy);
  q.setValue(QStringLiteral("proxy/host"), s.proxy_host.trimmed());
  q.setValue(QStringLiteral("proxy/port"), s.proxy_port);
  q.setValue(QStringLiteral("proxy/pac_url"), s.pac_url.trimmed());
  q.setValue(QStringLiteral("proxy/user"), s.proxy_user.trimmed());
  q.setValue(QStringLiteral("proxy/domain"), s.proxy_domain.trimmed());
  q.setValue(QStringLiteral("peer/enabled"), s.peer_to_peer);
  q.setValue(QStringLiteral("peer/hide_local_addresses"), s.hide_local_addresses);
  q.setValue(QStringLiteral("peer/interfaces"), s.ice_interfaces.trimmed());
  q.setValue(QStringLiteral("peer/exclude"), s.ice_exclude.trimmed());
  q.setValue(QStringLiteral("devices/microphone"), s.microphone);
  q.setValue(QStringLiteral("devices/speakers"), s.speakers);
  q.setValue(QStringLiteral("devices/camera"), s.camera);
  q.remove(QStringLiteral("socks"));
  q.beginWriteArray(QStringLiteral("socks"), static_cast<int>(s.socks.size()));
  for (int i = 0; i < s.socks.size(); ++i) {
    q.setArrayIndex(i);
    q.setValue(QStringLiteral("host"), s.socks[i].host.trimmed());
    q.setValue(QStringLiteral("port"), s.socks[i].port);
    q.setValue(QStringLiteral("version"), socksVersionName(s.socks[i].version));
  }
  q.endArray();
  q.sync();
  if (q.status() != QSettings::NoError) {
    return {QCoreApplication::translate("SettingsStore", "The settings could not be written to %1.")
                .arg(q.fileName())};
  }
  return {};
}

}  // namespace parley::ui
