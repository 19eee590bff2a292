#include "ui/video_tile.h"

#include <QPainter>
#include <QPainterPath>

namespace parley::ui {

VideoTile::VideoTile(const QString& name, bool self, QWidget* parent)
    : QWidget(parent), name_(name), self_(self) {
  setMinimumSize(160, 110);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setAccessibleName(tr("%1, camera off").arg(name));
}

void VideoTile::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QPalette& pal = palette();
  QRectF r = QRectF(rect()).adjusted(4, 4, -4, -4);
  QPainterPath frame;
  frame.addRoundedRect(r, 10, 10);
  p.fillPath(frame, pal.color(QPalette::AlternateBase)
                        .darker(pal.color(QPalette::Window).lightness() > 128 ? 105 : 80));
  p.setPen(QPen(pal.color(self_ ? QPalette::Highlight : QPalette::Mid), self_ ? 2 : 1));
  p.drawPath(frame);

  // A circle with the initial, in a colour derived from the name.
  const qreal d = std::min(r.width(), r.height()) * 0.42;
  const QRectF circle(r.center().x() - d / 2, r.center().y() - d / 2 - 10, d, d);
  const int hue = static_cast<int>(qHash(name_) % 360);
  p.setPen(Qt::NoPen);
  p.setBrush(QColor::fromHsv(hue, 110, 190));
  p.drawEllipse(circle);
  QFont f = font();
  f.setPixelSize(static_cast<int>(d * 0.45));
  f.setBold(true);
  p.setFont(f);
  p.setPen(Qt::white);
  p.drawText(circle, Qt::AlignCenter, name_.left(1).toUpper());

  QFont small = font();
  p.setFont(small);
  p.setPen(pal.color(QPalette::Text));
  const QRectF label(r.left() + 8, r.bottom() - 26, r.width() - 16, 20);
  p.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, self_ ? tr("%1 (you)").arg(name_) : name_);
  p.setPen(pal.color(QPalette::Disabled, QPalette::Text));
  p.drawText(label, Qt::AlignRight | Qt::AlignVCenter, tr("camera off"));
}

}  // namespace parley::ui
