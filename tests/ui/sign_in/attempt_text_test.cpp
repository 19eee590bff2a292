// The words a person reads when signing in fails (ui/attempt_text): which
// advice wins for a given session error and race, what it says, and which
// button the sign-in window offers next to it (and what that button does).
// Pure functions and one widget; no server, no network.

#include <QAction>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTranslator>
#include <QtTest>

#include "tests/ui/gui_test_support.h"
#include "ui/application/app_controller.h"
#include "ui/application/resources_init.h"
#include "ui/meeting/meeting_window.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/settings_dialog.h"
#include "ui/sign_in/attempt_text.h"
#include "ui/sign_in/sign_in_window.h"

using parley::Error;
using parley::ErrorCode;
using parley::net::AttemptEvent;
using parley::test::child;
using namespace parley::ui;

Q_DECLARE_METATYPE(parley::ErrorCode)
Q_DECLARE_METATYPE(parley::ui::FailureAdvice::Action)
Q_DECLARE_METATYPE(std::vector<parley::net::AttemptEvent>)

namespace {

constexpr const char* kInspectionDetail =
    "the certificate presented for parley.example.org was issued by "
    "'CN=Corp Inspection CA,O=Example Corp', not by this deployment's pinned Parley CA; the "
    "connection may be under inspection by a proxy, and Parley does not allow that";

AttemptEvent failed(const std::string& method, const std::string& via, ErrorCode code,
                    const std::string& detail) {
  AttemptEvent e;
  e.method = method;
  e.via = via;
  e.stage = AttemptEvent::Stage::Failed;
  e.error = code;
  e.detail = detail;
  return e;
}

AttemptEvent directRefused() {
  return failed("direct", "", ErrorCode::ConnectionRefused, "connection refused");
}

AttemptEvent proxyAsked() {
  return failed("http", "web-proxy:8088", ErrorCode::ProxyAuthRequired,
                "proxy web-proxy:8088 requires Basic realm=\"Corp\"; no credentials were entered");
}

AttemptEvent inspected() {
  return failed("http", "bump:3128", ErrorCode::TlsInspection, kInspectionDetail);
}

}  // namespace

class AttemptTextTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void advice_data();
  void advice();
  void inspectionNamesTheIssuerOnce();
  void onlyFailedAttemptsCount();
  void connectionTextNamesTheRoute();
  void actionButtonFollowsTheAdvice();
  void credentialsButtonOpensProxySignInTab();
  void germanIsLoadedForEveryKindOfString();
};

