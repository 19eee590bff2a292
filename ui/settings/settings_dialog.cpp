#include "ui/settings/settings_dialog.h"
#include "ui/application/resources_init.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/application/app_icon.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/devices_page.h"
#include "ui/settings/settings_store.h"
#include "ui/sign_in/connection_probe.h"
#include "ui/sign_in/race_table_model.h"
#include "ui/sign_in/ui_credential_provider.h"

namespace parley::ui {
namespace {

enum SocksColumn { SocksHost, SocksPort, SocksVersion };

QLineEdit* lineEdit(QWidget* parent, const char* name, const QString& accessible) {
  auto* edit = new QLineEdit(parent);
  edit->setObjectName(QString::fromLatin1(name));
  edit->setAccessibleName(accessible);
  return edit;
}

// Marks a field invalid (palette-aware) with its message as tooltip.
void mark(QLineEdit* edit, const QString& problem) {
  edit->setToolTip(problem);
  edit->setProperty("invalid", !problem.isEmpty());
  edit->setStyleSheet(
      problem.isEmpty() ? QString() : QStringLiteral("QLineEdit { border: 2px solid #d9534f; }"));
}

int portOf(const QLineEdit* edit) { return edit->text().trimmed().toInt(); }

}  // namespace

SettingsDialog::SettingsDialog(SettingsStore& store, SecretStore& secrets,
                               CredentialPrompter* prompter, QWidget* parent)
    : QDialog(parent), store_(store), secrets_(secrets), prompter_(prompter) {
  initResources();
  setObjectName(QStringLiteral("settingsDialog"));
  setWindowTitle(tr("Settings — Parley"));
  setWindowIcon(appIcon());
  resize(820, 640);
  tabs_ = new QTabWidget(this);

  // Server
  auto* server_page = new QWidget(tabs_);
  auto* server_form = new QFormLayout(server_page);
  server_ = lineEdit(server_page, "serverEdit", tr("Server"));
  server_->setPlaceholderText(tr("parley.example.org"));
  tls_port_ = lineEdit(server_page, "tlsPortEdit", tr("Server port"));
  alt_port_ = lineEdit(server_page, "altPortEdit", tr("Alternative port"));
  ca_file_ = lineEdit(server_page, "caFileEdit", tr("CA certificate"));
  ca_file_->setPlaceholderText(tr("the deployment's ca.crt"));
  auto* browse = new QPushButton(tr("&Browse…"), server_page);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("CA certificate"), ca_file_->text(),
                                     tr("Certificates (*.crt *.pem);;All files (*)"));
    if (!file.isEmpty()) {
      ca_file_->setText(file);
    }
  });
  auto* ca_row = new QHBoxLayout;
  ca_row->addWidget(ca_file_, 1);
  ca_row->addWidget(browse);
  server_form->addRow(tr("&Server:"), server_);
  server_form->addRow(tr("&Port:"), tls_port_);
  server_form->addRow(tr("&Alternative port:"), alt_port_);
  auto* ca_label = new QLabel(tr("&CA certificate:"), server_page);
  ca_label->setBuddy(ca_file_);
  server_form->addRow(ca_label, ca_row);
  auto* server_note = new QLabel(tr("Parley trusts only your deployment's certificate authority: "
                                    "a certificate from anyone else means the traffic is being "
                                    "inspected, and Parley refuses it."),
                                 server_page);
  server_note->setWordWrap(true);
  server_form->addRow(server_note);
  tabs_->addTab(server_page, tr("Se&rver"));

  // Web proxy
  auto* proxy_page = new QWidget(tabs_);
  auto* proxy_layout = new QFormLayout(proxy_page);
  auto_detect_ = new QCheckBox(tr("A&uto-detect settings (system, environment, WPAD/PAC, "
                                  "web-proxy:8088)"),
                               proxy_page);
  auto_detect_->setObjectName(QStringLiteral("autoDetectCheck"));
  detected_ = new QLabel(tr("Detected: run Test connection to see what is found."), proxy_page);
  detected_->setObjectName(QStringLiteral("detectedLabel"));
  detected_->setWordWrap(true);
  manual_proxy_ = new QCheckBox(tr("Use this &HTTP proxy:"), proxy_page);
  manual_proxy_->setObjectName(QStringLiteral("manualProxyCheck"));
  proxy_host_ = lineEdit(proxy_page, "proxyHostEdit", tr("Proxy host"));
  proxy_port_ = lineEdit(proxy_page, "proxyPortEdit", tr("Proxy port"));
  proxy_port_->setMaximumWidth(90);
  auto* manual_row = new QHBoxLayout;
  manual_row->addWidget(proxy_host_, 1);
  manual_row->addWidget(new QLabel(QStringLiteral(":"), proxy_page));
  manual_row->addWidget(proxy_port_);
  pac_url_ = lineEdit(proxy_page, "pacUrlEdit", tr("PAC URL"));
  pac_url_->setPlaceholderText(tr("optional: http://wpad.example.org/proxy.pac"));
  proxy_layout->addRow(auto_detect_);
  proxy_layout->addRow(detected_);
  proxy_layout->addRow(manual_proxy_, manual_row);
  proxy_host_->setAccessibleDescription(tr("HTTP proxy host name"));
  proxy_layout->addRow(tr("P&AC URL:"), pac_url_);
  tabs_->addTab(proxy_page, tr("&Web proxy"));

  // SOCKS
  auto* socks_page = new QWidget(tabs_);
  auto* socks_layout = new QVBoxLayout(socks_page);
  socks_ = new QTableWidget(0, 3, socks_page);
  // Tab leaves a table for the next control (arrows move between cells): a
  // keyboard is never trapped in it.
  socks_->setTabKeyNavigation(false);
  socks_->setObjectName(QStringLiteral("socksTable"));
  socks_->setHorizontalHeaderLabels({tr("Host"), tr("Port"), tr("Version")});
  socks_->horizontalHeader()->setSectionResizeMode(SocksHost, QHeaderView::Stretch);
  socks_->verticalHeader()->hide();
  socks_->setAccessibleName(tr("SOCKS servers"));
  auto* add = new QPushButton(tr("A&dd"), socks_page);
  add->setObjectName(QStringLiteral("addSocksButton"));
  auto* remove = new QPushButton(tr("Re&move"), socks_page);
  remove->setObjectName(QStringLiteral("removeSocksButton"));
  connect(add, &QPushButton::clicked, this, [this] {
    addSocksRow(SocksEntry{QString(), 1080, net::ProxyKind::Socks5});
    socks_->setCurrentCell(socks_->rowCount() - 1, SocksHost);
    socks_->editItem(socks_->item(socks_->rowCount() - 1, SocksHost));
    validate();
  });
  connect(remove, &QPushButton::clicked, this, [this] {
    if (socks_->currentRow() >= 0) {
      socks_->removeRow(socks_->currentRow());
      validate();
    }
  });
  connect(socks_, &QTableWidget::itemChanged, this, [this] { validate(); });
  auto* socks_buttons = new QHBoxLayout;
  socks_buttons->addWidget(add);
  socks_buttons->addWidget(remove);
  socks_buttons->addStretch();
  socks_layout->addWidget(new QLabel(tr("SOCKS servers, tried at the same time as everything "
                                        "else. SOCKS4a and SOCKS5 let the server resolve the "
                                        "name (no DNS leak)."),
                                     socks_page));
  socks_layout->addWidget(socks_, 1);
  socks_layout->addLayout(socks_buttons);
  tabs_->addTab(socks_page, tr("S&OCKS"));

  // Proxy sign-in
  auto* auth_page = new QWidget(tabs_);
  auto* auth_form = new QFormLayout(auth_page);
  proxy_user_ = lineEdit(auth_page, "proxyUserEdit", tr("Proxy user name"));
  proxy_password_ = lineEdit(auth_page, "proxyPasswordEdit", tr("Proxy password"));
  proxy_password_->setEchoMode(QLineEdit::Password);
  proxy_domain_ = lineEdit(auth_page, "proxyDomainEdit", tr("Proxy domain"));
  proxy_domain_->setPlaceholderText(tr("optional (NTLM, Negotiate)"));
  keychain_note_ = new QLabel(auth_page);
  keychain_note_->setObjectName(QStringLiteral("keychainNote"));
  keychain_note_->setWordWrap(true);
  auth_form->addRow(new QLabel(tr("Leave blank until a proxy asks. Windows and Kerberos sign-in "
                                  "is tried first; the password is kept in the system "
                                  "keychain, never in a file."),
                               auth_page));
  auth_form->addRow(tr("User &name:"), proxy_user_);
  auth_form->addRow(tr("Pass&word:"), proxy_password_);
  auth_form->addRow(tr("Do&main:"), proxy_domain_);
  auth_form->addRow(keychain_note_);
  tabs_->addTab(auth_page, tr("Proxy si&gn-in"));

  // Peer-to-peer
  auto* peer_page = new QWidget(tabs_);
  auto* peer_form = new QFormLayout(peer_page);
  peer_to_peer_ = new QCheckBox(tr("Try a &direct path in two-person meetings"), peer_page);
  peer_to_peer_->setObjectName(QStringLiteral("peerToPeerCheck"));
  hide_local_ = new QCheckBox(tr("&Keep my local network addresses private"), peer_page);
  hide_local_->setObjectName(QStringLiteral("hideLocalCheck"));
  ice_interfaces_ = lineEdit(peer_page, "iceInterfacesEdit", tr("Only these interfaces"));
  ice_interfaces_->setPlaceholderText(tr("every interface (e.g. eth0, wlan*)"));
  ice_exclude_ = lineEdit(peer_page, "iceExcludeEdit", tr("Never these interfaces"));
  ice_exclude_->setPlaceholderText(tr("e.g. tun*, vpn0"));
  auto* peer_note = new QLabel(tr("With two people in a meeting, Parley looks for a direct path "
                                  "between them (or a relay the server names) and moves voice, "
                                  "camera and screen to it once it is proven; chat always goes "
                                  "through the server. Keeping local addresses private offers "
                                  "only the public and relayed ones. Container bridges are never "
                                  "used."),
                               peer_page);
  peer_note->setWordWrap(true);
  peer_form->addRow(peer_note);
  peer_form->addRow(peer_to_peer_);
  peer_form->addRow(hide_local_);
  peer_form->addRow(tr("&Only these interfaces:"), ice_interfaces_);
  peer_form->addRow(tr("&Never these interfaces:"), ice_exclude_);
  tabs_->addTab(peer_page, tr("P&eer-to-peer"));

  devices_ = new DevicesPage(tabs_);
  devices_->setObjectName(QStringLiteral("devicesPage"));
  tabs_->addTab(devices_, tr("Sound and &camera"));
  connect(peer_to_peer_, &QCheckBox::toggled, this, &SettingsDialog::validate);

  // Test connection
  race_ = new RaceTableModel(this);
  race_view_ = new QTableView(this);
  race_view_->setTabKeyNavigation(false);
  race_view_->setObjectName(QStringLiteral("testRaceTable"));
  race_view_->setModel(race_);
  race_view_->verticalHeader()->hide();
  race_view_->horizontalHeader()->setStretchLastSection(true);
  race_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  race_view_->setAccessibleName(tr("Connection attempts"));
  test_ = new QPushButton(tr("&Test connection"), this);
  test_->setObjectName(QStringLiteral("testButton"));
  test_summary_ = new QLabel(this);
  test_summary_->setObjectName(QStringLiteral("testSummary"));
  test_summary_->setWordWrap(true);
  connect(test_, &QPushButton::clicked, this, &SettingsDialog::testConnection);
  probe_ = new ConnectionProbe(this);
  connect(probe_, &ConnectionProbe::attempt, this, [this](const net::AttemptEvent& e) {
    race_->apply(e);
    race_view_->resizeColumnsToContents();
    updateDetected();
  });
  connect(probe_, &ConnectionProbe::finished, this, &SettingsDialog::testFinished);

  problems_ = new QLabel(this);
  problems_->setObjectName(QStringLiteral("problemsLabel"));
  problems_->setWordWrap(true);
  QPalette warn = problems_->palette();
  warn.setColor(QPalette::WindowText, QColor(0xd9, 0x53, 0x4f));
  problems_->setPalette(warn);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
  save_ = buttons->button(QDialogButtonBox::Save);
  save_->setObjectName(QStringLiteral("saveButton"));
  connect(buttons, &QDialogButtonBox::accepted, this, [this] {
    if (save()) {
      accept();
    }
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* test_row = new QHBoxLayout;
  test_row->addWidget(test_);
  test_row->addWidget(test_summary_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(tabs_);
  layout->addLayout(test_row);
  layout->addWidget(race_view_, 1);
  layout->addWidget(problems_);
  layout->addWidget(buttons);

  for (QLineEdit* edit : {server_, tls_port_, alt_port_, ca_file_, proxy_host_, proxy_port_,
                          pac_url_, proxy_user_, proxy_domain_, ice_interfaces_, ice_exclude_}) {
    connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::validate);
  }
  connect(manual_proxy_, &QCheckBox::toggled, this, &SettingsDialog::validate);
  connect(auto_detect_, &QCheckBox::toggled, this, &SettingsDialog::validate);
  // Testing the connection belongs to the network tabs, not to sound.
  connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
    const bool network = tabs_->widget(index) != devices_;
    test_->setVisible(network);
    test_summary_->setVisible(network);
    race_view_->setVisible(network);
  });
  setSettings(ConnectionSettings{});
}

