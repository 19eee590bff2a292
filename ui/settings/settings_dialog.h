#pragma once
// SettingsDialog: where and how to connect. Tabs: Server (address, ports,
// CA file), Web proxy (auto-detect with what was found, manual host:port,
// PAC URL), SOCKS (a list of host:port with version), Proxy sign-in (user,
// password, domain), Peer-to-peer (try it in two-person meetings, keep LAN
// addresses private, which interfaces), Sound and camera (device pickers
// with a level meter, a test sound and a camera preview). Every field is validated in place; Save
// stays disabled while anything is invalid, so nothing invalid is saved. "Test connection" runs one
// race with the values on screen and shows a row per attempt.
//
// Saving writes the plain settings through SettingsStore and the proxy
// password through the SecretStore (the OS keychain); if the keychain is not
// available the dialog says so and the password is not kept.
//
// Threads: GUI thread. Reachable from the sign-in and the meeting window.

#include <QDialog>
#include <QPointer>
#include <functional>
#include <memory>

#include "media/video/video_source.h"
#include "ui/settings/connection_settings.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTableWidget;
class QTabWidget;

namespace parley::ui {

class ConnectionProbe;
class CredentialPrompter;
class DevicesPage;
class RaceTableModel;
class SecretStore;
class SettingsStore;

class SettingsDialog final : public QDialog {
  Q_OBJECT
 public:
  SettingsDialog(SettingsStore& store, SecretStore& secrets, CredentialPrompter* prompter,
                 QWidget* parent = nullptr);
  ~SettingsDialog() override;

  // Fills the fields (the proxy password is read from the SecretStore).
  void setSettings(const ConnectionSettings& settings);
  [[nodiscard]] ConnectionSettings settings() const;
  // Problems with what is on screen now; empty when it can be saved.
  [[nodiscard]] QStringList problems() const;
  void showTab(int index);
  // Saves what is on screen; false (and nothing written) when invalid.
  bool save();

  enum Tab { ServerTab, ProxyTab, SocksTab, AuthTab, PeerTab, DevicesTab };
  // The camera the preview shows instead of the real one (tests, the demo).
  void setTestCamera(std::function<std::unique_ptr<media::VideoSource>()> camera);

 Q_SIGNALS:
  void saved(const parley::ui::ConnectionSettings& settings);

 private:
  void validate();
  void addSocksRow(const SocksEntry& entry);
  void testConnection();
  void testFinished(bool ok, const QString& summary);
  void updateDetected();

  SettingsStore& store_;
  SecretStore& secrets_;
  QPointer<CredentialPrompter> prompter_;
  ConnectionSettings base_;  // fields the dialog does not show (user, room, ...)

  QTabWidget* tabs_ = nullptr;
  DevicesPage* devices_ = nullptr;
  QLineEdit* server_ = nullptr;
  QLineEdit* tls_port_ = nullptr;
  QLineEdit* alt_port_ = nullptr;
  QLineEdit* ca_file_ = nullptr;
  QCheckBox* auto_detect_ = nullptr;
  QLabel* detected_ = nullptr;
  QCheckBox* manual_proxy_ = nullptr;
  QLineEdit* proxy_host_ = nullptr;
  QLineEdit* proxy_port_ = nullptr;
  QLineEdit* pac_url_ = nullptr;
  QTableWidget* socks_ = nullptr;
  QLineEdit* proxy_user_ = nullptr;
  QLineEdit* proxy_password_ = nullptr;
  QLineEdit* proxy_domain_ = nullptr;
  QLabel* keychain_note_ = nullptr;
  QCheckBox* peer_to_peer_ = nullptr;
  QCheckBox* hide_local_ = nullptr;
  QLineEdit* ice_interfaces_ = nullptr;
  QLineEdit* ice_exclude_ = nullptr;
  QLabel* problems_ = nullptr;
  QPushButton* save_ = nullptr;
  QPushButton* test_ = nullptr;
  QLabel* test_summary_ = nullptr;
  QTableView* race_view_ = nullptr;
  RaceTableModel* race_ = nullptr;
  ConnectionProbe* probe_ = nullptr;
};

}  // namespace parley::ui
