// The settings: saved and reloaded, validated in place (nothing invalid is
// saved), a hand-edited nonsense file loads as defaults with warnings, the
// proxy password goes to the secret store only, and a missing keychain is
// said on screen.

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QtTest>

#include "tests/ui/gui_test_support.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/settings_dialog.h"
#include "ui/settings/settings_store.h"

using parley::test::child;
using parley::test::kLocalWaitMs;  // in-process work and window exposure
using namespace parley::ui;

class SettingsGuiTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void storeRoundTrip();
  void nonsenseFileLoadsDefaultsWithWarnings();
  void storeRefusesInvalid();
  void dialogValidatesInPlaceAndSaves();
  void dialogKeepsProxyPasswordInKeychainOnly();
  void dialogShowsMissingKeychain();
};

void SettingsGuiTest::storeRoundTrip() {
  parley::test::TempSettings tmp;
  ConnectionSettings s;
  s.server = QStringLiteral("parley.example.org");
  s.tls_port = 8443;
  s.alt_port = 15228;
  s.ca_file = QStringLiteral("/etc/parley/ca.crt");
  s.user = QStringLiteral("alice");
  s.room = QStringLiteral("standup");
  s.remember_password = true;
  s.auto_detect = false;
  s.manual_proxy = true;
  s.proxy_host = QStringLiteral("proxy.corp.example");
  s.proxy_port = 3128;
  s.pac_url = QStringLiteral("http://wpad.corp.example/wpad.dat");
  s.socks = {SocksEntry{QStringLiteral("socks1.example"), 1080, parley::net::ProxyKind::Socks4},
             SocksEntry{QStringLiteral("10.0.0.5"), 1081, parley::net::ProxyKind::Socks4a}};
  s.proxy_user = QStringLiteral("jdoe");
  s.proxy_domain = QStringLiteral("CORP");
  s.peer_to_peer = false;
  s.hide_local_addresses = true;
  s.ice_interfaces = QStringLiteral("eth0, wlan*");
  s.ice_exclude = QStringLiteral("tun*");
  {
    SettingsStore store(tmp.file());
    QVERIFY(store.save(s).isEmpty());
  }
  SettingsStore again(tmp.file());
  const LoadedSettings loaded = again.load();
  QVERIFY2(loaded.warnings.isEmpty(), qPrintable(loaded.warnings.join(QLatin1Char('\n'))));
  QCOMPARE(loaded.settings, s);
  // No secret in the file.
  QFile f(tmp.file());
  QVERIFY(f.open(QIODevice::ReadOnly));
  QVERIFY(!f.readAll().contains("\npassword="));
}

void SettingsGuiTest::nonsenseFileLoadsDefaultsWithWarnings() {
  parley::test::TempSettings tmp;
  {
    QFile f(tmp.file());
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        "[server]\nhost=not a host!!\ntls_port=99999\nalt_port=abc\nroom=\n"
        "remember_password=perhaps\n[proxy]\nport=-3\nhost=ok-proxy\npac_url=ftp://x/y\n"
        "[peer]\nenabled=sometimes\ninterfaces=eth0 $(reboot)\nexclude=tun*\n"
        "[socks]\nsize=2\n1\\host=good\n1\\port=1080\n1\\version=SOCKS9\n"
        "\x01\x02 garbage line without equals\n");
  }
  SettingsStore store(tmp.file());
  const LoadedSettings loaded = store.load();
  const ConnectionSettings defaults;
  QCOMPARE(loaded.settings.server, defaults.server);
  QCOMPARE(loaded.settings.tls_port, defaults.tls_port);
  QCOMPARE(loaded.settings.alt_port, defaults.alt_port);
  QCOMPARE(loaded.settings.room, defaults.room);
  QCOMPARE(loaded.settings.remember_password, defaults.remember_password);
  QCOMPARE(loaded.settings.proxy_port, defaults.proxy_port);
  QCOMPARE(loaded.settings.proxy_host, QStringLiteral("ok-proxy"));  // the sound value stays
  QCOMPARE(loaded.settings.pac_url, defaults.pac_url);
  QCOMPARE(loaded.settings.socks, defaults.socks);
  QCOMPARE(loaded.settings.peer_to_peer, defaults.peer_to_peer);
  QCOMPARE(loaded.settings.ice_interfaces, defaults.ice_interfaces);
  QCOMPARE(loaded.settings.ice_exclude, QStringLiteral("tun*"));
  QVERIFY(loaded.warnings.size() >= 9);
  QVERIFY(validateSettings(loaded.settings).isEmpty());
}

