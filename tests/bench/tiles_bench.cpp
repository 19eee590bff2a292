// tiles_bench: what nine moving pictures cost the desktop client's window.
// Nine people (parley-cli, idle) are in a room with the client (signed in to
// a real parleyd on loopback); a feeder thread stands in for the call's
// decode threads: for each of the nine, 30 pictures a second are converted
// from I420 to RGBA (FrameConverter, as MeetingMedia's handoff does on the
// decode thread) and handed to the GUI thread with the same coalescing (at
// most one delivery queued per tile, carrying the newest picture), which
// calls MeetingWindow::remoteVideo. Each phase runs for a fixed time:
//
//   empty meeting (nine tiles, no pictures), then grid and speaker views at
//   640x360 (what Parley sends for a camera) and at 1280x720.
//
// Per phase: the process's CPU (all threads), the GUI thread's, the feeder's
// (the conversion a decode thread would do), deliveries per second, and the
// GUI thread's longest stall (tests/bench/gui_bench_support.h) next to the 8 ms
// target. Prints Markdown for docs/benchmarks.md.
//
//   tiles_bench [SECONDS_PER_PHASE]   (default 8; QT_QPA_PLATFORM=offscreen or xcb)

#include <sys/resource.h>
#include <QAction>
#include <QApplication>
#include <QEventLoop>
#include <QImage>
#include <QMetaObject>
#include <QPointer>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "media/video/frame_convert.h"
#include "media/video/synthetic_source.h"
#include "tests/bench/gui_bench_support.h"
#include "tests/support/server_fixture.h"
#include "ui/application/app_controller.h"
#include "ui/meeting/meeting_window.h"
#include "ui/secrets/secret_store.h"

using namespace parley::ui;
namespace media = parley::media;
using parley::bench::runFor;
using parley::bench::runUntil;
using parley::bench::StallProbe;
using parley::bench::threadCpuNs;

namespace {

constexpr int kPeople = 9;
constexpr int kFps = 30;
constexpr double kStallLimitMs = 8.0;

double processCpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

// The decode side: converts and hands over pictures for every person at
// kFps, newest-wins per tile, like MeetingMedia::Handoff.
class Feeder {
 public:
  // full: convert at the size sent and let the window shrink (the client
  // before pictures were converted at the size shown), for comparison.
  Feeder(MeetingWindow* window, std::vector<QString> users, int width, int height, bool full)
      : window_(window), users_(std::move(users)) {
    auto source = media::SyntheticSource::create(width, height, kFps);
    for (int i = 0; i < kFps; ++i) {  // a second of distinct pictures, looped
      frames_.push_back((*source)->render(static_cast<std::uint64_t>(i)));
    }
    QObject::connect(window_, &MeetingWindow::pictureAreaChanged, &context_,
                     [shared = shared_, full](const QString& user, bool screen, QSize area) {
                       if (!screen) {
                         std::lock_guard lock(shared->mu);
                         shared->areas[user] =
                             full ? media::PictureSize{}
                                  : media::PictureSize{area.width(), area.height()};
                       }
                     });
    if (!full) {
      std::lock_guard lock(shared_->mu);
      for (const auto& user : users_) {
        const QSize area = window_->pictureArea(user, false);
        shared_->areas[user] = media::PictureSize{area.width(), area.height()};
      }
    }
    thread_ = std::thread([this] { run(); });
  }
  ~Feeder() {
    stop_ = true;
    thread_.join();
  }
  Feeder(const Feeder&) = delete;
  Feeder& operator=(const Feeder&) = delete;

  [[nodiscard]] double cpuMs() const { return static_cast<double>(cpu_ns_.load()) / 1e6; }
  [[nodiscard]] long offered() const { return offered_.load(); }
  [[nodiscard]] long delivered() const { return shared_->delivered.load(); }

