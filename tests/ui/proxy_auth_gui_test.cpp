// Proxy credential prompts: a proxy that answers 407 with
// `Proxy-Authenticate: Basic realm="Parley Lab"` makes the desktop client ask
// with a modal dialog that shows the realm; Cancel fails that attempt only;
// NTLM/Negotiate ask for a domain too. The proxy is a scripted fake on
// 127.0.0.1 (QTcpServer) that records what it was sent.

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <optional>
#include <thread>

#include "support/server_fixture.h"
#include "ui/gui_test_support.h"
#include "ui/proxy_auth_dialog.h"
#include "ui/secret_store.h"
#include "ui/settings_dialog.h"
#include "ui/settings_store.h"
#include "ui/ui_credential_provider.h"

using parley::test::child;
using namespace parley::ui;

namespace {

constexpr int kWaitMs = 60000;

// Answers every request with 407 Basic realm="Parley Lab" and keeps the
// request heads it read (bounded).
class Fake407Proxy : public QObject {
 public:
  Fake407Proxy() {
    connect(&server_, &QTcpServer::newConnection, this, [this] {
      while (QTcpSocket* socket = server_.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
          buffer_[socket] += socket->readAll();
          if (buffer_[socket].size() > 64 * 1024) {
            socket->abort();
            return;
          }
          const int end = static_cast<int>(buffer_[socket].indexOf("\r\n\r\n"));
          if (end < 0) {
            return;
          }
          requests_ << QString::fromLatin1(buffer_[socket].left(end));
          buffer_[socket].remove(0, end + 4);
          socket->write(
              "HTTP/1.1 407 Proxy Authentication Required\r\n"
              "Proxy-Authenticate: Basic realm=\"Parley Lab\"\r\n"
              "Content-Length: 0\r\n\r\n");
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
      }
    });
    server_.listen(QHostAddress::LocalHost, 0);
  }
  [[nodiscard]] quint16 port() const { return server_.serverPort(); }
  [[nodiscard]] QStringList requests() const { return requests_; }

 private:
  QTcpServer server_;
  QHash<QTcpSocket*, QByteArray> buffer_;
  QStringList requests_;
};

parley::net::ProxyAuthChallenge basicChallenge() {
  parley::net::ProxyAuthChallenge c;
  c.proxy.kind = parley::net::ProxyKind::Http;
  c.proxy.host = "web-proxy";
  c.proxy.port = 8088;
  c.scheme = "Basic";
  c.realm = "Parley Lab";
  return c;
}

}  // namespace

class ProxyAuthGuiTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void basicPromptFromNetworkThreadShowsRealmAndAnswers();
  void cancelAnswersNothing();
  void ntlmAsksForDomain();
  void savedCredentialsAnswerWithoutPrompt();
  void proxyAsking407TriggersPromptWithRealm();
};

void ProxyAuthGuiTest::basicPromptFromNetworkThreadShowsRealmAndAnswers() {
  CredentialPrompter prompter;
  QPointer<QWidget> shown;
  connect(&prompter, &CredentialPrompter::prompted, this, [&](QWidget* d) { shown = d; });
  auto provider = std::make_shared<UiCredentialProvider>(&prompter);
  std::atomic<bool> answered{false};
  std::optional<parley::net::ProxyCredentials> got;
  std::mutex mu;
  // The race calls the provider on its network thread.
  std::thread network([&] {
    provider->requestCredentials(basicChallenge(), [&](auto creds) {
      std::lock_guard lock(mu);
      got = std::move(creds);
      answered = true;
    });
  });
  network.join();
  QTRY_VERIFY_WITH_TIMEOUT(shown != nullptr, kWaitMs);
  auto* dialog = qobject_cast<ProxyAuthDialog*>(shown.data());
  QVERIFY(dialog);
  QVERIFY(dialog->isModal());
  QCOMPARE(dialog->realmText(), QStringLiteral("Parley Lab"));
  QVERIFY(child<QLabel>(dialog, "proxyAuthMessage")->text().contains(QStringLiteral("Parley Lab")));
  QVERIFY(
      child<QLabel>(dialog, "proxyAuthMessage")->text().contains(QStringLiteral("web-proxy:8088")));
  QVERIFY(child<QLineEdit>(dialog, "proxyDomain") == nullptr);  // Basic has no domain
  QTest::keyClicks(child<QLineEdit>(dialog, "proxyUser"), QStringLiteral("labuser"));
  QTest::keyClicks(child<QLineEdit>(dialog, "proxyPassword"), QStringLiteral("labpass"));
  parley::test::screenshot(dialog, QStringLiteral("proxy-auth-dialog"));
  QTest::keyClick(child<QLineEdit>(dialog, "proxyPassword"), Qt::Key_Return);
  QTRY_VERIFY_WITH_TIMEOUT(answered.load(), kWaitMs);
  std::lock_guard lock(mu);
  QVERIFY(got.has_value());
  QCOMPARE(QString::fromStdString(got->user), QStringLiteral("labuser"));
  QCOMPARE(QString::fromStdString(got->password), QStringLiteral("labpass"));
}

