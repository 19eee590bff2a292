#include "ui/meeting/control_icons.h"

#include <QApplication>
#include <QFile>
#include <QHash>
#include <QIconEngine>
#include <QPainter>
#include <QPixmap>
#include <QStyle>
#include <QStyleOption>

#include "ui/application/resources_init.h"

namespace parley::ui {
namespace {

// The icon's shape filled with `colour`: the SVGs are single-colour
// symbolic icons, so their alpha is the shape.
QPixmap tinted(const QIcon& source, const QSize& pixels, const QColor& colour) {
  QPixmap pixmap = source.pixmap(pixels);
  if (pixmap.isNull()) {
    return pixmap;
  }
  QPainter painter(&pixmap);
  painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
  painter.fillRect(pixmap.rect(), colour);
  return pixmap;
}

// Draws each size only when a button first asks for it, and keeps it: the
// meeting window sets its six icons again on every change of its own media
// (mute, camera, share, leaving), and drawing every size at every scale
// up front cost the GUI thread 10-25 ms each time (docs/benchmarks.md).
class TintedIconEngine final : public QIconEngine {
 public:
  TintedIconEngine(const QString& path, const QColor& colour) : source_(path), colour_(colour) {}

  QIconEngine* clone() const override { return new TintedIconEngine(*this); }

  QSize actualSize(const QSize& size, QIcon::Mode /*mode*/, QIcon::State /*state*/) override {
    return size;
  }

  void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State state) override {
    const qreal scale = painter->device() != nullptr ? painter->device()->devicePixelRatioF() : 1.0;
    painter->drawPixmap(rect, scaledPixmap(rect.size() * scale, mode, state, scale));
  }

  QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override {
    return scaledPixmap(size, mode, state, 1.0);
  }

  // `pixels`: the size in device pixels (QIcon::pixmap passes the logical
  // size times `scale`).
  QPixmap scaledPixmap(const QSize& pixels, QIcon::Mode mode, QIcon::State /*state*/,
                       qreal scale) override {
    if (pixels.isEmpty()) {
      return {};
    }
    const quint64 key = (static_cast<quint64>(pixels.width()) << 40) |
                        (static_cast<quint64>(pixels.height()) << 16) |
                        (static_cast<quint64>(qRound(scale * 16)) << 4) |
                        static_cast<quint64>(mode);
    if (auto cached = drawn_.constFind(key); cached != drawn_.constEnd()) {
      return *cached;
    }
    QPixmap pixmap = tinted(source_, pixels, colour_);
    if (!pixmap.isNull() && mode != QIcon::Normal && QApplication::style() != nullptr) {
      QStyleOption option;
      option.palette = QApplication::palette();
      pixmap = QApplication::style()->generatedIconPixmap(mode, pixmap, &option);
    }
    pixmap.setDevicePixelRatio(scale);
    drawn_.insert(key, pixmap);
    return pixmap;
  }

 private:
  QIcon source_;
  QColor colour_;
  QHash<quint64, QPixmap> drawn_;
};

// Whether this Qt reads the icon files at all (a Qt without its SVG module
// does not), asked once for the process with the first icon: rendering
// each icon to find out cost the meeting window's first build 3 ms.
bool iconFilesReadable(const QString& sample) {
  static const bool kReadable = !QIcon(sample).pixmap(QSize(16, 16)).isNull();
  return kReadable;
}

}  // namespace

QIcon controlIcon(const QString& name, const QColor& colour) {
  // GUI thread only (QPixmap), so a plain static cache will do: one icon
  // per name and colour for the process, its sizes drawn as they are used.
  // Never destroyed: its pixmaps must not go after Qt's own statics at exit.
  static auto* const kIcons = new QHash<QString, QIcon>;
  const QString key = name + QLatin1Char('/') + colour.name(QColor::HexArgb);
  if (auto known = kIcons->constFind(key); known != kIcons->constEnd()) {
    return *known;
  }
  initResources();
  // The Windows build's Qt reads no SVG: there its build rendered PNGs
  // (ui/CMakeLists.txt).
  const QString png = QStringLiteral(":/icons/controls/%1.png").arg(name);
  const QString path =
      QFile::exists(png) ? png : QStringLiteral(":/icons/controls/%1.svg").arg(name);
  QIcon icon;
  if (QFile::exists(path) && iconFilesReadable(path)) {
    icon = QIcon(new TintedIconEngine(path, colour));
  }  // else: this Qt cannot read SVG: buttons keep their text
  kIcons->insert(key, icon);
  return icon;
}

}  // namespace parley::ui
