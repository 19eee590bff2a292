// The first-time work done ahead (ui/application/warm_up.h): a hidden
// window painted in parts, one per turn of the event loop, never shown by
// it, stopping when the window shows or goes; and Qt's image plugins loaded
// from a worker thread.

#include <QApplication>
#include <QBackingStore>
#include <QBuffer>
#include <QImageReader>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QPointer>
#include <QPushButton>
#include <QSet>
#include <QTimer>
#include <QVBoxLayout>
#include <QtTest>
#include <algorithm>
#include <thread>

#include "ui/application/warm_up.h"

using parley::ui::loadImagePlugins;
using parley::ui::paintAhead;

namespace {

// Counts the paint events of every widget under a window, by widget.
class PaintCounter : public QObject {
 public:
  explicit PaintCounter(QWidget* window) {
    window->installEventFilter(this);
    for (QWidget* w : window->findChildren<QWidget*>()) {
      w->installEventFilter(this);
    }
  }
  QSet<QObject*> painted;
  int paints = 0;

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    if (event->type() == QEvent::Paint) {
      painted.insert(watched);
      ++paints;
    }
    return false;
  }
};

// A window of `rows` labelled rows and a menu bar: more widgets than one
// part holds, so it is painted in several.
QMainWindow* windowOf(int rows) {
  auto* window = new QMainWindow;
  window->resize(640, 480);
  auto* central = new QWidget(window);
  auto* layout = new QVBoxLayout(central);
  for (int i = 0; i < rows; ++i) {
    auto* row = new QWidget(central);
    auto* row_layout = new QHBoxLayout(row);
    row_layout->addWidget(new QLabel(QStringLiteral("Row %1").arg(i), row));
    row_layout->addWidget(new QPushButton(QStringLiteral("Press %1").arg(i), row));
    layout->addWidget(row);
  }
  auto* hidden = new QLabel(QStringLiteral("not shown yet"), central);
  hidden->setObjectName(QStringLiteral("hiddenLabel"));
  hidden->hide();
  layout->addWidget(hidden);
  window->setCentralWidget(central);
  window->menuBar()->addMenu(QStringLiteral("&Meeting"));
  return window;
}

int pendingWarmUps(const QWidget* window) {
  return static_cast<int>(window->findChildren<QTimer*>(Qt::FindDirectChildrenOnly).size());
}

}  // namespace

class WarmUpTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void paintsAHiddenWindowInPartsWithoutShowingIt() {
    QScopedPointer<QMainWindow> window(windowOf(20));
    PaintCounter counter(window.data());
    paintAhead(window.data());
    // Nothing before the event loop turns: the caller is never held.
    QCOMPARE(counter.paints, 0);
    int turns = 0;
    int most_in_a_turn = 0;
    while (pendingWarmUps(window.data()) > 0 && turns < 200) {
      const int before = counter.paints;
      QCoreApplication::processEvents();
      QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
      most_in_a_turn = std::max(most_in_a_turn, counter.paints - before);
      ++turns;
    }
    QCOMPARE(pendingWarmUps(window.data()), 0);
    QVERIFY(!window->isVisible());
    // Every row's label and button, and the menu bar, were painted; the
    // widget hidden now was not.
    const auto labels = window->findChildren<QLabel*>();
    for (QLabel* label : labels) {
      if (label->objectName() == QStringLiteral("hiddenLabel")) {
        QVERIFY(!counter.painted.contains(label));
      } else {
        QVERIFY2(counter.painted.contains(label), qPrintable(label->text()));
      }
    }
    QVERIFY(counter.painted.contains(window->menuBar()));
    // In parts: 60 widgets in the rows, at most 25 (a part's top and the
    // 24 under it) painted in any one turn.
    QVERIFY2(counter.paints >= 60, qPrintable(QString::number(counter.paints)));
    QVERIFY2(most_in_a_turn <= 25, qPrintable(QString::number(most_in_a_turn)));
  }

  void makesTheBackingStoreWhileHiddenThenSaysItIsDone() {
    QScopedPointer<QMainWindow> window(windowOf(20));
    int done = 0;
    bool visible_when_done = true;
    paintAhead(window.data(), [&] {
      ++done;
      visible_when_done = window->isVisible();
    });
    QCOMPARE(done, 0);
    QTRY_COMPARE(done, 1);
    QVERIFY(!visible_when_done);
    QVERIFY(!window->isVisible());
    // Its native window and a backing store of its size exist before it is
    // ever shown; its first paint goes into pages already written.
    QVERIFY(window->testAttribute(Qt::WA_WState_Created));
    QVERIFY(window->backingStore() != nullptr);
    QCOMPARE(window->backingStore()->size(), window->size());
    QTest::qWait(20);
    QCOMPARE(done, 1);  // once
    // Shown now, it paints as any window does.
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.data()));
  }

  void stopsWhenTheWindowIsShown() {
    QScopedPointer<QMainWindow> window(windowOf(20));
    paintAhead(window.data());
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.data()));
    PaintCounter counter(window.data());
    // Its timer goes at its next turn, and renders nothing more.
    QTRY_COMPARE(pendingWarmUps(window.data()), 0);
    QCoreApplication::processEvents();
    const int after_show = counter.paints;
    QTest::qWait(50);
    QCOMPARE(counter.paints, after_show);
  }

  void aWindowDestroyedMidwayIsLeftAlone() {
    QPointer<QMainWindow> window(windowOf(40));
    bool done = false;
    paintAhead(window.data(), [&] { done = true; });
    QCoreApplication::processEvents();  // the layout step, perhaps a part
    delete window.data();
    QTest::qWait(20);  // no step may touch it now, nor say it is done
    QVERIFY(window.isNull());
    QVERIFY(!done);
  }

  void loadsImagePluginsFromAWorker() {
    std::thread worker([] { loadImagePlugins(); });
    worker.join();
    // Reading still works, on this thread, with what it loaded.
    QByteArray png;
    QBuffer out(&png);
    out.open(QIODevice::WriteOnly);
    QVERIFY(QImage(4, 3, QImage::Format_RGB32).save(&out, "PNG"));
    QBuffer in(&png);
    in.open(QIODevice::ReadOnly);
    QImageReader reader(&in);
    QCOMPARE(reader.format(), QByteArray("png"));
    QCOMPARE(reader.size(), QSize(4, 3));
  }
};

QTEST_MAIN(WarmUpTest)
#include "warm_up_test.moc"
