#include "ui/meeting/video_tile.h"

#include <algorithm>
#include <cmath>

#include <QPainter>
#include <QPainterPath>

namespace parley::ui {

VideoTile::VideoTile(const QString& name, bool self, bool screen, QWidget* parent)
    : QWidget(parent), name_(name), self_(self), screen_(screen) {
  setMinimumSize(screen ? QSize(320, 200) : QSize(160, 110));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  status_ = screen ? tr("waiting for the picture…") : tr("camera off");
  updateAccessibleName();
}

namespace {

// The frame around the picture: 6 px on three sides, the name strip below.
constexpr int kFrameWidth = 12;
constexpr int kFrameHeight = 40;
constexpr QSize kScreenMinimum(320, 200);
constexpr QSize kCameraMinimum(160, 110);

}  // namespace

void VideoTile::setImage(const QImage& image) {
  const bool resized = image.size() != image_.size();
  image_ = image;
  if (resized && actual_size_) {
    fitToPicture();
  }
  update();
}

void VideoTile::setActualSize(bool actual) {
  actual_size_ = actual;
  announcePictureArea();
  if (actual) {
    fitToPicture();
  } else {
    setMinimumSize(screen_ ? kScreenMinimum : kCameraMinimum);
    setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX);
  }
  update();
}

void VideoTile::fitToPicture() {
  if (image_.isNull()) {
    setFixedSize(kScreenMinimum);
    return;
  }
  // Logical pixels: at 200 % scaling a 1920-wide picture is 960 wide here,
  // which the screen shows with 1920 real pixels.
  const QSizeF picture = QSizeF(image_.size()) / devicePixelRatioF();
  setFixedSize(QSize(static_cast<int>(std::ceil(picture.width())) + kFrameWidth,
                     static_cast<int>(std::ceil(picture.height())) + kFrameHeight));
}

void VideoTile::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  announcePictureArea();
}

void VideoTile::announcePictureArea() {
  QSize area;
  if (!actual_size_) {
    const qreal dpr = devicePixelRatioF();
    area = QSize(static_cast<int>(std::ceil((width() - kFrameWidth) * dpr)),
                 static_cast<int>(std::ceil((height() - kFrameHeight) * dpr)))
               .expandedTo(QSize(16, 16));
  }
  if (area != announced_) {
    announced_ = area;
    Q_EMIT pictureAreaChanged(area);
  }
}

void VideoTile::mouseDoubleClickEvent(QMouseEvent* event) {
  Q_EMIT activated();
  QWidget::mouseDoubleClickEvent(event);
}

void VideoTile::clearImage() {
  image_ = QImage();
  update();
}

void VideoTile::setStatus(const QString& status) {
  if (status != status_) {
    status_ = status;
    updateAccessibleName();
    update();
  }
}

void VideoTile::updateAccessibleName() {
  setAccessibleName(screen_ ? tr("Screen shared by %1, %2").arg(name_, status_)
                            : tr("%1, %2").arg(name_, status_));
}

void VideoTile::setLevel(double level) {
  level = std::clamp(level, 0.0, 1.0);
  // Steps of a twentieth: the bar looks the same, and the tile is not
  // repainted for changes no one can see.
  if (std::abs(level - level_) < 0.05 && (level > 0) == (level_ > 0)) {
    return;
  }
  level_ = level;
  update(levelRect().toAlignedRect().adjusted(-1, -1, 1, 1));
}

void VideoTile::setSpeaking(bool speaking) {
  if (speaking != speaking_) {
    speaking_ = speaking;
    update();
  }
}

QRectF VideoTile::levelRect() const {
  const QRectF r = QRectF(rect()).adjusted(4, 4, -4, -4);
  return {r.left() + 8, r.bottom() - 31, r.width() - 16, 4};
}

void VideoTile::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.setRenderHint(QPainter::SmoothPixmapTransform);
  const QPalette& pal = palette();
  QRectF r = QRectF(rect()).adjusted(4, 4, -4, -4);
  QPainterPath frame;
  frame.addRoundedRect(r, 10, 10);
  const bool dark = pal.color(QPalette::Window).lightness() <= 128;
  p.fillPath(frame, image_.isNull() ? pal.color(QPalette::AlternateBase).darker(dark ? 80 : 105)
                                    : QColor(16, 16, 16));

  const QRectF label(r.left() + 8, r.bottom() - 26, r.width() - 16, 20);
  if (!image_.isNull()) {
    // The picture, fitted inside the frame above the label strip, aspect kept.
    p.save();
    p.setClipPath(frame);
    const QRectF area = r.adjusted(2, 2, -2, -30);
    QSizeF size = QSizeF(image_.size()).scaled(area.size(), Qt::KeepAspectRatio);
    const QRectF target(area.center().x() - size.width() / 2, area.center().y() - size.height() / 2,
                        size.width(), size.height());
    p.drawImage(target, image_);
    p.restore();
  } else if (!screen_) {
    // A circle with the initial, in a colour derived from the name.
    const qreal d = std::min(r.width(), r.height()) * 0.42;
    const QRectF circle(r.center().x() - d / 2, r.center().y() - d / 2 - 10, d, d);
    const int hue = static_cast<int>(qHash(name_) % 360);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor::fromHsv(hue, 110, 190));
    p.drawEllipse(circle);
    QFont f = font();
    f.setPixelSize(std::max(8, static_cast<int>(d * 0.45)));
    f.setBold(true);
    p.setFont(f);
    p.setPen(Qt::white);
    p.drawText(circle, Qt::AlignCenter, name_.left(1).toUpper());
  }
  if (speaking_) {
    p.setPen(QPen(QColor(46, 160, 67), 3));  // the same green as the level bar
  } else {
    p.setPen(QPen(pal.color(self_ ? QPalette::Highlight : QPalette::Mid), self_ ? 2 : 1));
  }
  p.setBrush(Qt::NoBrush);
  p.drawPath(frame);

  const QString who =
      screen_ ? tr("%1's screen").arg(name_) : (self_ ? tr("%1 (you)").arg(name_) : name_);
  QFont small = font();
  p.setFont(small);
  const QColor text = image_.isNull() ? pal.color(QPalette::Text) : QColor(Qt::white);
  const QColor muted_text =
      image_.isNull() ? pal.color(QPalette::Disabled, QPalette::Text) : QColor(220, 220, 220);
  if (self_ && level_ > 0) {
    const QRectF bar = levelRect();
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(46, 160, 67));  // green: the microphone hears you
    p.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * level_, bar.height()), 2, 2);
  }
  p.setPen(text);
  p.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, who);
  p.setPen(muted_text);
  p.drawText(label, Qt::AlignRight | Qt::AlignVCenter, status_);
}

}  // namespace parley::ui
