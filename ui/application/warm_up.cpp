#include "ui/application/warm_up.h"

#include <QBackingStore>
#include <QBuffer>
#include <QByteArray>
#include <QImage>
#include <QImageReader>
#include <QLayout>
#include <QPainter>
#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <vector>

namespace parley::ui {

void loadImagePlugins() {
  // A reader told neither format nor file name asks every installed plugin
  // whether it can read the data: that loads them all, here, once for the
  // process (Qt keeps them loaded).
  QByteArray png;
  {
    QBuffer out(&png);
    out.open(QIODevice::WriteOnly);
    QImage(1, 1, QImage::Format_RGB32).save(&out, "PNG");
  }
  QBuffer in(&png);
  in.open(QIODevice::ReadOnly);
  QImageReader reader(&in);
  (void)reader.format();
}

namespace {

// A part with more widgets under it than this is split into its children:
// rendering that many widgets for the first time measured under 2 ms.
constexpr int kWidgetsPerPart = 24;

int widgetsUnder(const QWidget* w) { return static_cast<int>(w->findChildren<QWidget*>().size()); }

// The window's parts in painting order: each subtree small enough to render
// in one turn, larger ones split into their children. What is hidden now is
// not in the first paint either.
void collectParts(QWidget* w, std::vector<QPointer<QWidget>>& parts) {
  if (!w->isWindow() && w->isHidden()) {
    return;
  }
  if (!w->isWindow() && widgetsUnder(w) <= kWidgetsPerPart) {
    parts.emplace_back(w);
    return;
  }
  for (QObject* child : w->children()) {
    auto* widget = qobject_cast<QWidget*>(child);
    if (widget != nullptr && !widget->isWindow()) {
      collectParts(widget, parts);
    }
  }
}

class PaintAhead {
 public:
  explicit PaintAhead(QWidget* window) : window_(window) {}

  // One turn's work; false once there is nothing more to do.
  bool step() {
    if (window_.isNull() || window_->isVisible()) {
      return false;  // shown meanwhile: its real paint does the rest
    }
    if (!laid_out_) {
      // Sizes first: a hidden window's layouts have not run yet.
      window_->ensurePolished();
      if (QLayout* layout = window_->layout()) {
        layout->activate();
      }
      collectParts(window_, parts_);
      laid_out_ = true;
      return true;
    }
    while (next_ < parts_.size()) {
      const QPointer<QWidget> part = parts_[next_++];
      if (part.isNull() || part->size().isEmpty()) {
        continue;
      }
      // At the window's scale, so that glyphs and icons are cached at the
      // size the real paint asks for.
      const qreal scale = window_->devicePixelRatioF();
      QImage scratch(part->size() * scale, QImage::Format_ARGB32_Premultiplied);
      scratch.setDevicePixelRatio(scale);
      part->render(&scratch);
      return true;  // the backing store goes in a turn of its own
    }
    if (!store_ready_) {
      store_ready_ = true;
      prepareBackingStore();
    }
    return false;
  }

 private:
  // The window's own backing store, made and written once while hidden:
  // its first showing then paints into pages the system has already handed
  // over (a new 1100x680 window's store is 3 MB, about 750 page faults, a
  // third of its first paint on the offscreen platform) instead of faulting
  // them in while the user waits. What is written here is painted over.
  void prepareBackingStore() {
    (void)window_->winId();  // makes the native window, still hidden
    QBackingStore* store = window_->backingStore();
    if (store == nullptr || window_->size().isEmpty()) {
      return;
    }
    const QRect all(QPoint(0, 0), window_->size());
    if (store->size() != window_->size()) {
      store->resize(window_->size());
    }
    store->beginPaint(all);
    if (QPaintDevice* device = store->paintDevice()) {
      QPainter painter(device);
      painter.fillRect(all, window_->palette().window());
    }
    store->endPaint();
  }

  QPointer<QWidget> window_;
  std::vector<QPointer<QWidget>> parts_;
  std::size_t next_ = 0;
  bool laid_out_ = false;
  bool store_ready_ = false;
};

}  // namespace

void paintAhead(QWidget* window, std::function<void()> done) {
  // A zero-interval timer fires once per turn of the event loop, after what
  // is already queued: input and the sign-in window's own paints go first.
  auto* timer = new QTimer(window);
  timer->setInterval(0);
  auto painter = std::make_shared<PaintAhead>(window);
  QObject::connect(timer, &QTimer::timeout, timer, [timer, painter, done = std::move(done)] {
    if (!painter->step()) {
      timer->stop();
      timer->deleteLater();
      if (done) {
        done();
      }
    }
  });
  timer->start();
}

}  // namespace parley::ui