void ProxyAuthGuiTest::cancelAnswersNothing() {
  CredentialPrompter prompter;
  QPointer<QWidget> shown;
  connect(&prompter, &CredentialPrompter::prompted, this, [&](QWidget* d) { shown = d; });
  UiCredentialProvider provider(&prompter);
  bool answered = false;
  std::optional<parley::net::ProxyCredentials> got{parley::net::ProxyCredentials{}};
  provider.requestCredentials(basicChallenge(), [&](auto creds) {
    got = std::move(creds);
    answered = true;
  });
  QTRY_VERIFY_WITH_TIMEOUT(shown != nullptr, kWaitMs);
  QTest::keyClick(shown.data(), Qt::Key_Escape);
  QTRY_VERIFY_WITH_TIMEOUT(answered, kWaitMs);
  QVERIFY(!got.has_value());
}

void ProxyAuthGuiTest::ntlmAsksForDomain() {
  parley::net::ProxyAuthChallenge c = basicChallenge();
  c.scheme = "NTLM";
  c.realm.clear();
  c.previous_failed = true;
  ProxyAuthDialog dialog(c, QStringLiteral("jdoe"), QStringLiteral("CORP"));
  QVERIFY(child<QLineEdit>(&dialog, "proxyDomain") != nullptr);
  QCOMPARE(child<QLineEdit>(&dialog, "proxyDomain")->text(), QStringLiteral("CORP"));
  QVERIFY(
      child<QLabel>(&dialog, "proxyAuthMessage")->text().contains(QStringLiteral("not accepted")));
  child<QLineEdit>(&dialog, "proxyPassword")->setText(QStringLiteral("pw"));
  const auto creds = dialog.credentials();
  QCOMPARE(QString::fromStdString(creds.domain), QStringLiteral("CORP"));
  QCOMPARE(QString::fromStdString(creds.user), QStringLiteral("jdoe"));
}

void ProxyAuthGuiTest::savedCredentialsAnswerWithoutPrompt() {
  CredentialPrompter prompter;
  bool prompted = false;
  connect(&prompter, &CredentialPrompter::prompted, this, [&](QWidget*) { prompted = true; });
  prompter.setSaved(QStringLiteral("saved"), QStringLiteral("pw"), QString());
  std::optional<parley::net::ProxyCredentials> got;
  prompter.ask(basicChallenge(), [&](auto creds) { got = std::move(creds); });
  QVERIFY(got.has_value());
  QCOMPARE(QString::fromStdString(got->user), QStringLiteral("saved"));
  QVERIFY(!prompted);
  // Refused once: now the user is asked.
  auto challenge = basicChallenge();
  challenge.previous_failed = true;
  prompter.ask(challenge, [](auto) {});
  QVERIFY(prompted);
}

// End to end: the settings dialog's Test connection races a manual HTTP
// proxy (the fake) while the direct routes are refused; the proxy's 407
// brings up the prompt with its realm; Cancel fails that attempt and the
// race ends with a message.
void ProxyAuthGuiTest::proxyAsking407TriggersPromptWithRealm() {
  parley::test::ServerFixture server;
  server.start();
  Fake407Proxy proxy;
  QVERIFY(proxy.port() != 0);

  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  MemorySecretStore secrets;
  CredentialPrompter prompter;
  QPointer<QWidget> shown;
  connect(&prompter, &CredentialPrompter::prompted, this, [&](QWidget* d) { shown = d; });
  SettingsDialog dialog(store, secrets, &prompter);
  ConnectionSettings s;
  s.server = QStringLiteral("127.0.0.1");
  s.tls_port = 1;  // direct is refused: only the proxy can reach the server
  s.alt_port = 1;
  s.ca_file = QString::fromStdString(server.caFile());
  s.auto_detect = false;
  s.socks.clear();
  s.manual_proxy = true;
  s.proxy_host = QStringLiteral("127.0.0.1");
  s.proxy_port = proxy.port();
  dialog.setSettings(s);
  dialog.show();
  QVERIFY(QTest::qWaitForWindowExposed(&dialog, kWaitMs));
  QTest::mouseClick(child<QPushButton>(&dialog, "testButton"), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(shown != nullptr, kWaitMs);
  auto* prompt = qobject_cast<ProxyAuthDialog*>(shown.data());
  QVERIFY(prompt);
  QCOMPARE(prompt->realmText(), QStringLiteral("Parley Lab"));
  QVERIFY(!proxy.requests().isEmpty());
  QVERIFY(proxy.requests().first().startsWith(QStringLiteral("CONNECT ")));
  QTest::keyClick(prompt, Qt::Key_Escape);
  QTRY_VERIFY_WITH_TIMEOUT(
      child<QLabel>(&dialog, "testSummary")->text().startsWith(QStringLiteral("No route")),
      kWaitMs);
}

QTEST_MAIN(ProxyAuthGuiTest)
#include "proxy_auth_gui_test.moc"
