// The desktop client never waits on slow work when leaving or sharing,
// against a real parleyd on loopback and a parley-cli in the same room:
// - leaving while in a call: the call's stop is held up (a microphone whose
//   closing waits on the test), yet the sign-in window comes back and the
//   CLI sees the leave; the call then stops on its worker;
// - quitting while a leave is under way: the controller waits for the call
//   (ASan would catch a worker outliving what it uses);
// - Cancel while the call starts, then signing in again;
// - the share chooser opens, saying it is looking, while the X listing is
//   held up (an "X server" that accepts and never answers), fills in when
//   the listing ends, and a Cancel before that is safe.
// Screenshot of the chooser in its looking state when PARLEY_SCREENSHOT_DIR
// is set.

#include <QAction>
#include <QElapsedTimer>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStatusBar>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThreadPool>
#include <QtTest>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "media/engine/audio_device.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/ui/gui_test_support.h"
#include "ui/application/app_controller.h"
#include "ui/meeting/meeting_window.h"
#include "ui/meeting/participant_model.h"
#include "ui/meeting/share_dialog.h"
#include "ui/secrets/secret_store.h"
#include "ui/sign_in/sign_in_window.h"

using parley::test::child;
using namespace parley::ui;
namespace media = parley::media;
using nlohmann::json;

namespace {

constexpr int kWaitMs = parley::test::kProcessWaitMs;

ConnectionSettings loopback(const parley::test::ServerFixture& server, const QString& room) {
  ConnectionSettings s;
  s.server = QStringLiteral("127.0.0.1");
  s.tls_port = server.port();
  s.alt_port = server.port();
  s.ca_file = QString::fromStdString(server.caFile());
  s.user = QStringLiteral("alice");
  s.room = room;
  s.auto_detect = false;
  s.socks.clear();
  return s;
}

// Holds the closing of a microphone until the test opens it (or a bound
// passes, which the test then reports as the GUI thread having waited).
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;       // guarded by mu
  bool closing = false;    // a microphone's destructor is waiting
  bool timed_out = false;  // ... and gave up: nobody opened the gate in time
  int closed = 0;          // microphones fully closed

  void release() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
  template <typename F>
  auto read(F f) {
    std::lock_guard lock(mu);
    return f(*this);
  }
};

// A microphone with nothing to say whose closing waits for the gate: the
// call's stop (which closes it) cannot finish before the test allows it.
class GatedInput final : public media::AudioInput {
 public:
  explicit GatedInput(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}
  ~GatedInput() override {
    std::unique_lock lock(gate_->mu);
    gate_->closing = true;
    const bool opened = gate_->cv.wait_for(lock, std::chrono::milliseconds(kWaitMs),
                                           [this] { return gate_->open; });
    gate_->timed_out = gate_->timed_out || !opened;
    ++gate_->closed;
  }
  bool read(media::AudioFrame& /*frame*/) override { return false; }

 private:
  std::shared_ptr<Gate> gate_;
};

AppController::Options gatedOptions(const parley::test::TempSettings& tmp,
                                    MemorySecretStore& secrets, const std::shared_ptr<Gate>& gate) {
  AppController::Options options(tmp.file(), &secrets);
  options.media.no_sound_devices = true;
  options.media.audio_input = [gate]() -> std::unique_ptr<media::AudioInput> {
    return std::make_unique<GatedInput>(gate);
  };
  return options;
}

void signInAndWait(AppController& app, const ConnectionSettings& s) {
  app.prefill(s, QStringLiteral("alice-pw"));
  app.show();
  app.signIn();
  QTRY_VERIFY_WITH_TIMEOUT(app.meetingWindow() != nullptr && app.meetingWindow()->isVisible(),
                           kWaitMs);
}

bool sawLeft(const parley::test::CliProcess& cli, const std::string& user) {
  for (const auto& line : cli.linesSoFar()) {
    auto j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.value("event", "") == "participant_left" &&
        j.value("user", "") == user) {
      return true;
    }
  }
  return false;
}

parley::test::CliOptions bobIn(const std::string& room) {
  parley::test::CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = room;
  bob.for_seconds = parley::test::CliOptions::kUntilStopped;  // ended by the test
  return bob;
}

// An "X server" on loopback TCP (display 127.0.0.1:N, port 6000 + N) that
// accepts and never answers: Xlib's connection set-up, and so the share
// chooser's listing, waits until the test closes the connection.
class SilentXServer {
 public:
  SilentXServer() {
    for (int n = 40; n < 100 && !server_.isListening(); ++n) {  // a free display number
      if (server_.listen(QHostAddress::LocalHost, static_cast<quint16>(6000 + n))) {
        display_ = QStringLiteral("127.0.0.1:%1").arg(n);
      }
    }
  }
  [[nodiscard]] QString display() const { return display_; }
  // Whether a client connected (taken, held open).
  bool connected() {
    while (server_.hasPendingConnections()) {
      held_.push_back(server_.nextPendingConnection());
    }
    return !held_.empty();
  }
  // Closes what it holds: Xlib's set-up fails, the listing ends.
  void hangUp() {
    for (QTcpSocket* s : held_) {
      s->abort();
    }
    held_.clear();
  }

