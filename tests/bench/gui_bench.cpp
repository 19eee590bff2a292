// gui_bench: how quickly the desktop client appears and signs in, and how
// long the GUI thread is ever unresponsive while it signs in.
//
//   gui_bench [ROUNDS]          (default 10; QT_QPA_PLATFORM=offscreen or xcb)
//
// (a) launch to sign-in window: a fresh process (this program with
//     --launch-child) is started; it builds the QApplication and the
//     AppController, shows the sign-in window, and writes one line when the
//     window is exposed. Measured by the parent from just before fork/exec to
//     that line: dynamic loading, Qt start-up, fonts and the first paint.
// (b) Sign in to meeting window: AppController::signIn() to meetingShown, on
//     loopback against a real parleyd (tests/support/server_fixture.h).
// (c) The longest event-loop stall during (b): a 1 ms precise QTimer on the
//     GUI thread records the largest gap between its ticks, minus 1 ms.
// Prints Markdown for docs/benchmarks.md.

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <QtTest>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/support/server_fixture.h"
#include "ui/application/app_controller.h"
#include "ui/secrets/secret_store.h"
#include "ui/sign_in/sign_in_window.h"

using namespace parley::ui;

namespace {

int launchChild(int argc, char** argv) {
  QApplication app(argc, argv);
  QTemporaryDir dir;
  MemorySecretStore secrets;
  AppController controller({dir.filePath(QStringLiteral("s.ini")), &secrets});
  controller.show();
  if (!QTest::qWaitForWindowExposed(controller.signInWindow(), 30000)) {
    return 1;
  }
  std::printf("shown\n");
  std::fflush(stdout);
  return 0;
}

// Runs the event loop until `done()` holds (checked after every event batch)
// or `timeout_ms` passed. Never sleeps outside the event loop's own wait.
template <typename Predicate>
bool runUntil(Predicate done, int timeout_ms) {
  QEventLoop loop;
  QTimer check;
  check.setInterval(0);
  QObject::connect(&check, &QTimer::timeout, &loop, [&] {
    if (done()) {
      loop.quit();
    }
  });
  QTimer deadline;
  deadline.setSingleShot(true);
  QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
  check.start();
  deadline.start(timeout_ms);
  if (!done()) {
    loop.exec();
  }
  return done();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double launchOnce(const std::string& self) {
  const auto t0 = std::chrono::steady_clock::now();
  FILE* child = popen((self + " --launch-child").c_str(), "r");
  if (child == nullptr) {
    return -1;
  }
  char line[64] = {};
  const bool ok = std::fgets(line, sizeof line, child) != nullptr;
  const auto t1 = std::chrono::steady_clock::now();
  pclose(child);
  return ok ? std::chrono::duration<double, std::milli>(t1 - t0).count() : -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--launch-child") {
    return launchChild(argc, argv);
  }
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10;
  QApplication app(argc, argv);

  std::vector<double> launch;
  for (int i = 0; i < rounds; ++i) {
    const double ms = launchOnce(argv[0]);
    if (ms < 0) {
      std::fprintf(stderr, "gui_bench: the child did not show its window\n");
      return 1;
    }
    launch.push_back(ms);
  }

  parley::test::ServerFixture server;
  server.start();
  std::vector<double> sign_in;
  std::vector<double> stalls;
  std::vector<double> sign_in_call;  // the synchronous part of signIn()
  for (int i = 0; i < rounds; ++i) {
    QTemporaryDir dir;
    MemorySecretStore secrets;
    AppController controller({dir.filePath(QStringLiteral("s.ini")), &secrets});
    ConnectionSettings s;
    s.server = QStringLiteral("127.0.0.1");
    s.tls_port = server.port();
    s.alt_port = server.port();
    s.ca_file = QString::fromStdString(server.caFile());
    s.user = QStringLiteral("alice");
    s.room = QStringLiteral("bench");
    s.auto_detect = false;
    s.socks.clear();
    controller.prefill(s, QStringLiteral("alice-pw"));
    controller.show();
    if (!QTest::qWaitForWindowExposed(controller.signInWindow(), 30000)) {
      return 1;
    }
    QElapsedTimer tick_clock;
    qint64 last_tick = 0;
    qint64 worst_gap = 0;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(1);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
      const qint64 now = tick_clock.nsecsElapsed();
      worst_gap = std::max(worst_gap, now - last_tick);
      last_tick = now;
    });
    bool shown = false;
    QObject::connect(&controller, &AppController::meetingShown, [&] { shown = true; });
    QElapsedTimer timer;
    tick_clock.start();
    ticker.start();
    timer.start();
    controller.signIn();
    sign_in_call.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
    // A real event loop, not QTest::qWaitFor: that one sleeps the thread for
    // 10 ms between its rounds of processEvents(), which this very timer
    // would then report as a stall of the client.
    const bool ok = runUntil([&] { return shown; }, 60000);
    const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    ticker.stop();
    if (!ok) {
      std::fprintf(stderr, "gui_bench: no meeting window within 60 s\n");
      return 1;
    }
    sign_in.push_back(ms);
    stalls.push_back(std::max(0.0, static_cast<double>(worst_gap) / 1e6 - 1.0));
    std::fprintf(stderr, "gui_bench: round %d: sign-in %.1f ms, longest stall %.1f ms\n", i + 1, ms,
                 stalls.back());
  }

  std::printf("### Desktop client (`tests/bench/gui_bench %d`, QPA %s)\n\n", rounds,
              qPrintable(QGuiApplication::platformName()));
  std::printf("| measure | median | worst |\n| --- | --- | --- |\n");
  std::printf("| launch to sign-in window shown (new process) | %.0f ms | %.0f ms |\n",
              median(launch), *std::max_element(launch.begin(), launch.end()));
  std::printf("| Sign in to meeting window shown (loopback) | %.1f ms | %.1f ms |\n",
              median(sign_in), *std::max_element(sign_in.begin(), sign_in.end()));
  std::printf("| longest GUI event-loop stall during sign-in | %.1f ms | %.1f ms |\n",
              median(stalls), *std::max_element(stalls.begin(), stalls.end()));
  std::printf(
      "| of which: the Sign in click's own work (settings, TLS context, session start) "
      "| %.1f ms | %.1f ms |\n",
      median(sign_in_call), *std::max_element(sign_in_call.begin(), sign_in_call.end()));
  return 0;
}
