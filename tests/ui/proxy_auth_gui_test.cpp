// Proxy credential prompts: a proxy that answers 407 with
// `Proxy-Authenticate: Basic realm="Parley Lab"` makes the desktop client ask
// with a modal dialog that shows the realm; Cancel fails that attempt only;
// NTLM/Negotiate ask for a domain too. The proxy is a scripted fake on
// 127.0.0.1 (QTcpServer) that records what it was sent; one case signs in
// through a real squid (Basic, basic_ncsa_auth) started here on loopback.

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/ui/gui_test_support.h"
#include "ui/application/app_controller.h"
#include "ui/meeting/meeting_window.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/settings_dialog.h"
#include "ui/settings/settings_store.h"
#include "ui/sign_in/attempt_text.h"
#include "ui/sign_in/proxy_auth_dialog.h"
#include "ui/sign_in/race_table_model.h"
#include "ui/sign_in/sign_in_window.h"
#include "ui/sign_in/ui_credential_provider.h"

using parley::test::child;
using namespace parley::ui;

namespace {

constexpr int kWaitMs = parley::test::kProcessWaitMs;

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

constexpr const char* kSquid = "/usr/sbin/squid";
constexpr const char* kBasicNcsaAuth = "/usr/lib/squid/basic_ncsa_auth";
constexpr const char* kOpenssl = "/usr/bin/openssl";  // the htpasswd line (apr1)

// A real squid on 127.0.0.1 asking for Basic auth (basic_ncsa_auth against an
// htpasswd file), configured in a temporary directory and stopped by its PID
// (ChildProcess). Its own hosts file sends CONNECTs for `localhost` to
// `server_address`, so the proxy reaches a server the client cannot reach
// directly. Waits (bounded) until it accepts connections.
class LoopbackSquid {
 public:
  LoopbackSquid(const QString& user, const QString& password, const QString& realm,
                const QString& server_address) {
    // squid drops privileges (user proxy) and still writes its logs here.
    ::chmod(dir_.path().toLocal8Bit().constData(), 0777);
    auto hash = parley::test::runProgram(
        {kOpenssl, "passwd", "-apr1", "-salt", "parleygu", password.toStdString()});
    if (hash.exit_code != 0) {
      setup_error_ = QStringLiteral("openssl passwd failed: ") + QString::fromStdString(hash.err);
      return;
    }
    write("htpasswd", user + QLatin1Char(':') + QString::fromStdString(hash.out));
    write("hosts", server_address + QStringLiteral(" localhost\n"));
    {
      QTcpServer probe;  // a free loopback port for squid
      probe.listen(QHostAddress::LocalHost, 0);
      port_ = probe.serverPort();
    }
    const QString d = dir_.path();
    write(
        "squid.conf",
        QStringLiteral("http_port 127.0.0.1:%1\n").arg(port_) +
            QStringLiteral("pid_filename %1/squid.pid\ncache_log %1/cache.log\n"
                           "coredump_dir %1\nhosts_file %1/hosts\n")
                .arg(d) +
            QStringLiteral("access_log none\ncache deny all\ncache_mem 8 MB\n"
                           "shutdown_lifetime 0 seconds\n"
                           // Names not in the hosts file go nowhere but loopback.
                           "dns_nameservers 127.0.0.1\n") +
            QStringLiteral("auth_param basic program %1 %2/htpasswd\n")
                .arg(QString::fromLatin1(kBasicNcsaAuth), d) +
            QStringLiteral("auth_param basic children 2\nauth_param basic realm %1\n").arg(realm) +
            QStringLiteral("acl authed proxy_auth REQUIRED\nhttp_access allow authed\n"
                           "http_access deny all\n"));
    parley::test::ChildProcess::Options options;
    options.argv = {kSquid, "-N", "-f", (d + QStringLiteral("/squid.conf")).toStdString()};
    options.stderr_path = (d + QStringLiteral("/squid.err")).toStdString();
    process_ = std::make_unique<parley::test::ChildProcess>(options);
    ready_ = parley::test::eventually(
        [this] {
          if (!process_->running()) {
            return true;
          }
          QTcpSocket socket;
          socket.connectToHost(QHostAddress::LocalHost, port_);
          return socket.waitForConnected(200);
        },
        std::chrono::milliseconds(parley::test::kProcessWaitMs));
    ready_ = ready_ && process_->running();
  }
  // ChildProcess's destructor kills and reaps it; SIGTERM first for a clean exit.
  ~LoopbackSquid() {
    if (process_ && process_->running()) {
      process_->signal(SIGTERM);
      process_->waitFor(std::chrono::seconds(10));
    }
  }
  LoopbackSquid(const LoopbackSquid&) = delete;
  LoopbackSquid& operator=(const LoopbackSquid&) = delete;

