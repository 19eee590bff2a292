// The desktop client as a native Wayland application (QT_QPA_PLATFORM=
// wayland) on a private headless sway (tests/support/wayland_desktop.h):
// the sign-in, settings and meeting windows show there, and "Share screen"
// goes through the desktop portal: no Parley list, the share banner, bob
// (a parley-cli) receiving the 1920x1080 screen, a second share in the same
// meeting passing the portal's restore token, and the desktop ending the
// cast (its Stop button) ending the share for everyone.
//
// The desktop is started before QApplication, which picks its platform
// once. Screenshots (PARLEY_SCREENSHOT_DIR) are of the compositor's output
// (grim): the real windows as sway shows them.

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFrame>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QStatusBar>
#include <QtTest>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "media/video/png_image.h"
#include "tests/media/video/desktop_image.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/support/wayland_desktop.h"
#include "tests/ui/gui_test_support.h"
#include "ui/application/app_controller.h"
#include "ui/meeting/meeting_window.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/settings_dialog.h"
#include "ui/sign_in/sign_in_window.h"

using parley::test::child;
using namespace parley::ui;
namespace media = parley::media;
using nlohmann::json;

namespace {

constexpr int kWaitMs = parley::test::kProcessWaitMs;

parley::test::WaylandDesktop* g_desktop = nullptr;
QString g_picture;  // what the desktop shows

bool sawSharing(const parley::test::CliProcess& cli, bool sharing) {
  const auto seen = cli.events("participant_media");
  return std::any_of(seen.begin(), seen.end(), [sharing](const json& e) {
    return e.value("sharing_screen", !sharing) == sharing;
  });
}

// What the window said last (the status bar) and the desktop's logs: the
// message of a share that did not start.
QString whyNotSharing(MeetingWindow* meeting) {
  return QStringLiteral("status: ") + meeting->statusBar()->currentMessage() +
         QStringLiteral("\n") + QString::fromStdString(g_desktop->logs());
}

// A screenshot of the whole output, as sway composes it.
void desktopShot(const QString& name) {
  const QByteArray dir = qgetenv("PARLEY_SCREENSHOT_DIR");
  if (!dir.isEmpty()) {
    g_desktop->grim(QString::fromUtf8(dir).toStdString() + "/" + name.toStdString() + ".png");
  }
}

}  // namespace

class WaylandGuiTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void cleanupTestCase();
  void signInSettingsAndPortalShare();

 private:
  std::unique_ptr<parley::test::ServerFixture> server_;
};

void WaylandGuiTest::initTestCase() {
  QCOMPARE(QGuiApplication::platformName(), QStringLiteral("wayland"));
  server_ = std::make_unique<parley::test::ServerFixture>();
  server_->start();
}

void WaylandGuiTest::cleanupTestCase() { server_.reset(); }