 private:
  void run() {
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t tick = 0; !stop_; ++tick) {
      std::this_thread::sleep_until(start + tick * std::chrono::microseconds(1000000 / kFps));
      for (std::size_t u = 0; u < users_.size() && !stop_; ++u) {
        const auto& frame = frames_[(tick + u) % frames_.size()];
        media::PictureSize area;
        {
          std::lock_guard lock(shared_->mu);
          area = shared_->areas[users_[u]];
        }
        const auto size = media::fitWithin(frame.width(), frame.height(), area.width, area.height);
        auto rgba = converter_.fromI420(frame, media::PixelFormat::Rgba, size.width, size.height);
        if (!rgba) {
          continue;
        }
        auto* pixels = new media::PackedImage(std::move(*rgba));
        QImage image(
            pixels->pixels.data(), pixels->width, pixels->height, pixels->stride(),
            QImage::Format_RGBA8888, [](void* p) { delete static_cast<media::PackedImage*>(p); },
            pixels);
        ++offered_;
        const QString user = users_[u];
        {
          std::lock_guard lock(shared_->mu);
          shared_->latest[user] = std::move(image);
          if (!shared_->queued.insert(user).second) {
            continue;  // a delivery is on its way and will carry this one
          }
        }
        // The delivery may land after this feeder is gone: it holds the
        // shared part only.
        QMetaObject::invokeMethod(
            window_, [shared = shared_, window = window_, user] { shared->deliver(window, user); },
            Qt::QueuedConnection);
      }
      cpu_ns_ = threadCpuNs();
    }
  }
  struct Shared {
    std::mutex mu;
    std::map<QString, QImage> latest;  // guarded by mu
    std::set<QString> queued;          // guarded by mu
    // What the window asks for (MeetingWindow::pictureAreaChanged), as
    // MeetingMedia::setPictureArea keeps it; absent: full size.
    std::map<QString, media::PictureSize> areas;  // guarded by mu
    std::atomic<long> delivered{0};
    void deliver(MeetingWindow* window, const QString& user) {
      QImage image;
      {
        std::lock_guard lock(mu);
        image = std::move(latest[user]);
        queued.erase(user);
      }
      ++delivered;
      window->remoteVideo(user, false, image);
    }
  };

  MeetingWindow* window_;
  std::vector<QString> users_;
  std::vector<media::VideoFrame> frames_;
  media::FrameConverter converter_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  QObject context_;  // ends the connection to the window with this feeder
  std::atomic<bool> stop_{false};
  std::atomic<long> offered_{0};
  std::atomic<qint64> cpu_ns_{0};
  std::thread thread_;
};

