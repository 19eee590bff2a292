#pragma once
// ParticipantModel: the people in the room, one row each: name, audio
// (muted or on), camera, screen sharing (from each participant's announced
// MediaState) and the media path: everything is relayed by the server; our
// own row also says whether our media goes over UDP or inside the TLS
// connection (TCP), from the call's statistics; in a two-person room a row
// says "peer-to-peer" or "relayed (TURN)" once that member's media takes a
// peer path (the server tells the room: ParticipantPath). A row's tooltip
// says how that participant's voice and video reach us (loss before and
// after repair, concealment, the longest freeze).
//
// Threads: GUI thread only.

#include <QAbstractTableModel>
#include <QHash>
#include <vector>

#include "core/client/session_observer.h"

namespace parley::ui {

class ParticipantModel final : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Audio, Camera, Sharing, Path, ColumnCount };

  using QAbstractTableModel::QAbstractTableModel;

  void setSelf(quint64 participant_id) { self_ = participant_id; }
  // The room owner's account (empty: none): marked in the Name column.
  void setOwner(const QString& owner);
  void reset(const std::vector<client::ParticipantInfo>& people);
  void add(const client::ParticipantInfo& person);
  void remove(quint64 participant_id);
  // A participant's announced media state; false when not listed.
  bool setMedia(quint64 participant_id, const client::MediaStateInfo& media);
  // Our own media path ("udp", "tcp", "probing", "off"; empty: no media).
  void setSelfPath(const QString& path);
  // Where a participant's media goes ("via server", "peer-to-peer",
  // "relayed (TURN)"); false when not listed.
  bool setPath(quint64 participant_id, const QString& path);
  // What we receive from each participant (receptionDetails), by user name:
  // the tooltip of the row's Name.
  void setReception(const QHash<QString, QString>& by_user);
  [[nodiscard]] const std::vector<client::ParticipantInfo>& people() const { return people_; }
  [[nodiscard]] const client::ParticipantInfo* find(const QString& user) const;
  [[nodiscard]] QStringList names() const;
  [[nodiscard]] bool isSelf(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<client::ParticipantInfo> people_;
  quint64 self_ = 0;
  QString self_path_;
  QString owner_;
  QHash<QString, QString> reception_;
};

}  // namespace parley::ui
