// The desktop client against a real parleyd on loopback: signing in shows
// the meeting window with the participants and the chat of a headless
// parley-cli; a wrong password keeps the sign-in window with the reason;
// Test connection shows one row per attempt; remember-me uses the secret
// store (never a file); a dropped connection shows "reconnecting" and the
// chat catches up without duplicates; a remembered sign-in keeps the
// server's resume token in the secret store and presents it the next time
// (no Argon2 run, by the server's counters), and after a revocation falls
// back to the password.

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QTableView>
#include <QtTest>
#include <memory>

#include "tests/support/metrics_scrape.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/ui/gui_test_support.h"
#include "ui/application/app_controller.h"
#include "ui/application/session_bridge.h"
#include "ui/meeting/chat_view.h"
#include "ui/meeting/meeting_window.h"
#include "ui/meeting/participant_model.h"
#include "ui/secrets/resume_token_keeper.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/settings_dialog.h"
#include "ui/settings/settings_store.h"
#include "ui/sign_in/race_table_model.h"
#include "ui/sign_in/sign_in_window.h"

using parley::test::child;
using namespace parley::ui;

namespace {

constexpr int kWaitMs = parley::test::kProcessWaitMs;  // a sign-in, parleyd or parley-cli
constexpr int kExposeMs = parley::test::kLocalWaitMs;

ConnectionSettings loopback(const parley::test::ServerFixture& server, const QString& user) {
  ConnectionSettings s;
  s.server = QStringLiteral("127.0.0.1");
  s.tls_port = server.port();
  s.alt_port = server.port();
  s.ca_file = QString::fromStdString(server.caFile());
  s.user = user;
  s.room = QStringLiteral("lobby");
  // Hermetic: no environment proxies, WPAD or default names.
  s.auto_detect = false;
  s.socks.clear();
  return s;
}

int countContaining(const QStringList& lines, const QString& text) {
  int n = 0;
  for (const QString& line : lines) {
    n += line.contains(text) ? 1 : 0;
  }
  return n;
}

}  // namespace

class SignInGuiTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void cleanupTestCase();
  void signInShowsParticipantsAndChat();
  void wrongPasswordKeepsSignInWindow();
  void testConnectionShowsOneRowPerAttempt();
  void reconnectCatchesUpWithoutDuplicates();
  void cancelDuringSignInStaysSignedOut();
  void rememberedSignInPresentsTokenAndFallsBack();

 private:
  std::unique_ptr<parley::test::ServerFixture> server_;
};

void SignInGuiTest::initTestCase() {
  server_ = std::make_unique<parley::test::ServerFixture>();
  server_->start();
}

void SignInGuiTest::cleanupTestCase() { server_.reset(); }

