#include "ui/meeting/participant_model.h"

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

bool ParticipantModel::setMedia(quint64 participant_id, const client::MediaStateInfo& media) {
  auto it = std::find_if(people_.begin(), people_.end(),
                         [&](const auto& q) { return q.id == participant_id; });
  if (it == people_.end()) {
    return false;
  }
  it->media = media;
  const int row = static_cast<int>(it - people_.begin());
  Q_EMIT dataChanged(index(row, Audio), index(row, Path));
  return true;
}

bool ParticipantModel::setPath(quint64 participant_id, const QString& path) {
  auto it = std::find_if(people_.begin(), people_.end(),
                         [&](const auto& q) { return q.id == participant_id; });
  if (it == people_.end()) {
    return false;
  }
  it->media_path = path.toStdString();
  const int row = static_cast<int>(it - people_.begin());
  Q_EMIT dataChanged(index(row, Path), index(row, Path));
  return true;
}

void ParticipantModel::setReception(const QHash<QString, QString>& by_user) {
  if (by_user == reception_) {
    return;
  }
  reception_ = by_user;
  if (!people_.empty()) {
    Q_EMIT dataChanged(index(0, Name), index(rowCount() - 1, Name), {Qt::ToolTipRole});
  }
}

void ParticipantModel::setSelfPath(const QString& path) {
  self_path_ = path;
  for (int row = 0; row < static_cast<int>(people_.size()); ++row) {
    if (isSelf(row)) {
      Q_EMIT dataChanged(index(row, Path), index(row, Path));
    }
  }
}

const client::ParticipantInfo* ParticipantModel::find(const QString& user) const {
  const std::string name = user.toStdString();
  for (const auto& p : people_) {
    if (p.user == name) {
      return &p;
    }
  }
  return nullptr;
}

QStringList ParticipantModel::names() const {
  QStringList out;
  for (const auto& p : people_) {
    out << QString::fromStdString(p.user);
  }
  return out;
}

void ParticipantModel::setOwner(const QString& owner) {
  if (owner == owner_) {
    return;
  }
  owner_ = owner;
  if (!people_.empty()) {
    Q_EMIT dataChanged(index(0, Name), index(rowCount() - 1, Name));
  }
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
      case Name: {
        const QString user = QString::fromStdString(p.user);
        const bool owner = !owner_.isEmpty() && user == owner_;
        if (self) {
          return owner ? tr("%1 (you, owner)").arg(user) : tr("%1 (you)").arg(user);
        }
        return owner ? tr("%1 (owner)").arg(user) : user;
      }
      case Audio:
        return p.media.audio_muted ? tr("muted") : tr("on");
      case Camera:
        return p.media.camera_on ? tr("on") : tr("off");
      case Sharing:
        return p.media.sharing_screen ? tr("sharing") : tr("—");
      case Path:
        if (p.media_path == "peer-to-peer") {
          return tr("peer-to-peer");
        }
        if (p.media_path == "relayed (TURN)") {
          return tr("relayed (TURN)");
        }
        if (p.media_path == "via interconnect") {
          return tr("other server");
        }
        if (p.media_path == "unreachable") {
          return tr("unreachable");
        }
        if (self && self_path_ == QLatin1String("udp")) {
          return tr("via server, UDP");
        }
        if (self && self_path_ == QLatin1String("tcp")) {
          return tr("via server, TCP");
        }
        if (self && self_path_ == QLatin1String("probing")) {
          return tr("via server, trying UDP…");
        }
        return tr("via server");
      default:
        return {};
    }
  }
  if (role == Qt::ToolTipRole && index.column() == Name && !self) {
    const auto details = reception_.find(QString::fromStdString(p.user));
    return details == reception_.end() ? QVariant() : QVariant(details.value());
  }
  if (role == Qt::ToolTipRole && index.column() == Path && p.media_path == "peer-to-peer") {
    return tr(
        "Media goes directly between the two of you, encrypted end to end (DTLS-SRTP); "
        "chat still goes through the server.");
  }
  if (role == Qt::ToolTipRole && index.column() == Path && p.media_path == "relayed (TURN)") {
    return tr(
        "Media goes between the two of you through a TURN relay, encrypted end to end "
        "(DTLS-SRTP).");
  }
  if (role == Qt::ToolTipRole && index.column() == Path && p.media_path == "via interconnect") {
    return tr(
        "This participant is connected to another server of the same meeting, which "
        "shares the room with yours.");
  }
  if (role == Qt::ToolTipRole && index.column() == Path && p.media_path == "unreachable") {
    return tr(
        "The link between your server and this participant's server is down: you "
        "cannot hear or reach them until it returns. Your own meeting goes on.");
  }
  if (role == Qt::ToolTipRole && index.column() == Path) {
    return self ? tr("Your media goes through the room server: over UDP when it gets through, "
                     "else inside the encrypted TLS connection (TCP).")
                : tr("This participant's media is relayed by the room server.");
  }
  if (role == Qt::ToolTipRole && index.column() == Audio && p.media.audio_muted) {
    return tr("Muted, or no microphone.");
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
    case Camera:
      return tr("Camera");
    case Sharing:
      return tr("Screen");
    case Path:
      return tr("Path");
    default:
      return {};
  }
}

}  // namespace parley::ui
