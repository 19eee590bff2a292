#pragma once
// RaceTableModel: one row per connection attempt of a race (direct 443,
// direct 5228, each proxy, each SOCKS server) with its latest stage, the
// milliseconds since the race started, and why it failed; the winner is
// highlighted. Fed with net::AttemptEvent, the same data `parley-cli probe`
// prints. Used by the sign-in window and the settings dialog's Test
// connection.
//
// Threads: GUI thread only (feed it through SessionBridge / ConnectionProbe).

#include <QAbstractTableModel>
#include <vector>

#include "net/connect/connector.h"

namespace parley::ui {

class RaceTableModel final : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Method, Via, Target, Stage, Time, Detail, ColumnCount };

  using QAbstractTableModel::QAbstractTableModel;

  void apply(const net::AttemptEvent& event);
  void clear();
  // The row that completed the whole handshake, or -1.
  [[nodiscard]] int winnerRow() const;
  // Every event applied so far, in order (for the failure advice).
  [[nodiscard]] const std::vector<net::AttemptEvent>& events() const { return events_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  struct Row {
    int id = 0;
    net::AttemptEvent last;
    QString detail;
    bool won = false;
  };
  std::vector<Row> rows_;
  std::vector<net::AttemptEvent> events_;
};

}  // namespace parley::ui