struct Phase {
  const char* name;
  MeetingWindow::TileLayout layout;
  int width;  // 0: no pictures
  int height;
  bool full;  // converted at the size sent, shrunk when drawn
};

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::max(2, std::atoi(argv[1])) : 8;
  QApplication app(argc, argv);

  parley::test::ServerFixture::Options server_options;
  std::vector<QString> users;
  for (int i = 1; i <= kPeople; ++i) {
    const std::string name = "person" + std::to_string(i);
    server_options.users[name] = name + "-pw";
    users.push_back(QString::fromStdString(name));
  }
  parley::test::ServerFixture server(server_options);
  server.start();
  std::vector<std::unique_ptr<parley::test::CliProcess>> people;
  for (const auto& user : users) {
    parley::test::CliOptions o;
    o.user = user.toStdString();
    o.password = o.user + "-pw";
    o.room = "tiles";
    o.for_seconds = parley::test::CliOptions::kUntilStopped;
    people.push_back(std::make_unique<parley::test::CliProcess>(server, o));
  }
  for (auto& p : people) {
    if (!p->waitForEvent("joined", {}, std::chrono::seconds(60))) {
      std::fprintf(stderr, "tiles_bench: a parley-cli did not join\n");
      return 1;
    }
  }

  QTemporaryDir dir;
  MemorySecretStore secrets;
  AppController::Options options(dir.filePath(QStringLiteral("s.ini")), &secrets);
  options.media.no_sound_devices = true;
  AppController controller(std::move(options));
  ConnectionSettings s;
  s.server = QStringLiteral("127.0.0.1");
  s.tls_port = server.port();
  s.alt_port = server.port();
  s.ca_file = QString::fromStdString(server.caFile());
  s.user = QStringLiteral("alice");
  s.room = QStringLiteral("tiles");
  s.auto_detect = false;
  s.socks.clear();
  controller.prefill(s, QStringLiteral("alice-pw"));
  controller.show();
  controller.signIn();
  if (!runUntil(
          [&] {
            MeetingWindow* w = controller.meetingWindow();
            if (w == nullptr || !w->isVisible()) {
              return false;
            }
            for (const auto& u : users) {
              if (w->tile(u, false) == nullptr) {
                return false;
              }
            }
            return true;
          },
          60000)) {
    std::fprintf(stderr, "tiles_bench: no meeting with %d tiles within 60 s\n", kPeople + 1);
    return 1;
  }
  MeetingWindow* window = controller.meetingWindow();
  window->resize(1280, 800);
  runFor(1000);  // the window's first paints and media state settle

  const Phase phases[] = {
      {"empty meeting (ten tiles, no pictures)", MeetingWindow::TileLayout::Grid, 0, 0, false},
      {"grid, nine 640x360 @ 30/s", MeetingWindow::TileLayout::Grid, 640, 360, false},
      {"speaker view, nine 640x360 @ 30/s", MeetingWindow::TileLayout::Speaker, 640, 360, false},
      {"grid, nine 1280x720 @ 30/s", MeetingWindow::TileLayout::Grid, 1280, 720, false},
      {"speaker view, nine 1280x720 @ 30/s", MeetingWindow::TileLayout::Speaker, 1280, 720, false},
      {"before: grid, nine 1280x720, converted at full size", MeetingWindow::TileLayout::Grid, 1280,
       720, true},
      {"before: speaker view, nine 1280x720, converted at full size",
       MeetingWindow::TileLayout::Speaker, 1280, 720, true},
  };
  std::printf(
      "| phase (%d s each) | process CPU | GUI thread CPU | feeder CPU (decode-side "
      "conversion) | pictures offered/s | delivered to the window/s | longest stall "
      "(GUI CPU in it) | longest busy stretch | stall / %.0f ms |\n",
      seconds, kStallLimitMs);
  std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  for (const Phase& phase : phases) {
    window->setTileLayout(phase.layout);
    runFor(500);
    std::unique_ptr<Feeder> feeder;
    if (phase.width > 0) {
      feeder = std::make_unique<Feeder>(window, users, phase.width, phase.height, phase.full);
      runFor(1000);  // the first pictures in, tiles sized
    }
    StallProbe probe;
    const double cpu0 = processCpuMs();
    const qint64 gui0 = threadCpuNs();
    const double feeder0 = feeder ? feeder->cpuMs() : 0;
    const long offered0 = feeder ? feeder->offered() : 0;
    const long delivered0 = feeder ? feeder->delivered() : 0;
    QElapsedTimer wall;
    wall.start();
    probe.begin();
    runFor(seconds * 1000);
    const auto stall = probe.end();
    const double wall_ms = static_cast<double>(wall.nsecsElapsed()) / 1e6;
    const double cpu = processCpuMs() - cpu0;
    const double gui = static_cast<double>(threadCpuNs() - gui0) / 1e6;
    const double fed = feeder ? feeder->cpuMs() - feeder0 : 0;
    const double offered = feeder ? static_cast<double>(feeder->offered() - offered0) : 0;
    const double delivered = feeder ? static_cast<double>(feeder->delivered() - delivered0) : 0;
    feeder.reset();
    runFor(200);  // deliveries still queued land before the next phase
    std::printf(
        "| %s | %.0f %% | %.0f %% | %.0f %% | %.0f | %.0f | %.1f ms (%.1f ms) | %.1f ms | "
        "%.2f |\n",
        phase.name, 100 * cpu / wall_ms, 100 * gui / wall_ms, 100 * fed / wall_ms,
        offered * 1000 / wall_ms, delivered * 1000 / wall_ms, stall.ms, stall.cpu_ms, stall.busy_ms,
        stall.ms / kStallLimitMs);
    std::fflush(stdout);
  }
  for (auto& p : people) {
    (void)p->stop();
  }
  return 0;
}