  [[nodiscard]] bool ready() const { return ready_; }
  [[nodiscard]] quint16 port() const { return port_; }
  [[nodiscard]] QString log() const {
    return setup_error_ +
           QString::fromStdString(
               parley::test::readFile((dir_.path() + QStringLiteral("/cache.log")).toStdString()) +
               parley::test::readFile((dir_.path() + QStringLiteral("/squid.err")).toStdString()));
  }

 private:
  void write(const QString& name, const QString& text) const {
    const QString path = dir_.filePath(name);
    parley::test::writeFile(path.toStdString(), text.toStdString());
    ::chmod(path.toLocal8Bit().constData(), 0644);
  }

  QTemporaryDir dir_;
  quint16 port_ = 0;
  std::unique_ptr<parley::test::ChildProcess> process_;
  bool ready_ = false;
  QString setup_error_;
};

void skipUnlessInstalled(const char* path) {
  if (::access(path, X_OK) != 0) {
    // CTest reads 77 as "skipped" (SKIP_RETURN_CODE), with this line as the reason.
    std::printf("SKIP: %s is not installed\n", path);
    std::fflush(stdout);
    std::_Exit(77);
  }
}

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
  void signInThroughRealSquidBasicPrompt();
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
  QVERIFY(QTest::qWaitForWindowExposed(&dialog, parley::test::kLocalWaitMs));
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

// End to end through a real squid: the only way out configured is a manual
// proxy (127.0.0.1:<squid>), squid asks for Basic with its realm, the person
// types a wrong password, is asked again, types the right one, and the
// meeting window opens with the connection label naming the proxy.
//
// The direct route is unreachable without root or firewall rules: parleyd
// listens on 127.0.0.2 only, the client signs in to `localhost` (127.0.0.1,
// where nothing of ours listens, and ::1), and squid's own hosts file maps
// `localhost` to 127.0.0.2. The certificate names localhost, so TLS through
// the tunnel is checked as usual.
void ProxyAuthGuiTest::signInThroughRealSquidBasicPrompt() {
  skipUnlessInstalled(kSquid);
  skipUnlessInstalled(kBasicNcsaAuth);
  skipUnlessInstalled(kOpenssl);
  parley::test::ServerFixture::Options server_options;
  server_options.config["tcp"] = "[\"127.0.0.2:0\"]";
  parley::test::ServerFixture server(server_options);
  server.start();
  const QString realm = QStringLiteral("Parley GUI Lab");
  LoopbackSquid squid(QStringLiteral("labuser"), QStringLiteral("lab-pass-1"), realm,
                      QStringLiteral("127.0.0.2"));
  QVERIFY2(squid.ready(), qPrintable(squid.log()));
  const QString proxy = QStringLiteral("127.0.0.1:%1").arg(squid.port());

  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app({tmp.file(), &secrets});
  ConnectionSettings s;
  s.server = QStringLiteral("localhost");
  s.tls_port = server.port();  // the proxy CONNECTs here; direct finds nobody
  s.alt_port = server.port();
  s.ca_file = QString::fromStdString(server.caFile());
  s.user = QStringLiteral("alice");
  s.room = QStringLiteral("lobby");
  s.auto_detect = false;  // hermetic: no environment proxies, WPAD or default names
  s.socks.clear();
  s.manual_proxy = true;
  s.proxy_host = QStringLiteral("127.0.0.1");
  s.proxy_port = squid.port();
  app.prefill(s, QStringLiteral("alice-pw"));
  QList<QPointer<QWidget>> prompts;
  connect(app.prompter(), &CredentialPrompter::prompted, this,
          [&](QWidget* d) { prompts << QPointer<QWidget>(d); });
  app.show();
  QVERIFY(QTest::qWaitForWindowExposed(app.signInWindow(), parley::test::kLocalWaitMs));
  QTest::mouseClick(child<QPushButton>(app.signInWindow(), "signInButton"), Qt::LeftButton);

  // squid's 407: Basic, with its realm.
  QTRY_VERIFY_WITH_TIMEOUT(prompts.size() == 1 && prompts[0], kWaitMs);
  auto* first = qobject_cast<ProxyAuthDialog*>(prompts[0].data());
  QVERIFY(first);
  QVERIFY(first->isModal());
  QCOMPARE(first->realmText(), realm);
  auto* message = child<QLabel>(first, "proxyAuthMessage");
  QVERIFY2(message->text().contains(realm), qPrintable(message->text()));
  QVERIFY2(message->text().contains(proxy), qPrintable(message->text()));
  QVERIFY(!message->text().contains(QStringLiteral("not accepted")));
  QVERIFY(child<QLineEdit>(first, "proxyDomain") == nullptr);
  QTest::keyClicks(child<QLineEdit>(first, "proxyUser"), QStringLiteral("labuser"));
  QTest::keyClicks(child<QLineEdit>(first, "proxyPassword"), QStringLiteral("not-it"));
  QTest::keyClick(child<QLineEdit>(first, "proxyPassword"), Qt::Key_Return);

  // squid refused it: asked again, saying so.
  QTRY_VERIFY_WITH_TIMEOUT(prompts.size() == 2 && prompts[1], kWaitMs);
  auto* second = qobject_cast<ProxyAuthDialog*>(prompts[1].data());
  QVERIFY(second);
  QCOMPARE(second->realmText(), realm);
  QVERIFY2(
      child<QLabel>(second, "proxyAuthMessage")->text().contains(QStringLiteral("not accepted")),
      qPrintable(child<QLabel>(second, "proxyAuthMessage")->text()));
  auto* user = child<QLineEdit>(second, "proxyUser");
  user->clear();
  QTest::keyClicks(user, QStringLiteral("labuser"));
  QTest::keyClicks(child<QLineEdit>(second, "proxyPassword"), QStringLiteral("lab-pass-1"));
  QTest::keyClick(child<QLineEdit>(second, "proxyPassword"), Qt::Key_Return);

  QTRY_VERIFY_WITH_TIMEOUT(app.meetingWindow() != nullptr && app.meetingWindow()->isVisible(),
                           kWaitMs);
  QCOMPARE(prompts.size(), 2);
  MeetingWindow* meeting = app.meetingWindow();
  QCOMPARE(meeting->roomName(), QStringLiteral("lobby"));
  const QString connection = child<QLabel>(meeting, "connectionLabel")->text();
  QVERIFY2(connection.contains(QStringLiteral("via %1 (HTTP proxy)").arg(proxy)),
           qPrintable(connection));
  QVERIFY2(connection.contains(QStringLiteral("TLS 1.3")), qPrintable(connection));

  // The race shows it: the direct route failed, the proxy won.
  RaceTableModel* race = app.signInWindow()->race();
  bool direct_failed = false;
  for (const auto& e : race->events()) {
    direct_failed =
        direct_failed || (e.via.empty() && e.stage == parley::net::AttemptEvent::Stage::Failed);
  }
  QVERIFY(direct_failed);
  const int winner = race->winnerRow();
  QVERIFY(winner >= 0);
  QCOMPARE(race->data(race->index(winner, RaceTableModel::Via), Qt::DisplayRole).toString(), proxy);
}

QTEST_MAIN(ProxyAuthGuiTest)
#include "proxy_auth_gui_test.moc"