void SettingsGuiTest::storeRefusesInvalid() {
  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  ConnectionSettings s;
  s.manual_proxy = true;
  s.proxy_port = 70000;
  QVERIFY(!store.save(s).isEmpty());
  QVERIFY(!QFile::exists(tmp.file()));
  s.proxy_port = 8088;
  s.socks = {SocksEntry{QStringLiteral("bad host"), 1080, parley::net::ProxyKind::Socks5}};
  QVERIFY(!store.save(s).isEmpty());
  s.socks.clear();
  s.ice_exclude = QStringLiteral("eth0 $(reboot)");
  QVERIFY(!store.save(s).isEmpty());
  s.ice_exclude = QStringLiteral("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q");  // 17
  QVERIFY(!store.save(s).isEmpty());
  QVERIFY(!QFile::exists(tmp.file()));
}

void SettingsGuiTest::dialogValidatesInPlaceAndSaves() {
  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  MemorySecretStore secrets;
  SettingsDialog dialog(store, secrets, nullptr);
  dialog.show();
  QVERIFY(QTest::qWaitForWindowExposed(&dialog, kLocalWaitMs));
  auto* save = child<QPushButton>(&dialog, "saveButton");
  auto* problems = child<QLabel>(&dialog, "problemsLabel");
  auto* manual = child<QCheckBox>(&dialog, "manualProxyCheck");
  auto* proxy_host = child<QLineEdit>(&dialog, "proxyHostEdit");
  auto* proxy_port = child<QLineEdit>(&dialog, "proxyPortEdit");
  auto* server = child<QLineEdit>(&dialog, "serverEdit");
  auto* pac = child<QLineEdit>(&dialog, "pacUrlEdit");
  QVERIFY(save && problems && manual && proxy_host && proxy_port && server && pac);
  QVERIFY(save->isEnabled());

  server->setText(QStringLiteral("parley.example.org"));
  manual->setChecked(true);
  proxy_port->clear();
  QTest::keyClicks(proxy_port, QStringLiteral("70000"));
  QVERIFY(!save->isEnabled());
  QVERIFY(problems->text().contains(QStringLiteral("65535")));
  QVERIFY(proxy_port->property("invalid").toBool());
  QVERIFY(!dialog.save());
  QVERIFY(!QFile::exists(tmp.file()));  // nothing invalid is saved

  proxy_port->setText(QStringLiteral("3128"));
  proxy_host->setText(QStringLiteral("proxy with space"));
  QVERIFY(!save->isEnabled());
  proxy_host->setText(QStringLiteral("proxy.corp.example"));
  pac->setText(QStringLiteral("gopher://x"));
  QVERIFY(!save->isEnabled());
  pac->setText(QStringLiteral("http://wpad.corp.example/wpad.dat"));
  QVERIFY2(save->isEnabled(), qPrintable(problems->text()));
  QVERIFY(problems->text().isEmpty());

  // A SOCKS row with a bad port is refused in place too.
  auto* socks = child<QTableWidget>(&dialog, "socksTable");
  QVERIFY(socks);
  QTest::mouseClick(child<QPushButton>(&dialog, "addSocksButton"), Qt::LeftButton);
  const int row = socks->rowCount() - 1;
  socks->item(row, 0)->setText(QStringLiteral("socks2.example"));
  socks->item(row, 1)->setText(QStringLiteral("0"));
  QVERIFY(!save->isEnabled());
  socks->item(row, 1)->setText(QStringLiteral("1081"));
  QVERIFY(save->isEnabled());

  // Peer-to-peer: an interface list is checked in place; turning peer paths
  // off greys out what only matters with them on.
  auto* peer = child<QCheckBox>(&dialog, "peerToPeerCheck");
  auto* hide = child<QCheckBox>(&dialog, "hideLocalCheck");
  auto* interfaces = child<QLineEdit>(&dialog, "iceInterfacesEdit");
  QVERIFY(peer && hide && interfaces);
  QVERIFY(peer->isChecked());
  interfaces->setText(QStringLiteral("eth0, wl an!"));
  QVERIFY(!save->isEnabled());
  QVERIFY(interfaces->property("invalid").toBool());
  interfaces->setText(QStringLiteral("eth0, wlan*"));
  QVERIFY(save->isEnabled());
  hide->setChecked(true);
  dialog.showTab(SettingsDialog::PeerTab);
  parley::test::screenshot(&dialog, QStringLiteral("settings-peer-to-peer"));
  peer->setChecked(false);
  QVERIFY(!interfaces->isEnabled());
  peer->setChecked(true);

  dialog.showTab(SettingsDialog::ProxyTab);
  // Every control on every tab has a name a screen reader can say.
  int controls = 0;
  const QStringList unnamed = parley::test::unnamedControls(&dialog, &controls);
  QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
  QVERIFY2(controls >= 20, qPrintable(QString::number(controls)));  // the walk saw them
  QStringList order;
  const QStringList untabbable = parley::test::untabbableControls(&dialog, &order);
  QVERIFY2(untabbable.isEmpty(),
           qPrintable(untabbable.join(QStringLiteral(", ")) + QStringLiteral(" | order: ") +
                      order.join(QStringLiteral(", "))));
  parley::test::screenshot(&dialog, QStringLiteral("settings-dialog"));
  QTest::mouseClick(save, Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tmp.file()), kLocalWaitMs);

  SettingsStore reload(tmp.file());
  const LoadedSettings loaded = reload.load();
  QVERIFY(loaded.warnings.isEmpty());
  QCOMPARE(loaded.settings.server, QStringLiteral("parley.example.org"));
  QVERIFY(loaded.settings.manual_proxy);
  QCOMPARE(loaded.settings.proxy_host, QStringLiteral("proxy.corp.example"));
  QCOMPARE(loaded.settings.proxy_port, 3128);
  QCOMPARE(loaded.settings.pac_url, QStringLiteral("http://wpad.corp.example/wpad.dat"));
  QCOMPARE(loaded.settings.socks.size(), 2);
  QCOMPARE(loaded.settings.socks[1].host, QStringLiteral("socks2.example"));
  QCOMPARE(loaded.settings.socks[1].port, 1081);
  QVERIFY(loaded.settings.peer_to_peer);
  QVERIFY(loaded.settings.hide_local_addresses);
  QCOMPARE(loaded.settings.ice_interfaces, QStringLiteral("eth0, wlan*"));

  // A second dialog shows what was saved.
  SettingsDialog second(reload, secrets, nullptr);
  second.setSettings(loaded.settings);
  QCOMPARE(second.settings().proxy_host, QStringLiteral("proxy.corp.example"));
  QCOMPARE(second.settings().socks, loaded.settings.socks);
}

