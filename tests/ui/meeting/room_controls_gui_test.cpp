// The room owner's controls in the desktop client, against a real parleyd:
// the creator of a room sees Lock room, Who may join… and Remove above the
// participants list; locking refuses a newcomer, whose window says why;
// Remove takes a participant (a parley-cli) out of the room at once.

#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QtTest>
#include <memory>

#include "tests/support/server_fixture.h"
#include "tests/ui/gui_test_support.h"
#include "ui/application/app_controller.h"
#include "ui/meeting/meeting_window.h"
#include "ui/meeting/participant_model.h"
#include "ui/meeting/room_controls.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/settings_store.h"
#include "ui/sign_in/sign_in_window.h"

using parley::test::child;
using namespace parley::ui;

namespace {

constexpr int kWaitMs = parley::test::kProcessWaitMs;
constexpr int kExposeMs = parley::test::kLocalWaitMs;

ConnectionSettings loopback(const parley::test::ServerFixture& server, const QString& user) {
  ConnectionSettings s;
  s.server = QStringLiteral("127.0.0.1");
  s.tls_port = server.port();
  s.alt_port = server.port();
  s.ca_file = QString::fromStdString(server.caFile());
  s.user = user;
  s.room = QStringLiteral("owned");
  s.auto_detect = false;
  s.socks.clear();
  return s;
}

int rowOf(const ParticipantModel* model, const std::string& user) {
  for (std::size_t i = 0; i < model->people().size(); ++i) {
    if (model->people()[i].user == user) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

class RoomControlsGuiTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void ownerLocksAndRemoves();
};

void RoomControlsGuiTest::ownerLocksAndRemoves() {
  parley::test::ServerFixture server;
  server.start();

  // Alice's join creates the room: she owns it.
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app({tmp.file(), &secrets});
  app.prefill(loopback(server, QStringLiteral("alice")), QStringLiteral("alice-pw"));
  app.show();
  QVERIFY(QTest::qWaitForWindowExposed(app.signInWindow(), kExposeMs));
  QTest::mouseClick(child<QPushButton>(app.signInWindow(), "signInButton"), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(app.meetingWindow() != nullptr && app.meetingWindow()->isVisible(),
                           kWaitMs);
  MeetingWindow* meeting = app.meetingWindow();
  RoomControls* controls = meeting->roomControls();
  QTRY_VERIFY_WITH_TIMEOUT(controls->state().you_are_owner, kWaitMs);
  auto* lock = child<QPushButton>(meeting, "lockRoomButton");
  auto* remove = child<QPushButton>(meeting, "removeParticipantButton");
  QVERIFY(lock->isVisible());
  QVERIFY(remove->isVisible());
  QCOMPARE(lock->accessibleName(), QStringLiteral("Lock room"));

  parley::test::CliOptions bob_options;
  bob_options.user = "bob";
  bob_options.password = "bob-pw";
  bob_options.room = "owned";
  bob_options.for_seconds = parley::test::CliOptions::kUntilStopped;
  parley::test::CliProcess bob(server, bob_options);
  QTRY_VERIFY_WITH_TIMEOUT(rowOf(meeting->participants(), "bob") >= 0, kWaitMs);
  QVERIFY2(bob.waitForEvent("room_state"), parley::test::cliReport(bob).constData());
  QVERIFY(!bob.events("room_state").front().at("you_are_owner").get<bool>());

  // Lock: the server confirms, the indicator says so.
  QTest::mouseClick(lock, Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(controls->state().locked, kWaitMs);
  auto* status = child<QLabel>(meeting, "roomLockStatus");
  QVERIFY(status->text().contains(QStringLiteral("Locked")));
  QCOMPARE(lock->accessibleName(), QStringLiteral("Unlock room"));

  // A newcomer's window says the room is locked (not only a status line).
  {
    parley::test::TempSettings carol_tmp;
    MemorySecretStore carol_secrets;
    AppController carol({carol_tmp.file(), &carol_secrets});
    carol.prefill(loopback(server, QStringLiteral("carol")), QStringLiteral("carol-pw"));
    carol.show();
    QVERIFY(QTest::qWaitForWindowExposed(carol.signInWindow(), kExposeMs));
    QTest::mouseClick(child<QPushButton>(carol.signInWindow(), "signInButton"), Qt::LeftButton);
    auto* message = child<QLabel>(carol.signInWindow(), "messageLabel");
    QTRY_VERIFY_WITH_TIMEOUT(message->text().contains(QStringLiteral("locked")), kWaitMs);
    QVERIFY(carol.meetingWindow() == nullptr || !carol.meetingWindow()->isVisible());
    parley::test::screenshot(carol.signInWindow(), QStringLiteral("sign-in-room-locked"));
  }

  // Remove bob: select his row, the owner's Remove.
  auto* view = child<QTableView>(meeting, "participantView");
  view->selectRow(rowOf(meeting->participants(), "bob"));
  QTRY_VERIFY_WITH_TIMEOUT(remove->isEnabled(), kWaitMs);
  parley::test::screenshot(meeting, QStringLiteral("meeting-room-owner"));
  QTest::mouseClick(remove, Qt::LeftButton);
  const parley::test::CliRun bob_run = bob.wait();
  QVERIFY2(bob_run.exit_code == 3, bob_run.transcript().c_str());
  QVERIFY(bob_run.transcript().find("removed_from_room") != std::string::npos);
  QTRY_VERIFY_WITH_TIMEOUT(rowOf(meeting->participants(), "bob") < 0, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(controls->state().removed_accounts == std::vector<std::string>{"bob"},
                           kWaitMs);
}

QTEST_MAIN(RoomControlsGuiTest)
#include "room_controls_gui_test.moc"
