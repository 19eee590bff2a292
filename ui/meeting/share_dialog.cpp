#include "ui/meeting/share_dialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace parley::ui {

ShareDialog::ShareDialog(std::vector<media::ShareableTarget> targets, const QString& error,
                         QWidget* parent)
    : ShareDialog(parent) {
  setTargets(std::move(targets), error);
}

ShareDialog::ShareDialog(QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("shareDialog"));
  setWindowTitle(tr("Share screen — Parley"));
  setModal(true);
  resize(480, 380);
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(
      tr("Choose what everyone in the meeting will see. A whole screen shows everything on it; "
         "a window shows only that window."),
      this);
  intro->setWordWrap(true);
  layout->addWidget(intro);

  list_ = new QListWidget(this);
  list_->setObjectName(QStringLiteral("shareTargetList"));
  list_->setAccessibleName(tr("Screens and windows"));
  list_->setUniformItemSizes(true);
  list_->setEnabled(false);  // until setTargets()
  layout->addWidget(list_, 1);
  note_ = new QLabel(tr("Looking for screens and windows…"), this);
  note_->setObjectName(QStringLiteral("shareNote"));
  note_->setWordWrap(true);
  layout->addWidget(note_);

  buttons_ = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
  auto* share = buttons_->addButton(tr("&Share"), QDialogButtonBox::AcceptRole);
  share->setObjectName(QStringLiteral("shareButton"));
  share->setEnabled(false);
  share->setDefault(true);
  layout->addWidget(buttons_);
  connect(list_, &QListWidget::currentRowChanged, this,
          [share](int row) { share->setEnabled(row >= 0); });
  connect(list_, &QListWidget::itemActivated, this, [this] { accept(); });
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(this, &QDialog::accepted, this, [this] {
    if (auto target = selected()) {
      Q_EMIT shareChosen(*target);
    }
  });
}

void ShareDialog::setTargets(std::vector<media::ShareableTarget> targets, const QString& error) {
  targets_ = std::move(targets);
  list_->clear();
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const auto& t = targets_[i];
    const bool screen = t.kind == media::ShareableTarget::Kind::Screen;
    const QString size = tr("%1×%2").arg(t.geometry.width).arg(t.geometry.height);
    auto* item =
        new QListWidgetItem(screen
                                ? QString::fromStdString(t.name)  // "Screen 0 (1920x1080)"
                                : tr("Window: %1 (%2)").arg(QString::fromStdString(t.name), size),
                            list_);
    item->setData(Qt::UserRole, static_cast<int>(i));
    item->setIcon(
        style()->standardIcon(screen ? QStyle::SP_ComputerIcon : QStyle::SP_TitleBarNormalButton));
  }
  list_->setEnabled(error.isEmpty());
  if (!error.isEmpty()) {
    note_->setText(tr("Nothing can be shared here: %1").arg(error));
    note_->show();
  } else if (targets_.empty()) {
    note_->setText(tr("No screen or window was found to share."));
    note_->show();
  } else {
    note_->hide();
  }
  if (!targets_.empty() && error.isEmpty()) {
    list_->setCurrentRow(0);
  }
  list_->setFocus();
}

std::optional<media::ShareableTarget> ShareDialog::selected() const {
  const int row = list_->currentRow();
  if (row < 0 || row >= static_cast<int>(targets_.size())) {
    return std::nullopt;
  }
  return targets_[static_cast<std::size_t>(row)];
}

void ShareDialog::select(int index) { list_->setCurrentRow(index); }

}  // namespace parley::ui