SettingsDialog::~SettingsDialog() {
  // Closing the sound devices may run Qt Multimedia's own event loop: done
  // while this is still whole, not from the base class's destructor.
  devices_->stopChecks();
}

void SettingsDialog::addSocksRow(const SocksEntry& entry) {
  const int row = socks_->rowCount();
  socks_->insertRow(row);
  socks_->setItem(row, SocksHost, new QTableWidgetItem(entry.host));
  socks_->setItem(row, SocksPort, new QTableWidgetItem(QString::number(entry.port)));
  auto* version = new QComboBox(socks_);
  version->addItems(
      {QStringLiteral("SOCKS4"), QStringLiteral("SOCKS4a"), QStringLiteral("SOCKS5")});
  version->setCurrentText(socksVersionName(entry.version));
  connect(version, &QComboBox::currentTextChanged, this, &SettingsDialog::validate);
  socks_->setCellWidget(row, SocksVersion, version);
}

void SettingsDialog::setSettings(const ConnectionSettings& s) {
  base_ = s;
  server_->setText(s.server);
  tls_port_->setText(QString::number(s.tls_port));
  alt_port_->setText(QString::number(s.alt_port));
  ca_file_->setText(s.ca_file);
  auto_detect_->setChecked(s.auto_detect);
  manual_proxy_->setChecked(s.manual_proxy);
  proxy_host_->setText(s.proxy_host);
  proxy_port_->setText(QString::number(s.proxy_port));
  pac_url_->setText(s.pac_url);
  socks_->setRowCount(0);
  for (const SocksEntry& e : s.socks) {
    addSocksRow(e);
  }
  proxy_user_->setText(s.proxy_user);
  proxy_domain_->setText(s.proxy_domain);
  peer_to_peer_->setChecked(s.peer_to_peer);
  hide_local_->setChecked(s.hide_local_addresses);
  ice_interfaces_->setText(s.ice_interfaces);
  ice_exclude_->setText(s.ice_exclude);
  devices_->setChoice(DeviceChoice{s.microphone, s.speakers, s.camera});
  proxy_password_->clear();
  keychain_note_->clear();
  QPointer<SettingsDialog> self(this);
  secrets_.read(proxySecretKey(), [self](const SecretResult& r) {
    if (!self) {
      return;
    }
    if (r.ok) {
      if (self->proxy_password_->text().isEmpty()) {
        self->proxy_password_->setText(r.value);
      }
    } else {
      self->keychain_note_->setText(r.error);
    }
  });
  validate();
}