// One row per rule of adviceFor: the session's error, the race's events, and
// what the person must be told (text that must be in the message, text that
// must not), the button and the proxy it is for.
void AttemptTextTest::advice_data() {
  QTest::addColumn<ErrorCode>("code");
  QTest::addColumn<QString>("detail");
  QTest::addColumn<std::vector<AttemptEvent>>("attempts");
  QTest::addColumn<QString>("says");
  QTest::addColumn<QString>("notSays");
  QTest::addColumn<FailureAdvice::Action>("action");
  QTest::addColumn<QString>("proxy");
  using A = FailureAdvice::Action;
  const std::vector<AttemptEvent> none;

  QTest::newRow("wrong sign-in password") << ErrorCode::AuthFailed << "bad password" << none
                                          << "The server did not accept this user name and password"
                                          << "" << A::None << "";
  // The server answered, so a proxy that asked on another route is beside the point.
  QTest::newRow("wrong sign-in password beats a proxy that asked")
      << ErrorCode::AuthFailed << "" << std::vector{proxyAsked()} << "did not accept this user name"
      << "requires authentication" << A::None << "";
  QTest::newRow("rate limited") << ErrorCode::RateLimited << "" << none
                                << "Too many sign-in attempts"
                                << "" << A::None << "";
  QTest::newRow("room name refused")
      << ErrorCode::InvalidRoomName << "room names are 1-64 characters" << none
      << "does not accept this room name: room names are 1-64 characters"
      << "" << A::None << "";
  QTest::newRow("cannot start: settings")
      << ErrorCode::InvalidArgument << "no CA file" << none
      << "cannot start the connection: no CA file. Check Settings."
      << "" << A::Settings << "";
  QTest::newRow("old client") << ErrorCode::UnsupportedVersion << "server speaks v9" << none
                              << "(server speaks v9). Update Parley."
                              << "" << A::None << "";

  QTest::newRow("proxy requires authentication: credentials button")
      << ErrorCode::ProxyAuthRequired << "cannot reach parley.example.org by any route"
      << std::vector{directRefused(), proxyAsked()}
      << "Proxy web-proxy:8088 requires authentication. Enter the user name and password"
      << "could not reach" << A::ProxyCredentials << "web-proxy:8088";
  // The aggregate code may say "all failed"; a proxy that asked is still the
  // thing the person can fix.
  QTest::newRow("all failed, but a proxy asked")
      << ErrorCode::AllAttemptsFailed << "cannot reach parley.example.org by any route"
      << std::vector{directRefused(), proxyAsked()} << "Proxy web-proxy:8088 requires"
      << "could not reach" << A::ProxyCredentials << "web-proxy:8088";

  QTest::newRow("inspection, from the race")
      << ErrorCode::AllAttemptsFailed << "cannot reach parley.example.org by any route"
      << std::vector{directRefused(), inspected()}
      << "Your network inspects encrypted traffic (certificate issued by CN=Corp Inspection "
         "CA,O=Example Corp). Parley does not allow that."
      << "requires authentication" << A::None << "";
  // Someone reading the traffic matters more than a password prompt.
  QTest::newRow("inspection beats a proxy that asked")
      << ErrorCode::ProxyAuthRequired << "" << std::vector{proxyAsked(), inspected()}
      << "(certificate issued by CN=Corp Inspection CA,O=Example Corp)"
      << "requires authentication" << A::None << "";
  QTest::newRow("inspection, from the session error only")
      << ErrorCode::TlsInspection
      << QString::fromLatin1(
             "cannot reach parley.example.org by any route: http via "
             "bump:3128: ") +
             QString::fromLatin1(kInspectionDetail)
      << none << "(certificate issued by CN=Corp Inspection CA,O=Example Corp)"
      << "requires authentication" << A::None << "";

  QTest::newRow("TLS handshake: check the CA file")
      << ErrorCode::TlsHandshakeFailed << "certificate refused: expired" << none
      << "(certificate refused: expired). Check the CA certificate file in Settings."
      << "" << A::Settings << "";
  QTest::newRow("TLS policy") << ErrorCode::TlsPolicy << "TLS 1.2 offered" << none
                              << "could not be set up (TLS 1.2 offered)"
                              << "" << A::Settings << "";
  QTest::newRow("nothing got through: settings, with the reasons")
      << ErrorCode::AllAttemptsFailed << "direct: refused; socks-server:1080: timed out"
      << std::vector{directRefused()} << "could not reach the server by any route"
      << "requires authentication" << A::Settings << "";
}

void AttemptTextTest::advice() {
  QFETCH(ErrorCode, code);
  QFETCH(QString, detail);
  QFETCH(std::vector<AttemptEvent>, attempts);
  QFETCH(QString, says);
  QFETCH(QString, notSays);
  QFETCH(FailureAdvice::Action, action);
  QFETCH(QString, proxy);
  const Error error{code, detail.toStdString()};
  const FailureAdvice advice = adviceFor(error, attempts);
  QVERIFY2(advice.message.contains(says), qPrintable(advice.message));
  if (!notSays.isEmpty()) {
    QVERIFY2(!advice.message.contains(notSays), qPrintable(advice.message));
  }
  QCOMPARE(advice.action, action);
  QCOMPARE(advice.proxy, proxy);
  if (code == ErrorCode::AllAttemptsFailed && action == FailureAdvice::Action::Settings) {
    // The generic advice keeps the reasons, for the person who reports it.
    QVERIFY2(advice.message.contains(QString::fromStdString(error.toString())),
             qPrintable(advice.message));
  }
}