void WaylandGuiTest::signInSettingsAndPortalShare() {
  const std::string dump = parley::test::makeTempDir("wayland-gui-dump");
  parley::test::CliOptions bob_options;
  bob_options.user = "bob";
  bob_options.password = "bob-pw";
  bob_options.room = "wayland-gui";
  bob_options.for_seconds = parley::test::CliOptions::kUntilStopped;
  bob_options.extra = {"--dump-video", dump};
  parley::test::CliProcess bob(*server_, bob_options);
  QVERIFY2(bob.waitForEvent("joined", {}, std::chrono::seconds(kWaitMs / 1000)),
           parley::test::cliReport(bob).constData());

  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController::Options options(tmp.file(), &secrets);
  options.media.no_sound_devices = true;
  // No share_display: the session (XDG_SESSION_TYPE=wayland) picks the portal.
  AppController app(std::move(options));
  app.prefill(parley::test::loopbackSettings(*server_, QStringLiteral("alice"),
                                             QStringLiteral("wayland-gui")),
              QStringLiteral("alice-pw"));
  app.show();
  QTRY_VERIFY_WITH_TIMEOUT(app.signInWindow()->isVisible(), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(app.signInWindow()->windowHandle()->isExposed(), kWaitMs);
  desktopShot(QStringLiteral("wayland-sign-in"));

  // Settings open and close on the compositor.
  SettingsDialog* settings = app.openSettings(0);
  QVERIFY(settings);
  QTRY_VERIFY_WITH_TIMEOUT(settings->isVisible() && settings->windowHandle()->isExposed(), kWaitMs);
  settings->reject();
  QTRY_VERIFY_WITH_TIMEOUT(!app.settingsDialog() || !app.settingsDialog()->isVisible(), kWaitMs);

  app.signIn();
  QTRY_VERIFY_WITH_TIMEOUT(app.meetingWindow() != nullptr && app.meetingWindow()->isVisible(),
                           kWaitMs);
  MeetingWindow* meeting = app.meetingWindow();
  meeting->resize(1000, 620);
  QTRY_VERIFY_WITH_TIMEOUT(meeting->windowHandle()->isExposed(), kWaitMs);

  // Share screen: the portal's chooser (none on this desktop: it casts the
  // one output), not Parley's list; then the banner, and bob sees it.
  auto* share = meeting->findChild<QAction*>(QStringLiteral("shareAction"));
  QVERIFY(share->isEnabled());
  share->trigger();
  QVERIFY(app.shareDialog() == nullptr);
  auto* banner = child<QFrame>(meeting, "sharingBanner");
  QTRY_VERIFY2_WITH_TIMEOUT(banner->isVisible(), qPrintable(whyNotSharing(meeting)), kWaitMs);
  QVERIFY(
      child<QLabel>(meeting, "sharingLabel")->text().startsWith(QStringLiteral("You are sharing")));
  QVERIFY(app.media()->state().sharing_screen);
  QTRY_VERIFY_WITH_TIMEOUT(sawSharing(bob, true), kWaitMs);
  // bob receives the whole output at its size. (The picture is not compared:
  // the meeting window floats over it, so the screen holds both.)
  const QString received = QString::fromStdString(dump + "/alice-screen.png");
  QElapsedTimer since_nudge;
  since_nudge.start();
  const auto receivedFullSize = [&] {
    if (!QFile::exists(received)) {
      // Frames come only when the screen changes: change it now and then.
      if (since_nudge.elapsed() > 3000) {
        g_desktop->showImage(g_picture.toStdString());
        since_nudge.restart();
      }
      return false;
    }
    auto png = media::readPng(received.toStdString());
    return png && png->width == 1920 && png->height == 1080;
  };
  QTRY_VERIFY_WITH_TIMEOUT(receivedFullSize(), kWaitMs);
  desktopShot(QStringLiteral("wayland-meeting-sharing"));

  // Stop, then share again in the same meeting: the portal gets the restore
  // token from the first grant (xdg-desktop-portal-wlr logs that it has
  // restore data) and the share starts without asking.
  QTest::mouseClick(child<QPushButton>(meeting, "stopSharingButton"), Qt::LeftButton);
  QVERIFY(!banner->isVisible());
  QTRY_VERIFY_WITH_TIMEOUT(sawSharing(bob, false), kWaitMs);
  share->trigger();
  QTRY_VERIFY2_WITH_TIMEOUT(banner->isVisible(), qPrintable(whyNotSharing(meeting)), kWaitMs);
  QVERIFY2(g_desktop->logs(200000).find("restore data available") != std::string::npos,
           "the second share did not pass the portal's restore token");

  // The desktop ends the cast (its own Stop): the banner goes, the window
  // says why, and bob sees the share end.
  const int media_events_before = static_cast<int>(bob.events("participant_media").size());
  g_desktop->stopPortalBackend();
  QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), kWaitMs);
  QVERIFY(!app.media()->state().sharing_screen);
  QTRY_VERIFY_WITH_TIMEOUT(
      static_cast<int>(bob.events("participant_media").size()) > media_events_before &&
          bob.events("participant_media").back().value("sharing_screen", true) == false,
      kWaitMs);
  const parley::test::CliRun bob_run = bob.stop();
  QVERIFY2(bob_run.exit_code == 0, bob_run.err.c_str());
}

int main(int argc, char** argv) {
  const std::string dir = parley::test::makeTempDir("wayland-gui");
  const std::string picture = dir + "/desktop.png";
  if (!media::writePng(picture, media::test::renderDesktop(1920, 1080))) {
    std::fprintf(stderr, "cannot write %s\n", picture.c_str());
    return 1;
  }
  parley::test::WaylandDesktop::Options desktop_options;
  desktop_options.background = picture;
  desktop_options.root_clients = true;
  // Parley's windows float over the shared picture instead of tiling it away.
  desktop_options.sway_config = "for_window [app_id=\".*\"] floating enable\n";
  std::unique_ptr<parley::test::WaylandDesktop> desktop;
  try {
    desktop = std::make_unique<parley::test::WaylandDesktop>(desktop_options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL: the Wayland desktop did not come up: %s\n", e.what());
    return 1;
  }
  if (!desktop->error().empty()) {
    std::printf("SKIPPED: the desktop client on Wayland is NOT tested here: %s\n",
                desktop->error().c_str());
    return 77;
  }
  g_desktop = desktop.get();
  g_picture = QString::fromStdString(picture);
  // This process becomes a client of that desktop: its compositor, its
  // session bus (the portal), Wayland as Qt's platform.
  for (const auto& [name, value] : desktop->env()) {
    if (value.empty()) {
      unsetenv(name.c_str());
    } else {
      setenv(name.c_str(), value.c_str(), 1);
    }
  }
  setenv("QT_QPA_PLATFORM", "wayland", 1);
  // Shared-memory window buffers: there is no GPU here, and Mesa's EGL probe
  // leaves allocations that LeakSanitizer cannot attribute once it is unloaded.
  setenv("QT_WAYLAND_CLIENT_BUFFER_INTEGRATION", "none", 1);
  int rc = 0;
  {
    QApplication app(argc, argv);
    WaylandGuiTest test;
    rc = QTest::qExec(&test, argc, argv);
  }
  g_desktop = nullptr;
  return rc;
}

#include "wayland_gui_test.moc"
