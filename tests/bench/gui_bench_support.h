#pragma once
// StallProbe: how long the GUI thread could not have answered. A 1 ms
// precise QTimer on the GUI thread records the largest gap between its
// ticks (minus the 1 ms period), the GUI thread's CPU time within that gap
// (near the gap: the client was busy; far below it: preempted by other
// load, or waiting on another thread), and the longest stretch of GUI-thread
// CPU time between two ticks (the client's own blocking work, whatever else
// the machine runs). runUntil / runFor: the event loop for a while, never
// sleeping outside its own wait (a sleep would read as a stall). Used by
// gui_bench and tiles_bench.

#include <QElapsedTimer>
#include <QEventLoop>
#include <QObject>
#include <QTimer>
#include <algorithm>
#include <ctime>

namespace parley::bench {

// The GUI thread's own CPU time so far (ns): what separates a stall the
// client causes (busy) from one the machine's other load causes (preempted)
// or a wait on another thread (asleep).
inline qint64 threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<qint64>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct Stall {
  double ms = 0;       // the longest gap between ticks, minus the 1 ms period
  double cpu_ms = 0;   // the GUI thread's CPU time within that gap
  double busy_ms = 0;  // the most CPU time the GUI thread spent between two ticks
};

// The longest gap between ticks of a 1 ms precise timer on the GUI thread,
// minus the 1 ms period: how long the window could not have answered.
class StallProbe {
 public:
  StallProbe() {
    ticker_.setTimerType(Qt::PreciseTimer);
    ticker_.setInterval(1);
    QObject::connect(&ticker_, &QTimer::timeout, [this] { tick(); });
    clock_.start();
  }
  void begin() {
    last_tick_ = clock_.nsecsElapsed();
    last_cpu_ = threadCpuNs();
    worst_gap_ = 0;
    worst_cpu_ = 0;
    worst_busy_ = 0;
    ticker_.start();
  }
  Stall end() {
    tick();
    ticker_.stop();
    return {std::max(0.0, static_cast<double>(worst_gap_) / 1e6 - 1.0),
            static_cast<double>(worst_cpu_) / 1e6, static_cast<double>(worst_busy_) / 1e6};
  }

 private:
  void tick() {
    const qint64 now = clock_.nsecsElapsed();
    const qint64 cpu = threadCpuNs();
    if (now - last_tick_ > worst_gap_) {
      worst_gap_ = now - last_tick_;
      worst_cpu_ = cpu - last_cpu_;
    }
    worst_busy_ = std::max(worst_busy_, cpu - last_cpu_);
    last_tick_ = now;
    last_cpu_ = cpu;
  }

  QTimer ticker_;
  QElapsedTimer clock_;
  qint64 last_tick_ = 0;
  qint64 last_cpu_ = 0;
  qint64 worst_gap_ = 0;
  qint64 worst_cpu_ = 0;
  qint64 worst_busy_ = 0;
};

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

// Runs the event loop for `ms`.
inline void runFor(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  loop.exec();
}

}  // namespace parley::bench
