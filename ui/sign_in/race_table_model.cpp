#include "ui/sign_in/race_table_model.h"

#include <QApplication>
#include <QFont>
#include <QPalette>

#include "ui/sign_in/attempt_text.h"

namespace parley::ui {
namespace {

// A race has a handful of routes; this bounds memory if a buggy source
// reported endlessly.
constexpr std::size_t kMaxRows = 64;
constexpr std::size_t kMaxEvents = 2048;

}  // namespace

void RaceTableModel::apply(const net::AttemptEvent& event) {
  using S = net::AttemptEvent::Stage;
  if (events_.size() < kMaxEvents) {
    events_.push_back(event);
  }
  auto it =
      std::find_if(rows_.begin(), rows_.end(), [&](const Row& r) { return r.id == event.id; });
  int row = 0;
  if (it == rows_.end()) {
    if (rows_.size() >= kMaxRows) {
      return;
    }
    row = static_cast<int>(rows_.size());
    beginInsertRows({}, row, row);
    rows_.push_back(Row{event.id, event, {}, false});
    endInsertRows();
    it = rows_.end() - 1;
  } else {
    row = static_cast<int>(it - rows_.begin());
  }
  Row& r = *it;
  // A late Cancelled must not hide that this route won.
  if (!(r.won && event.stage == S::Cancelled)) {
    const std::string target = r.last.target;
    r.last = event;
    if (event.target.empty()) {
      r.last.target = target;
    }
  }
  if (event.stage == S::HelloDone) {
    r.won = true;
  }
  if (!event.detail.empty() && event.stage != S::Cancelled) {
    r.detail = QString::fromStdString(event.detail);
  }
  if (event.stage == S::Failed && event.error != ErrorCode::Ok) {
    r.detail = QString::fromLatin1(errorSlug(event.error).data(),
                                   static_cast<int>(errorSlug(event.error).size())) +
               (event.detail.empty() ? QString() : QStringLiteral(": ") + r.detail);
  }
  Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void RaceTableModel::clear() {
  beginResetModel();
  rows_.clear();
  events_.clear();
  endResetModel();
}

int RaceTableModel::winnerRow() const {
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].won) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int RaceTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RaceTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant RaceTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) {
    return {};
  }
  const Row& r = rows_[static_cast<std::size_t>(index.row())];
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Method:
        return methodText(r.last.method);
      case Via:
        return r.last.via.empty() ? QStringLiteral("—") : QString::fromStdString(r.last.via);
      case Target:
        return QString::fromStdString(r.last.target);
      case Stage:
        return r.won ? tr("connected (winner)") : stageText(r.last.stage);
      case Time:
        return tr("%1 ms").arg(r.last.elapsed.count());
      case Detail:
        return r.detail;
      default:
        return {};
    }
  }
  if (role == Qt::ToolTipRole && index.column() == Detail) {
    return r.detail;
  }
  if (role == Qt::TextAlignmentRole && index.column() == Time) {
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role == Qt::FontRole && r.won) {
    QFont font;
    font.setBold(true);
    return font;
  }
  if (role == Qt::BackgroundRole && r.won) {
    // The palette's highlight, softened, so light and dark themes both read.
    QColor c = QApplication::palette().color(QPalette::Highlight);
    c.setAlpha(90);
    return c;
  }
  if (role == Qt::ForegroundRole && r.last.stage == net::AttemptEvent::Stage::Failed) {
    return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
  }
  return {};
}

QVariant RaceTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return {};
  }
  switch (section) {
    case Method:
      return tr("Method");
    case Via:
      return tr("Via");
    case Target:
      return tr("Target");
    case Stage:
      return tr("Stage");
    case Time:
      return tr("Time");
    case Detail:
      return tr("Detail");
    default:
      return {};
  }
}

}  // namespace parley::ui
