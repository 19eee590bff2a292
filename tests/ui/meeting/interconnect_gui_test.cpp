// A room across two interconnected servers in the desktop client
// (docs/interconnect.md), against two real parleyd on loopback: alice signs
// in to "outer", bob (a parley-cli) joins the same room on "inner". Alice's
// participants list shows bob on "other server"; when inner goes away bob
// is "unreachable" and alice's window stays; chat on outer meanwhile shows
// as not yet numbered ("inner" keeps the order), alice's own as sending;
// when inner is back, so is bob, and each line is numbered, once.

#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

#include "tests/support/interconnect_pair.h"
#include "tests/support/server_fixture.h"
#include "tests/ui/gui_test_support.h"
#include "ui/application/app_controller.h"
#include "ui/meeting/chat_view.h"
#include "ui/meeting/meeting_window.h"
#include "ui/meeting/participant_model.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/settings_store.h"
#include "ui/sign_in/sign_in_window.h"

using parley::test::child;
using namespace parley::ui;

namespace {

constexpr int kWaitMs = parley::test::kProcessWaitMs;
constexpr int kExposeMs = parley::test::kLocalWaitMs;

// What the Path column says of `user`, or "" while the user is not listed.
QString pathShown(const ParticipantModel* model, const std::string& user) {
  for (std::size_t i = 0; i < model->people().size(); ++i) {
    if (model->people()[i].user == user) {
      return model->data(model->index(static_cast<int>(i), ParticipantModel::Path), Qt::DisplayRole)
          .toString();
    }
  }
  return {};
}

int linesWith(const MeetingWindow* meeting, const QString& text) {
  int n = 0;
  for (const auto& line : meeting->chat()->messageTextsForTest()) {
    n += line.contains(text) ? 1 : 0;
  }
  return n;
}

}  // namespace

class InterconnectGuiTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void participantOnTheOtherServer();
};

void InterconnectGuiTest::participantOnTheOtherServer() {
  parley::test::ServerFixture outer;
  parley::test::ServerFixture inner;
  parley::test::interconnect(outer, "outer", inner, "inner");
  outer.start();
  inner.start();
  QTRY_VERIFY_WITH_TIMEOUT(outer.log().find("interconnect: linked with inner") != std::string::npos,
                           kWaitMs);

  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app({tmp.file(), &secrets});
  app.prefill(parley::test::loopbackSettings(outer, QStringLiteral("alice"),
                                             QStringLiteral("bridge")),
              QStringLiteral("alice-pw"));
  app.show();
  QVERIFY(QTest::qWaitForWindowExposed(app.signInWindow(), kExposeMs));
  QTest::mouseClick(child<QPushButton>(app.signInWindow(), "signInButton"), Qt::LeftButton);
  QTRY_VERIFY_WITH_TIMEOUT(app.meetingWindow() != nullptr && app.meetingWindow()->isVisible(),
                           kWaitMs);
  MeetingWindow* meeting = app.meetingWindow();

  parley::test::CliOptions bob_options;
  bob_options.user = "bob";
  bob_options.password = "bob-pw";
  bob_options.room = "bridge";
  bob_options.for_seconds = parley::test::CliOptions::kUntilStopped;
  parley::test::CliProcess bob(inner, bob_options);
  // Bob sees alice too: one room on two servers.
  QVERIFY2(bob.waitForEvent("joined",
                            [](const nlohmann::json& e) {
                              for (const auto& p : e.at("participants")) {
                                if (p.at("user") == "alice") {
                                  return true;
                                }
                              }
                              return false;
                            }) ||
               bob.waitForEvent("participant_joined",
                                [](const nlohmann::json& e) { return e.at("user") == "alice"; }),
           parley::test::cliReport(bob).constData());
  QTRY_COMPARE_WITH_TIMEOUT(pathShown(meeting->participants(), "bob"),
                            QStringLiteral("other server"), kWaitMs);
  parley::test::screenshot(meeting, QStringLiteral("meeting-interconnected"));

  // Inner goes away: its link closes, bob stays listed as unreachable.
  inner.kill9();
  QTRY_COMPARE_WITH_TIMEOUT(pathShown(meeting->participants(), "bob"),
                            QStringLiteral("unreachable"), kWaitMs);
  QVERIFY(meeting->isVisible());

  // Chat on outer goes on: carol's line at once, marked as not yet numbered;
  // alice's own stays "sending" until the server that keeps the order has it.
  parley::test::CliOptions carol_options;
  carol_options.user = "carol";
  carol_options.password = "carol-pw";
  carol_options.room = "bridge";
  carol_options.say = {"carol while inner is away"};
  carol_options.for_seconds = parley::test::CliOptions::kUntilStopped;
  parley::test::CliProcess carol(outer, carol_options);
  QTRY_COMPARE_WITH_TIMEOUT(linesWith(meeting, QStringLiteral("(not yet numbered)")), 1, kWaitMs);
  QCOMPARE(linesWith(meeting, QStringLiteral("carol while inner is away")), 1);
  auto* input = child<QLineEdit>(meeting, "chatInput");
  input->setText(QStringLiteral("alice while inner is away"));
  QTest::keyClick(input, Qt::Key_Return);
  QTRY_COMPARE_WITH_TIMEOUT(linesWith(meeting, QStringLiteral("(sending")), 1, kWaitMs);
  parley::test::screenshot(meeting, QStringLiteral("meeting-interconnect-unreachable"));

  // Back: the link returns, bob's client reconnects to inner, reachable again.
  inner.restart();
  QTRY_COMPARE_WITH_TIMEOUT(pathShown(meeting->participants(), "bob"),
                            QStringLiteral("other server"), kWaitMs);
  QTRY_COMPARE_WITH_TIMEOUT(linesWith(meeting, QStringLiteral("(not yet numbered)")) +
                                linesWith(meeting, QStringLiteral("(sending")),
                            0, kWaitMs);
  QCOMPARE(linesWith(meeting, QStringLiteral("carol while inner is away")), 1);
  QCOMPARE(linesWith(meeting, QStringLiteral("alice while inner is away")), 1);
  QVERIFY2(bob.waitForEvent("chat",
                            [](const nlohmann::json& e) {
                              return e.at("text") == "alice while inner is away";
                            }),
           parley::test::cliReport(bob).constData());
  carol.stop();
  bob.stop();
  QTRY_COMPARE_WITH_TIMEOUT(pathShown(meeting->participants(), "bob"), QString(), kWaitMs);
}

QTEST_MAIN(InterconnectGuiTest)
#include "interconnect_gui_test.moc"
