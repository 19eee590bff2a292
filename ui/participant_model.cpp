#include "ui/participant_model.h"

#include <QFont>
#include <algorithm>

namespace parley::ui {
namespace {
constexpr std::size_t kMaxParticipants = 10000;  // bounds a misbehaving server
}

void ParticipantModel::reset(const std::vector<client::ParticipantInfo>& people) {
  beginResetModel();
  people_.clear();
  for (const auto& p : people) {
    if (people_.size() >= kMaxParticipants) {
      break;
    }
    if (std::none_of(people_.begin(), people_.end(), [&](const auto& q) { return q.id == p.id; })) {
      people_.push_back(p);
    }
  }
  endResetModel();
}

void ParticipantModel::add(const client::ParticipantInfo& person) {
  if (people_.size() >= kMaxParticipants ||
      std::any_of(people_.begin(), people_.end(),
                  [&](const auto& q) { return q.id == person.id; })) {
    return;
  }
  const int row = static_cast<int>(people_.size());
  beginInsertRows({}, row, row);
  people_.push_back(person);
  endInsertRows();
}

void ParticipantModel::remove(quint64 participant_id) {
  auto it = std::find_if(people_.begin(), people_.end(),
                         [&](const auto& q) { return q.id == participant_id; });
  if (it == people_.end()) {
    return;
  }
  const int row = static_cast<int>(it - people_.begin());
  beginRemoveRows({}, row, row);
  people_.erase(it);
  endRemoveRows();
}

QStringList ParticipantModel::names() const {
  QStringList out;
  for (const auto& p : people_) {
    out << QString::fromStdString(p.user);
  }
  return out;
}

bool ParticipantModel::isSelf(int row) const {
  return row >= 0 && row < static_cast<int>(people_.size()) &&
         people_[static_cast<std::size_t>(row)].id == self_;
}

int ParticipantModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(people_.size());
}

int ParticipantModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant ParticipantModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(people_.size())) {
    return {};
  }
  const auto& p = people_[static_cast<std::size_t>(index.row())];
  const bool self = p.id == self_;
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Name:
        return self ? tr("%1 (you)").arg(QString::fromStdString(p.user))
                    : QString::fromStdString(p.user);
      case Audio:
        return tr("no audio yet");
      case Sharing:
        return tr("not sharing");
      case Path:
        return tr("relayed");
      default:
        return {};
    }
  }
  if (role == Qt::ToolTipRole && index.column() != Name) {
    return tr(
        "Voice, camera and screen sharing arrive with the media update; until then "
        "Parley carries chat only, relayed by the server.");
  }
  if (role == Qt::FontRole && self) {
    QFont f;
    f.setBold(true);
    return f;
  }
  if (role == Qt::UserRole) {
    return QString::fromStdString(p.user);
  }
  return {};
}

QVariant ParticipantModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return {};
  }
  switch (section) {
    case Name:
      return tr("Name");
    case Audio:
      return tr("Audio");
    case Sharing:
      return tr("Screen");
    case Path:
      return tr("Path");
    default:
      return {};
  }
}

}  // namespace parley::ui