// The issuer is said once, plainly; the long technical detail of the check
// (which already says "Parley does not allow that") is not pasted in.
void AttemptTextTest::inspectionNamesTheIssuerOnce() {
  const FailureAdvice advice =
      adviceFor(Error{ErrorCode::AllAttemptsFailed, "x"}, {directRefused(), inspected()});
  QCOMPARE(advice.message.count(QStringLiteral("CN=Corp Inspection CA")), 1);
  QCOMPARE(advice.message.count(QStringLiteral("does not allow")), 1);
  QVERIFY2(!advice.message.contains(QStringLiteral("pinned")), qPrintable(advice.message));
  // A detail without the issuer in it is shown as it is.
  const FailureAdvice bare = adviceFor(Error{ErrorCode::TlsInspection, "odd proxy"}, {});
  QVERIFY2(bare.message.contains(QStringLiteral("Your network inspects encrypted traffic (odd "
                                                "proxy)")),
           qPrintable(bare.message));
}

// An attempt that asked for a password and then went on (or was cancelled)
// is not a reason to show the credentials button.
void AttemptTextTest::onlyFailedAttemptsCount() {
  AttemptEvent asked = proxyAsked();
  asked.stage = AttemptEvent::Stage::ProxyAuth;
  AttemptEvent cancelled = proxyAsked();
  cancelled.stage = AttemptEvent::Stage::Cancelled;
  const FailureAdvice advice =
      adviceFor(Error{ErrorCode::AllAttemptsFailed, "x"}, {asked, cancelled, directRefused()});
  QCOMPARE(advice.action, FailureAdvice::Action::Settings);
  QVERIFY(!advice.message.contains(QStringLiteral("requires authentication")));
  AttemptEvent other_inspection = inspected();
  other_inspection.stage = AttemptEvent::Stage::ProxyAuth;
  QVERIFY(!adviceFor(Error{ErrorCode::AllAttemptsFailed, "x"}, {other_inspection})
               .message.contains(QStringLiteral("inspects")));
}

void AttemptTextTest::connectionTextNamesTheRoute() {
  parley::client::ConnectionInfo info;
  info.method = "http";
  info.via = "web-proxy:8088";
  info.address = "10.0.0.8";
  info.port = 443;
  info.tls_version = "TLSv1.3";
  info.cipher = "TLS_AES_256_GCM_SHA384";
  QCOMPARE(connectionText(info), QStringLiteral("via web-proxy:8088 (HTTP proxy), TLS 1.3 "
                                                "AES-256-GCM"));
  info.method = "direct";
  info.via.clear();
  info.address = "192.0.2.7";
  info.port = 5228;
  QCOMPARE(connectionText(info), QStringLiteral("direct to 192.0.2.7:5228, TLS 1.3 AES-256-GCM"));
  QCOMPARE(methodText("socks4a"), QStringLiteral("SOCKS4a"));
  QCOMPARE(methodText("direct:443"), QStringLiteral("Direct"));
  QCOMPARE(stageText(AttemptEvent::Stage::ProxyAuth), QStringLiteral("proxy asks for a password"));
}