void SignInGuiTest::signInShowsParticipantsAndChat() {
  parley::test::CliOptions bob_options;
  bob_options.user = "bob";
  bob_options.password = "bob-pw";
  bob_options.say = {"hello from bob"};
  bob_options.for_seconds = parley::test::CliOptions::kUntilStopped;  // ended below
  parley::test::CliProcess bob(*server_, bob_options);
  // No window yet, so no event loop to keep running; ends early if bob exits.
  QVERIFY2(bob.waitForEvent("sent", {}, std::chrono::seconds(kWaitMs / 1000)),
           parley::test::cliReport(bob).constData());

  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app({tmp.file(), &secrets});
  ConnectionSettings s = loopback(*server_, QStringLiteral("alice"));
  s.remember_password = true;
  app.prefill(s, QStringLiteral("alice-pw"));
  app.show();
  QVERIFY(QTest::qWaitForWindowExposed(app.signInWindow(), kExposeMs));
  QTest::mouseClick(child<QPushButton>(app.signInWindow(), "signInButton"), Qt::LeftButton);

  QTRY_VERIFY_WITH_TIMEOUT(app.meetingWindow() != nullptr && app.meetingWindow()->isVisible(),
                           kWaitMs);
  MeetingWindow* meeting = app.meetingWindow();
  QVERIFY(!app.signInWindow()->isVisible());
  QTRY_VERIFY_WITH_TIMEOUT(meeting->participants()->names().contains(QStringLiteral("bob")),
                           kWaitMs);
  QVERIFY(meeting->participants()->names().contains(QStringLiteral("alice")));
  QTRY_VERIFY_WITH_TIMEOUT(countContaining(meeting->chat()->messageTextsForTest(),
                                           QStringLiteral("hello from bob")) == 1,
                           kWaitMs);
  QCOMPARE(meeting->roomName(), QStringLiteral("lobby"));
  QVERIFY(child<QLabel>(meeting, "connectionLabel")->text().contains(QStringLiteral("TLS 1.3")));
  // The race had a winner, and the table showed it.
  QVERIFY(app.signInWindow()->race()->rowCount() >= 1);
  QVERIFY(app.signInWindow()->race()->winnerRow() >= 0);

  // Remember me: in the secret store, not in the settings file.
  QTRY_COMPARE_WITH_TIMEOUT(secrets.contentsForTest()[signInSecretKey(QStringLiteral("127.0.0.1"),
                                                                      QStringLiteral("alice"))],
                            QStringLiteral("alice-pw"), kWaitMs);
  // QSettings writes its file on its own schedule: wait for it, then look.
  QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tmp.file()), kWaitMs);
  QFile f(tmp.file());
  QVERIFY(f.open(QIODevice::ReadOnly));
  QVERIFY(!f.readAll().contains("alice-pw"));

  // Our own message: shown once, and bob receives it.
  auto* input = child<QLineEdit>(meeting, "chatInput");
  QTest::keyClicks(input, QStringLiteral("hi bob, alice here"));
  QTest::keyClick(input, Qt::Key_Return);
  QTRY_VERIFY_WITH_TIMEOUT(countContaining(meeting->chat()->messageTextsForTest(),
                                           QStringLiteral("hi bob, alice here")) == 1 &&
                               countContaining(meeting->chat()->messageTextsForTest(),
                                               QStringLiteral("sending")) == 0,
                           kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(
      [&] {
        for (const auto& line : bob.linesSoFar()) {
          if (line.find("hi bob, alice here") != std::string::npos) {
            return true;
          }
        }
        return false;
      }(),
      kWaitMs);
  // Every control a screen reader reaches has a name.
  int controls = 0;
  const QStringList unnamed = parley::test::unnamedControls(meeting, &controls);
  QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
  QVERIFY2(controls >= 10, qPrintable(QString::number(controls)));  // the walk saw them
  // And a keyboard reaches each of them with Tab, with no trap on the way.
  QStringList order;
  const QStringList untabbable = parley::test::untabbableControls(meeting, &order);
  QVERIFY2(untabbable.isEmpty(),
           qPrintable(untabbable.join(QStringLiteral(", ")) + QStringLiteral(" | order: ") +
                      order.join(QStringLiteral(", "))));
  parley::test::screenshot(meeting, QStringLiteral("meeting-window"));

  // Leave: back to the sign-in window.
  QTest::keySequence(meeting, QKeySequence(QStringLiteral("Ctrl+W")));
  QTRY_VERIFY_WITH_TIMEOUT(app.signInWindow()->isVisible(), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(!app.inMeeting(), kWaitMs);
  const parley::test::CliRun bob_run = bob.stop();
  QVERIFY2(bob_run.exit_code == 0, bob_run.err.c_str());
}

void SignInGuiTest::wrongPasswordKeepsSignInWindow() {
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app({tmp.file(), &secrets});
  ConnectionSettings s = loopback(*server_, QStringLiteral("carol"));
  // A closed first port as well, so the table shows a failed route and the
  // winner (the screenshot of the sign-in window comes from here).
  s.tls_port = 1;
  app.prefill(s, QStringLiteral("not-carols-password"));
  app.show();
  QVERIFY(QTest::qWaitForWindowExposed(app.signInWindow(), kExposeMs));
  QSignalSpy failed(&app, &AppController::signInFailed);
  app.signIn();
  QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWaitMs);
  const QString message = app.signInWindow()->message();
  QVERIFY2(message.contains(QStringLiteral("did not accept")), qPrintable(message));
  QVERIFY(app.signInWindow()->isVisible());
  QVERIFY(!app.signInWindow()->busy());
  QVERIFY(!app.inMeeting());
  QVERIFY(app.signInWindow()->race()->rowCount() >= 2);
  QVERIFY(app.signInWindow()->race()->winnerRow() >= 0);
  // The user can correct the password and try again.
  QVERIFY(child<QPushButton>(app.signInWindow(), "signInButton")->isEnabled());
  QVERIFY(child<QLineEdit>(app.signInWindow(), "passwordEdit")->isEnabled());
  parley::test::screenshot(app.signInWindow(), QStringLiteral("sign-in-window"));
}