void SettingsGuiTest::dialogKeepsProxyPasswordInKeychainOnly() {
  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  MemorySecretStore secrets;
  SettingsDialog dialog(store, secrets, nullptr);
  child<QLineEdit>(&dialog, "proxyUserEdit")->setText(QStringLiteral("jdoe"));
  child<QLineEdit>(&dialog, "proxyPasswordEdit")->setText(QStringLiteral("s3cret-proxy"));
  QVERIFY(dialog.save());
  QTRY_COMPARE_WITH_TIMEOUT(secrets.contentsForTest()[proxySecretKey()],
                            QStringLiteral("s3cret-proxy"), kLocalWaitMs);
  QFile f(tmp.file());
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QByteArray contents = f.readAll();
  QVERIFY(contents.contains("jdoe"));
  QVERIFY(!contents.contains("s3cret-proxy"));

  // Reopened, the password comes back from the store.
  SettingsDialog again(store, secrets, nullptr);
  again.setSettings(store.load().settings);
  QTRY_COMPARE_WITH_TIMEOUT(child<QLineEdit>(&again, "proxyPasswordEdit")->text(),
                            QStringLiteral("s3cret-proxy"), kLocalWaitMs);
}

void SettingsGuiTest::dialogShowsMissingKeychain() {
  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  MemorySecretStore secrets;
  secrets.setFailureForTest(
      QStringLiteral("The system keychain is not available (no secret "
                     "service); the password is not remembered."));
  SettingsDialog dialog(store, secrets, nullptr);
  child<QLineEdit>(&dialog, "proxyPasswordEdit")->setText(QStringLiteral("pw"));
  QVERIFY(dialog.save());
  QTRY_VERIFY_WITH_TIMEOUT(
      child<QLabel>(&dialog, "keychainNote")->text().contains(QStringLiteral("not available")),
      kLocalWaitMs);
  QVERIFY(secrets.contentsForTest().empty());
  QFile f(tmp.file());
  QVERIFY(f.open(QIODevice::ReadOnly));
  QVERIFY(!f.readAll().contains("pw\n"));  // no plain-file fallback
}

QTEST_MAIN(SettingsGuiTest)
#include "settings_gui_test.moc"