ConnectionSettings SettingsDialog::settings() const {
  ConnectionSettings s = base_;
  s.server = server_->text().trimmed();
  s.tls_port = portOf(tls_port_);
  s.alt_port = portOf(alt_port_);
  s.ca_file = ca_file_->text().trimmed();
  s.auto_detect = auto_detect_->isChecked();
  s.manual_proxy = manual_proxy_->isChecked();
  s.proxy_host = proxy_host_->text().trimmed();
  s.proxy_port = portOf(proxy_port_);
  s.pac_url = pac_url_->text().trimmed();
  s.socks.clear();
  for (int row = 0; row < socks_->rowCount(); ++row) {
    SocksEntry e;
    e.host =
        socks_->item(row, SocksHost) ? socks_->item(row, SocksHost)->text().trimmed() : QString();
    e.port =
        socks_->item(row, SocksPort) ? socks_->item(row, SocksPort)->text().trimmed().toInt() : 0;
    auto* combo = qobject_cast<QComboBox*>(socks_->cellWidget(row, SocksVersion));
    e.version = combo ? socksVersionFromName(combo->currentText()).value_or(net::ProxyKind::Socks5)
                      : net::ProxyKind::Socks5;
    s.socks << e;
  }
  s.proxy_user = proxy_user_->text().trimmed();
  s.proxy_domain = proxy_domain_->text().trimmed();
  s.peer_to_peer = peer_to_peer_->isChecked();
  s.hide_local_addresses = hide_local_->isChecked();
  s.ice_interfaces = ice_interfaces_->text().trimmed();
  s.ice_exclude = ice_exclude_->text().trimmed();
  const DeviceChoice devices = devices_->choice();
  s.microphone = devices.microphone;
  s.speakers = devices.speakers;
  s.camera = devices.camera;
  return s;
}