void SignInGuiTest::testConnectionShowsOneRowPerAttempt() {
  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  MemorySecretStore secrets;
  SettingsDialog dialog(store, secrets, nullptr);
  ConnectionSettings s = loopback(*server_, QStringLiteral("alice"));
  s.tls_port = 1;  // refused: a second, failing row
  dialog.setSettings(s);
  dialog.show();
  QVERIFY(QTest::qWaitForWindowExposed(&dialog, kExposeMs));
  auto* test = child<QPushButton>(&dialog, "testButton");
  QVERIFY(test->isEnabled());
  QTest::mouseClick(test, Qt::LeftButton);
  auto* summary = child<QLabel>(&dialog, "testSummary");
  QTRY_VERIFY_WITH_TIMEOUT(summary->text().startsWith(QStringLiteral("Connected")), kWaitMs);
  auto* table = child<QTableView>(&dialog, "testRaceTable");
  auto* model = qobject_cast<RaceTableModel*>(table->model());
  QVERIFY(model);
  // One row per distinct attempt id the race reported, and a winner.
  QSet<int> ids;
  for (const auto& e : model->events()) {
    ids.insert(e.id);
  }
  QCOMPARE(model->rowCount(), ids.size());
  QVERIFY(model->rowCount() >= 2);
  QVERIFY(model->winnerRow() >= 0);
  bool saw_failed_first_port = false;
  for (int row = 0; row < model->rowCount(); ++row) {
    const QString target =
        model->data(model->index(row, RaceTableModel::Target), Qt::DisplayRole).toString();
    const QString stage =
        model->data(model->index(row, RaceTableModel::Stage), Qt::DisplayRole).toString();
    if (target.endsWith(QStringLiteral(":1")) || target.contains(QStringLiteral(":1 "))) {
      saw_failed_first_port = stage == QStringLiteral("failed");
    }
  }
  QVERIFY(saw_failed_first_port);
  parley::test::screenshot(&dialog, QStringLiteral("settings-test-connection"));
}

