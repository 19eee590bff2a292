#include "ui/meeting/screen_window.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QImage>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/application/app_icon.h"
#include "ui/meeting/screen_view.h"
#include "ui/meeting/video_tile.h"

namespace parley::ui {

ScreenWindow::ScreenWindow(const QString& user, QWidget* parent)
    : QWidget(parent, Qt::Window), user_(user) {
  setObjectName(QStringLiteral("screenWindow:") + user);
  setAttribute(Qt::WA_DeleteOnClose);
  setWindowTitle(tr("Screen of %1 — Parley").arg(user));
  setWindowIcon(appIcon());
  auto* tile = new VideoTile(user, false, true);
  tile->setObjectName(QStringLiteral("poppedScreenTile:") + user);
  view_ = new ScreenView(tile, this);

  fit_ = new QToolButton(this);
  fit_->setObjectName(QStringLiteral("fitButton"));
  fit_->setText(tr("&Fit to window"));
  actual_ = new QToolButton(this);
  actual_->setObjectName(QStringLiteral("actualSizeButton"));
  actual_->setText(tr("&100 %"));
  actual_->setToolTip(tr("Every pixel of the shared screen on one of yours; scroll to move"));
  auto* group = new QButtonGroup(this);
  for (QToolButton* b : {fit_, actual_}) {
    b->setCheckable(true);
    b->setAutoRaise(true);
    group->addButton(b);
  }
  fit_->setChecked(true);
  connect(actual_, &QToolButton::toggled, view_, &ScreenView::setActualSize);

  auto* bar = new QHBoxLayout;
  bar->addWidget(fit_);
  bar->addWidget(actual_);
  bar->addStretch();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(bar);
  layout->addWidget(view_, 1);
  resize(1024, 680);
}

void ScreenWindow::setImage(const QImage& image) { view_->tile()->setImage(image); }

void ScreenWindow::setStatus(const QString& status) { view_->tile()->setStatus(status); }

}  // namespace parley::ui