 private:
  QTcpServer server_;
  QString display_;
  std::vector<QTcpSocket*> held_;  // children of server_
};

}  // namespace

class NonblockingGuiTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void cleanupTestCase();
  void leaveWhileInCallKeepsWindowAnswering();
  void quitWhileLeavingWaitsForTheCall();
  void cancelWhileCallStartsThenSignInAgain();
  void shareChooserOpensBeforeTheListing();

 private:
  std::unique_ptr<parley::test::ServerFixture> server_;
};

void NonblockingGuiTest::initTestCase() {
  server_ = std::make_unique<parley::test::ServerFixture>();
  server_->start();
}

void NonblockingGuiTest::cleanupTestCase() { server_.reset(); }

void NonblockingGuiTest::leaveWhileInCallKeepsWindowAnswering() {
  parley::test::CliProcess bob(*server_, bobIn("leave-call"));
  QVERIFY2(bob.waitForEvent("joined", {}, std::chrono::seconds(kWaitMs / 1000)),
           parley::test::cliReport(bob).constData());

  auto gate = std::make_shared<Gate>();
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app(gatedOptions(tmp, secrets, gate));
  signInAndWait(app, loopback(*server_, QStringLiteral("leave-call")));
  MeetingWindow* meeting = app.meetingWindow();
  QTRY_VERIFY_WITH_TIMEOUT(meeting->participants()->names().contains(QStringLiteral("bob")),
                           kWaitMs);
  QVERIFY(app.media() != nullptr && app.media()->call() != nullptr);  // in a call

  auto* leave = meeting->findChild<QAction*>(QStringLiteral("leaveAction"));
  QVERIFY(leave != nullptr);
  leave->trigger();
  // The window says it is leaving and offers nothing that acts on the room.
  QVERIFY(meeting->leaving());
  QVERIFY(!leave->isEnabled());
  QCOMPARE(meeting->statusBar()->currentMessage(), QStringLiteral("Leaving the room…"));

  // Back at the sign-in window while the call cannot have stopped yet (its
  // microphone is still closing): the GUI thread did not wait for it.
  QTRY_VERIFY_WITH_TIMEOUT(app.signInWindow()->isVisible() && !app.inMeeting(), kWaitMs);
  QCOMPARE(app.callsStopping(), 1);
  QVERIFY(gate->read([](Gate& g) { return !g.open && !g.timed_out && g.closed == 0; }));
  // The room saw alice go.
  QTRY_VERIFY_WITH_TIMEOUT(sawLeft(bob, "alice"), kWaitMs);
  QVERIFY(gate->read([](Gate& g) { return g.closed == 0; }));

  // Let the call finish stopping: the worker reports back, devices for the
  // next sign-in are prepared meanwhile.
  QSignalSpy stopped(&app, &AppController::callsStopped);
  gate->release();
  QTRY_VERIFY_WITH_TIMEOUT(app.callsStopping() == 0, kWaitMs);
  QCOMPARE(stopped.count(), 1);
  QVERIFY(gate->read([](Gate& g) { return g.closing && !g.timed_out && g.closed == 1; }));

  // And a new sign-in works after it (the password was forgotten at the join:
  // not remembered).
  app.prefill(loopback(*server_, QStringLiteral("leave-call")), QStringLiteral("alice-pw"));
  app.signIn();
  QTRY_VERIFY_WITH_TIMEOUT(app.inMeeting(), kWaitMs);
  QVERIFY(app.media() != nullptr && app.media()->call() != nullptr);
  const parley::test::CliRun bob_run = bob.stop();
  QVERIFY2(bob_run.exit_code == 0, bob_run.err.c_str());
}

void NonblockingGuiTest::quitWhileLeavingWaitsForTheCall() {
  auto gate = std::make_shared<Gate>();
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  auto app = std::make_unique<AppController>(gatedOptions(tmp, secrets, gate));
  signInAndWait(*app, loopback(*server_, QStringLiteral("leave-quit")));
  QVERIFY(app->media() != nullptr && app->media()->call() != nullptr);
  app->meetingWindow()->findChild<QAction*>(QStringLiteral("leaveAction"))->trigger();
  // Quit at once, the leave not even confirmed: the controller waits for the
  // call, which finishes when the gate opens on another thread.
  std::thread opener([gate] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    gate->release();
  });
  app.reset();
  opener.join();
  QVERIFY(gate->read([](Gate& g) { return g.closed >= 1 && !g.timed_out; }));
}