void SignInGuiTest::reconnectCatchesUpWithoutDuplicates() {
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app({tmp.file(), &secrets});
  app.prefill(loopback(*server_, QStringLiteral("alice")), QStringLiteral("alice-pw"));
  app.show();
  app.signIn();
  QTRY_VERIFY_WITH_TIMEOUT(app.meetingWindow() != nullptr && app.meetingWindow()->isVisible(),
                           kWaitMs);
  MeetingWindow* meeting = app.meetingWindow();
  app.bridge()->dropConnectionForTest();
  // While it is down, bob says something; alice must get it exactly once.
  parley::test::CliOptions bob_options;
  bob_options.user = "bob";
  bob_options.password = "bob-pw";
  bob_options.say = {"said while alice was away"};
  bob_options.for_seconds = 0;
  auto run = parley::test::runCli(*server_, bob_options);
  QCOMPARE(run.exit_code, 0);
  QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(meeting, "reconnectBanner")->isVisible() ||
                               countContaining(meeting->chat()->messageTextsForTest(),
                                               QStringLiteral("Reconnected")) > 0,
                           kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(countContaining(meeting->chat()->messageTextsForTest(),
                                           QStringLiteral("said while alice was away")) == 1,
                           kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(!child<QLabel>(meeting, "reconnectBanner")->isVisible(), kWaitMs);
  // Still exactly once after everything settled. A negative check: a
  // duplicate arriving later than this window would be missed, but a slow
  // machine can only make it pass, never fail.
  QTest::qWait(500);
  QCOMPARE(countContaining(meeting->chat()->messageTextsForTest(),
                           QStringLiteral("said while alice was away")),
           1);
  QCOMPARE(countContaining(meeting->chat()->messageTextsForTest(),
                           QStringLiteral("hello from bob")),
           1);
}

void SignInGuiTest::cancelDuringSignInStaysSignedOut() {
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app({tmp.file(), &secrets});
  app.prefill(loopback(*server_, QStringLiteral("alice")), QStringLiteral("alice-pw"));
  app.show();
  app.signIn();
  QVERIFY(app.signInWindow()->busy());
  auto* cancel = child<QPushButton>(app.signInWindow(), "cancelButton");
  QVERIFY(cancel->isVisible());
  QTest::mouseClick(cancel, Qt::LeftButton);  // before any network event is handled
  QVERIFY(!app.signInWindow()->busy());
  QVERIFY(app.signInWindow()->message().contains(QStringLiteral("cancelled")));
  // Events of the cancelled session that were already queued change nothing.
  // A negative check: on a slow machine fewer of them arrive within the
  // window, which can only make it pass, never fail.
  QTest::qWait(1000);
  QVERIFY(!app.inMeeting());
  QVERIFY(app.signInWindow()->isVisible());
  QVERIFY(!app.bridge()->active());
}

namespace {

// Signs in (the window's Sign in) and waits for the meeting window.
void signInToMeeting(AppController& app) {
  app.show();
  QVERIFY(QTest::qWaitForWindowExposed(app.signInWindow(), kExposeMs));
  app.signIn();
  QTRY_VERIFY_WITH_TIMEOUT(app.meetingWindow() != nullptr && app.meetingWindow()->isVisible(),
                           kWaitMs);
}

void leaveMeeting(AppController& app) {
  // Ctrl+W is the meeting window's own shortcut: it acts only once that
  // window is the active one, which the platform makes it a few events
  // after the show (on a loaded machine the key came first, and nothing left).
  QVERIFY2(QTest::qWaitForWindowActive(app.meetingWindow(), kExposeMs),
           qPrintable(
               QStringLiteral("active window: %1")
                   .arg(QApplication::activeWindow() != nullptr
                            ? QApplication::activeWindow()->objectName() + QStringLiteral(" (") +
                                  QString::fromLatin1(
                                      QApplication::activeWindow()->metaObject()->className()) +
                                  QStringLiteral(")")
                            : QStringLiteral("none"))));
  QTest::keySequence(app.meetingWindow(), QKeySequence(QStringLiteral("Ctrl+W")));
  QTRY_VERIFY_WITH_TIMEOUT(app.signInWindow()->isVisible() && !app.inMeeting(), kWaitMs);
}

}  // namespace

void SignInGuiTest::rememberedSignInPresentsTokenAndFallsBack() {
  // A server of its own, with metrics, so the counters start at zero.
  parley::test::ServerFixture::Options options;
  options.config = {{"enabled", "true"}, {"address", "\"127.0.0.1:0\""}};
  parley::test::ServerFixture server(options);
  server.start();
  auto metric = [&server](const std::string& series) {
    return parley::test::metricSample(parley::test::scrapeMetrics(
                                          parley::test::metricsPort(server.dir())),
                                      series);
  };
  const QString token_key =
      resumeTokenSecretKey(QStringLiteral("127.0.0.1"), QStringLiteral("alice"));
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  ConnectionSettings s = loopback(server, QStringLiteral("alice"));
  s.remember_password = true;

  // First sign-in: the password (one Argon2 run); the token and this
  // install's instance id land in the secret store.
  QString first_token;
  QString instance;
  {
    AppController first({tmp.file(), &secrets});
    first.prefill(s, QStringLiteral("alice-pw"));
    signInToMeeting(first);
    if (QTest::currentTestFailed()) {
      return;
    }
    QTRY_VERIFY_WITH_TIMEOUT(!secrets.contentsForTest()[token_key].isEmpty(), kWaitMs);
    first_token = secrets.contentsForTest()[token_key];
    instance = secrets.contentsForTest()[clientInstanceSecretKey(QStringLiteral("127.0.0.1"),
                                                                 QStringLiteral("alice"))];
    QVERIFY(!instance.isEmpty());
    QCOMPARE(metric("parley_password_hashes_total"), 1LL);
    QCOMPARE(metric("parley_resume_token_sign_ins_total"), 0LL);
    leaveMeeting(first);
  }

  // The client started again: it presents the saved token, Argon2 does not
  // run, and the rotated token replaces the saved one.
  AppController app({tmp.file(), &secrets});
  app.prefill(s, QStringLiteral("alice-pw"));
  signInToMeeting(app);
  if (QTest::currentTestFailed()) {
    return;
  }
  QCOMPARE(metric("parley_resume_token_sign_ins_total"), 1LL);
  QCOMPARE(metric("parley_password_hashes_total"), 1LL);
  QTRY_VERIFY_WITH_TIMEOUT(!secrets.contentsForTest()[token_key].isEmpty() &&
                               secrets.contentsForTest()[token_key] != first_token,
                           kWaitMs);
  QCOMPARE(secrets.contentsForTest()[clientInstanceSecretKey(QStringLiteral("127.0.0.1"),
                                                             QStringLiteral("alice"))],
           instance);
  const QString second_token = secrets.contentsForTest()[token_key];
  leaveMeeting(app);

  // Revoked by the administrator: the token is refused, the client signs in
  // with the password without bothering the user, and saves the new token.
  const auto revoke =
      parley::test::runProgram({parley::test::parleydPath(), "user", "revoke-tokens", "alice",
                                "--config", server.configFile()});
  QVERIFY2(revoke.exit_code == 0, (revoke.out + revoke.err).c_str());
  signInToMeeting(app);
  if (QTest::currentTestFailed()) {
    return;
  }
  QCOMPARE(metric("parley_sign_in_failures_total{reason=\"resume_token_unknown\"}"), 1LL);
  QCOMPARE(metric("parley_password_hashes_total"), 2LL);
  QCOMPARE(metric("parley_resume_token_sign_ins_total"), 1LL);
  QTRY_VERIFY_WITH_TIMEOUT(!secrets.contentsForTest()[token_key].isEmpty() &&
                               secrets.contentsForTest()[token_key] != second_token,
                           kWaitMs);
  leaveMeeting(app);

  // Never in the settings file.
  QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tmp.file()), kWaitMs);
  QFile f(tmp.file());
  QVERIFY(f.open(QIODevice::ReadOnly));
  const QByteArray file = f.readAll();
  QVERIFY(!file.contains(secrets.contentsForTest()[token_key].toLatin1()));
  QVERIFY(!file.contains(instance.toLatin1()));

  // Not remembered any more: the saved token is forgotten.
  s.remember_password = false;
  app.prefill(s, QStringLiteral("alice-pw"));
  signInToMeeting(app);
  QTRY_VERIFY_WITH_TIMEOUT(secrets.contentsForTest().count(token_key) == 0, kWaitMs);
  QCOMPARE(metric("parley_password_hashes_total"), 3LL);
  leaveMeeting(app);

  // Another account on the same install gets an instance of its own (the
  // server binds an instance to the first account that used it).
  ConnectionSettings bob = loopback(server, QStringLiteral("bob"));
  bob.remember_password = true;
  app.prefill(bob, QStringLiteral("bob-pw"));
  signInToMeeting(app);
  const QString bob_instance =
      secrets.contentsForTest()[clientInstanceSecretKey(QStringLiteral("127.0.0.1"),
                                                        QStringLiteral("bob"))];
  QVERIFY(!bob_instance.isEmpty());
  QVERIFY(bob_instance != instance);
}

QTEST_MAIN(SignInGuiTest)
#include "sign_in_gui_test.moc"