void SettingsDialog::setTestCamera(std::function<std::unique_ptr<media::VideoSource>()> camera) {
  devices_->setTestCamera(std::move(camera));
}

QStringList SettingsDialog::problems() const {
  // Port fields hold text; settings() turns "abc" into 0, which
  // validateSettings refuses like any other out-of-range port.
  QStringList out = validateSettings(settings());
  out.removeDuplicates();
  return out;
}

void SettingsDialog::validate() {
  mark(server_, server_->text().trimmed().isEmpty() ? QString() : validateHost(server_->text()));
  mark(tls_port_, validatePortText(tls_port_->text()));
  mark(alt_port_, validatePortText(alt_port_->text()));
  const bool manual = manual_proxy_->isChecked();
  proxy_host_->setEnabled(manual);
  proxy_port_->setEnabled(manual);
  mark(proxy_host_, manual ? validateHost(proxy_host_->text()) : QString());
  mark(proxy_port_, manual ? validatePortText(proxy_port_->text()) : QString());
  mark(pac_url_, validatePacUrl(pac_url_->text()));
  const bool peer = peer_to_peer_->isChecked();
  for (QWidget* w : {static_cast<QWidget*>(hide_local_), static_cast<QWidget*>(ice_interfaces_),
                     static_cast<QWidget*>(ice_exclude_)}) {
    w->setEnabled(peer);
  }
  mark(ice_interfaces_, validateInterfaceList(ice_interfaces_->text()));
  mark(ice_exclude_, validateInterfaceList(ice_exclude_->text()));
  detected_->setEnabled(auto_detect_->isChecked());
  const QStringList p = problems();
  problems_->setText(p.join(QLatin1Char('\n')));
  save_->setEnabled(p.isEmpty());
  test_->setEnabled(p.isEmpty() && !server_->text().trimmed().isEmpty());
}

