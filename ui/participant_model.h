#pragma once
// ParticipantModel: the people in the room, one row each: name, audio,
// screen sharing and the media path. Audio, sharing and path are shown
// honestly as "not yet" until the media update lands: the server relays
// everything today.
//
// Threads: GUI thread only.

#include <QAbstractTableModel>
#include <vector>

#include "core/client/session_observer.h"

namespace parley::ui {

class ParticipantModel final : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Audio, Sharing, Path, ColumnCount };

  using QAbstractTableModel::QAbstractTableModel;

  void setSelf(quint64 participant_id) { self_ = participant_id; }
  void reset(const std::vector<client::ParticipantInfo>& people);
  void add(const client::ParticipantInfo& person);
  void remove(quint64 participant_id);
  [[nodiscard]] QStringList names() const;
  [[nodiscard]] bool isSelf(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<client::ParticipantInfo> people_;
  quint64 self_ = 0;
};

}  // namespace parley::ui