void NonblockingGuiTest::cancelWhileCallStartsThenSignInAgain() {
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  auto gate = std::make_shared<Gate>();
  gate->release();  // closing is not what this test holds up
  AppController app(gatedOptions(tmp, secrets, gate));
  app.prefill(loopback(*server_, QStringLiteral("cancel-call")), QStringLiteral("alice-pw"));
  app.show();
  app.signIn();
  // Cancel as soon as the call is made (its start runs on a worker; the
  // session waits for it): checked after every batch of events, not every
  // 50 ms as QTRY does, so the sign-in cannot have finished meanwhile.
  QElapsedTimer waited;
  waited.start();
  while (app.media() == nullptr && waited.elapsed() < kWaitMs) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
  }
  QVERIFY(app.media() != nullptr);
  QVERIFY(app.signInWindow()->busy());  // still signing in
  QVERIFY(!app.inMeeting());
  auto* cancel = child<QPushButton>(app.signInWindow(), "cancelButton");
  QVERIFY(cancel->isVisible());
  QTest::mouseClick(cancel, Qt::LeftButton);
  QVERIFY(!app.signInWindow()->busy());
  QVERIFY(app.media() == nullptr);
  QVERIFY(!app.inMeeting());
  QTRY_VERIFY_WITH_TIMEOUT(app.callsStopping() == 0, kWaitMs);
  app.signIn();
  QTRY_VERIFY_WITH_TIMEOUT(app.inMeeting(), kWaitMs);
  QVERIFY2(app.media() != nullptr && app.media()->call() != nullptr,
           qPrintable(QStringLiteral("media %1, call %2, stopping %3: %4")
                          .arg(app.media() != nullptr)
                          .arg(app.media() != nullptr && app.media()->call() != nullptr)
                          .arg(app.callsStopping())
                          .arg(app.meetingWindow()->statusBar()->currentMessage())));
}

void NonblockingGuiTest::shareChooserOpensBeforeTheListing() {
  SilentXServer x;
  QVERIFY2(!x.display().isEmpty(), "no free port for the silent X server");
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController::Options options(tmp.file(), &secrets);
  options.media.no_sound_devices = true;
  options.share_display = x.display();
  AppController app(std::move(options));
  signInAndWait(app, loopback(*server_, QStringLiteral("share-looking")));

  // Open: the dialog shows while the listing waits on the X server.
  ShareDialog* chooser = app.openShareChooser();
  QVERIFY(chooser != nullptr);
  QTRY_VERIFY_WITH_TIMEOUT(x.connected(), kWaitMs);  // the listing is under way
  QTRY_VERIFY_WITH_TIMEOUT(chooser->isVisible(), kWaitMs);
  QVERIFY(x.connected());  // ... and still waiting
  auto* note = child<QLabel>(chooser, "shareNote");
  QVERIFY(note->isVisible());
  QVERIFY2(note->text().startsWith(QStringLiteral("Looking for")), qPrintable(note->text()));
  QCOMPARE(child<QListWidget>(chooser, "shareTargetList")->count(), 0);
  QVERIFY(!child<QPushButton>(chooser, "shareButton")->isEnabled());
  chooser->resize(480, 380);
  parley::test::screenshot(chooser, QStringLiteral("share-chooser-looking"));

  // The listing ends (here: the X server hangs up): the dialog says so.
  x.hangUp();
  QTRY_VERIFY_WITH_TIMEOUT(note->text().startsWith(QStringLiteral("Nothing can be shared here")),
                           kWaitMs);
  QVERIFY(chooser->isVisible());
  chooser->reject();
  QTRY_VERIFY_WITH_TIMEOUT(app.shareDialog() == nullptr, kWaitMs);

  // Cancel before the listing: the late list has nowhere to go.
  chooser = app.openShareChooser();
  QVERIFY(chooser != nullptr);
  QTRY_VERIFY_WITH_TIMEOUT(x.connected(), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(chooser->isVisible(), kWaitMs);
  chooser->reject();  // deleted on close
  QTRY_VERIFY_WITH_TIMEOUT(app.shareDialog() == nullptr, kWaitMs);
  x.hangUp();
  QTRY_VERIFY_WITH_TIMEOUT(QThreadPool::globalInstance()->activeThreadCount() == 0, kWaitMs);
  QTest::qWait(50);  // its queued report, dropped
  QVERIFY(app.inMeeting());
  QVERIFY(app.openShareChooser() != nullptr);  // still works
}

QTEST_MAIN(NonblockingGuiTest)
#include "nonblocking_gui_test.moc"