void SettingsDialog::showTab(int index) { tabs_->setCurrentIndex(index); }

bool SettingsDialog::save() {
  const ConnectionSettings s = settings();
  const QStringList p = store_.save(s);
  if (!p.isEmpty()) {
    problems_->setText(p.join(QLatin1Char('\n')));
    return false;
  }
  const QString password = proxy_password_->text();
  QPointer<SettingsDialog> self(this);
  auto report = [self](const SecretResult& r) {
    if (self && !r.ok) {
      self->keychain_note_->setText(r.error);
    }
  };
  if (password.isEmpty()) {
    secrets_.remove(proxySecretKey(), report);
  } else {
    secrets_.write(proxySecretKey(), password, report);
  }
  if (prompter_) {
    prompter_->setSaved(s.proxy_user, password, s.proxy_domain);
  }
  base_ = s;
  Q_EMIT saved(s);
  return true;
}

void SettingsDialog::testConnection() {
  race_->clear();
  const ConnectionSettings s = settings();
  net::RaceSettings race = toRaceSettings(s, proxy_password_->text());
  if (prompter_) {
    prompter_->setParentWindow(this);
    race.credentials = std::make_shared<UiCredentialProvider>(prompter_);
  }
  const QString error = probe_->start(s.server, s.tls_port, s.alt_port, s.ca_file, std::move(race));
  if (!error.isEmpty()) {
    test_summary_->setText(error);
    return;
  }
  test_summary_->setText(tr("Testing every route…"));
  test_->setEnabled(false);
}

void SettingsDialog::testFinished(bool /*ok*/, const QString& summary) {
  test_summary_->setText(summary);
  race_view_->resizeColumnsToContents();
  validate();
}

void SettingsDialog::updateDetected() {
  QStringList found;
  QSet<QString> seen;
  for (const auto& e : race_->events()) {
    if (e.via.empty()) {
      continue;
    }
    const QString via = QString::fromStdString(e.via) + QStringLiteral(" (") +
                        QString::fromStdString(e.method) + QStringLiteral(")");
    if (!seen.contains(via)) {
      seen.insert(via);
      found << via;
    }
  }
  detected_->setText(found.isEmpty() ? tr("Detected: no proxy; direct routes only.")
                                     : tr("Detected: %1").arg(found.join(QStringLiteral(", "))));
}

}  // namespace parley::ui
