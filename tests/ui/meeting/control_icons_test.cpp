// The meeting window's control icons (ui/meeting/control_icons.h): the
// symbolic shape in the asked colour at the size and scale a button draws,
// a disabled look of its own, and one icon per name and colour for the
// process, so the window's many icon updates draw nothing twice.

#include <QApplication>
#include <QImage>
#include <QtTest>

#include "ui/meeting/control_icons.h"

using parley::ui::controlIcon;

namespace {

// Pixels of the shape (alpha > 0) and of those fully opaque, how many are
// not `colour`.
struct Shape {
  int drawn = 0;
  int off_colour = 0;
};

Shape shapeOf(const QPixmap& pixmap, const QColor& colour) {
  const QImage image = pixmap.toImage().convertToFormat(QImage::Format_ARGB32);
  Shape shape;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const QRgb p = image.pixel(x, y);
      if (qAlpha(p) == 0) {
        continue;
      }
      ++shape.drawn;
      if (qAlpha(p) == 255 &&
          (qRed(p) != colour.red() || qGreen(p) != colour.green() || qBlue(p) != colour.blue())) {
        ++shape.off_colour;
      }
    }
  }
  return shape;
}

}  // namespace

class ControlIconsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void drawsTheShapeInTheColourAtTheAskedSizeAndScale() {
    const QColor red(200, 16, 32);
    const QIcon icon = controlIcon(QStringLiteral("chat"), red);
    QVERIFY(!icon.isNull());
    for (const qreal scale : {1.0, 1.5, 2.0}) {
      for (const int size : {16, 24, 48}) {
        const QPixmap pixmap = icon.pixmap(QSize(size, size), scale);
        const int pixels = qRound(size * scale);
        QCOMPARE(pixmap.size(), QSize(pixels, pixels));
        QCOMPARE(pixmap.devicePixelRatio(), scale);
        const Shape shape = shapeOf(pixmap, red);
        QVERIFY2(shape.drawn > pixels * pixels / 20,
                 qPrintable(QStringLiteral("%1 px: %2 pixels drawn").arg(pixels).arg(shape.drawn)));
        QCOMPARE(shape.off_colour, 0);
      }
    }
    // Disabled buttons get the style's own disabled look of the same shape.
    const QImage normal = icon.pixmap(QSize(24, 24), 1.0).toImage();
    const QImage disabled = icon.pixmap(QSize(24, 24), 1.0, QIcon::Disabled).toImage();
    QCOMPARE(disabled.size(), normal.size());
    QVERIFY(disabled != normal);
  }

  void keepsOneIconPerNameAndColour() {
    const QColor text(30, 30, 30);
    const QIcon first = controlIcon(QStringLiteral("share"), text);
    QCOMPARE(controlIcon(QStringLiteral("share"), text).cacheKey(), first.cacheKey());
    QVERIFY(controlIcon(QStringLiteral("share"), Qt::white).cacheKey() != first.cacheKey());
    QVERIFY(controlIcon(QStringLiteral("leave"), text).cacheKey() != first.cacheKey());
    // A size drawn once is the same pixmap the next time.
    QCOMPARE(first.pixmap(QSize(32, 32), 2.0).cacheKey(),
             controlIcon(QStringLiteral("share"), text).pixmap(QSize(32, 32), 2.0).cacheKey());
  }

  void anUnknownNameGivesANullIcon() {
    QVERIFY(controlIcon(QStringLiteral("no-such-control"), Qt::black).isNull());
  }
};

QTEST_MAIN(ControlIconsTest)
#include "control_icons_test.moc"