// The sign-in window shows the advice and the one button that helps, and
// the button asks for the right thing.
void AttemptTextTest::actionButtonFollowsTheAdvice() {
  SignInWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window, parley::test::kLocalWaitMs));
  auto* button = child<QPushButton>(&window, "actionButton");
  QVERIFY(button);
  QSignalSpy credentials(&window, &SignInWindow::proxyCredentialsRequested);
  QSignalSpy settings(&window, &SignInWindow::settingsRequested);

  const FailureAdvice ask =
      adviceFor(Error{ErrorCode::ProxyAuthRequired, "x"}, {directRefused(), proxyAsked()});
  window.showFailure(ask);
  QCOMPARE(window.message(), ask.message);
  QVERIFY(button->isVisible());
  QVERIFY2(button->text().contains(QStringLiteral("proxy credentials")),
           qPrintable(button->text()));
  QTest::mouseClick(button, Qt::LeftButton);
  QCOMPARE(credentials.count(), 1);
  QCOMPARE(credentials.at(0).at(0).toString(), QStringLiteral("web-proxy:8088"));
  QCOMPARE(settings.count(), 0);

  window.showFailure(adviceFor(Error{ErrorCode::AllAttemptsFailed, "x"}, {directRefused()}));
  QVERIFY(button->isVisible());
  QVERIFY2(button->text().contains(QStringLiteral("settings")), qPrintable(button->text()));
  QTest::mouseClick(button, Qt::LeftButton);
  QCOMPARE(settings.count(), 1);
  QCOMPARE(settings.at(0).at(0).toInt(), int(SettingsDialog::ProxyTab));
  QCOMPARE(credentials.count(), 1);

  window.showFailure(adviceFor(Error{ErrorCode::AuthFailed, ""}, {}));
  QVERIFY(!button->isVisible());
  // A note or a new sign-in takes the button away too.
  window.showFailure(ask);
  QVERIFY(button->isVisible());
  window.showNote(QStringLiteral("Sign-in cancelled."));
  QVERIFY(!button->isVisible());
  window.showFailure(ask);
  window.setBusy(true);
  QVERIFY(!button->isVisible());
}

// In the app, "Enter proxy credentials…" opens the settings on the proxy
// sign-in tab.
void AttemptTextTest::credentialsButtonOpensProxySignInTab() {
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app({tmp.file(), &secrets});
  app.show();
  QVERIFY(QTest::qWaitForWindowExposed(app.signInWindow(), parley::test::kLocalWaitMs));
  app.signInWindow()->showFailure(
      adviceFor(Error{ErrorCode::ProxyAuthRequired, "x"}, {directRefused(), proxyAsked()}));
  QTest::mouseClick(child<QPushButton>(app.signInWindow(), "actionButton"), Qt::LeftButton);
  SettingsDialog* dialog = app.settingsDialog();
  QVERIFY(dialog);
  QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), parley::test::kLocalWaitMs);
  auto* tabs = dialog->findChild<QTabWidget*>();
  QVERIFY(tabs);
  QCOMPARE(tabs->currentIndex(), int(SettingsDialog::AuthTab));
}

// The German translation as the client installs it (app/parley/main.cpp):
// strings of a free tr() helper (attempt_text.cpp), of an explicit context
// (settings_store.cpp) and of a window's own tr() all come out in German,
// so the contexts the code asks for are the ones lupdate filed them under.
void AttemptTextTest::germanIsLoadedForEveryKindOfString() {
  initResources();
  QTranslator german;
  QVERIFY(german.load(QStringLiteral(":/i18n/parley_de.qm")));
  QVERIFY(QCoreApplication::installTranslator(&german));
  const QString stage = stageText(AttemptEvent::Stage::Started);
  const QString store =
      QCoreApplication::translate("SettingsStore", "The settings could not be written to %1.");
  auto window = std::make_unique<MeetingWindow>();
  auto* leave = window->findChild<QAction*>(QStringLiteral("leaveAction"));
  const QString leave_text = leave != nullptr ? leave->text() : QString();
  window.reset();
  QCoreApplication::removeTranslator(&german);
  QCOMPARE(stage, QStringLiteral("wird gestartet"));
  QVERIFY2(!store.startsWith(QStringLiteral("The settings")), qPrintable(store));
  QCOMPARE(leave_text, QStringLiteral("&Verlassen"));
  QCOMPARE(stageText(AttemptEvent::Stage::Started), QStringLiteral("starting"));
}

QTEST_MAIN(AttemptTextTest)
#include "attempt_text_test.moc"
