#pragma once
// ChatView: the room's chat: history and live messages in seq order, each
// shown once (a message that comes back after a reconnect is skipped by its
// seq), our own messages marked "sending" until the server stored them,
// others' messages that wait for an interconnected server marked as such
// until their numbered copy takes their place, an unread marker before the
// first message that arrived while the window was not looked at, and an
// input line (Enter sends).
//
// Threads: GUI thread only.

#include <QSet>
#include <QWidget>
#include <map>

#include "core/client/session_observer.h"

class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace parley::ui {

class ChatView final : public QWidget {
  Q_OBJECT
 public:
  explicit ChatView(QWidget* parent = nullptr);

  void setSelf(quint64 participant_id) { self_ = participant_id; }
  // A numbered or pending (ChatInfo::pending_id) message. True when it is
  // news to the reader: not a repeat, not the numbered copy of a line shown.
  bool addChat(const client::ChatInfo& chat);
  // Our message `client_msg_id` is on its way (shown greyed).
  void addPending(quint64 client_msg_id, const QString& user, const QString& text);
  void acknowledge(quint64 client_msg_id, quint64 seq);
  void refuse(quint64 client_msg_id, const QString& reason);
  void addNotice(const QString& text);
  // Whether the user is looking at the chat (window active). While not, new
  // messages count as unread and the marker goes before the first of them.
  void setReading(bool reading);
  void setInputEnabled(bool enabled);

  [[nodiscard]] int unreadCount() const { return unread_; }
  [[nodiscard]] QStringList messageTextsForTest() const;
  [[nodiscard]] bool hasUnreadMarkerForTest() const { return marker_ != nullptr; }

 Q_SIGNALS:
  void sendRequested(const QString& text);
  void unreadChanged(int count);

 private:
  void send();
  QListWidgetItem* append(const QString& text, const QString& tooltip);
  bool addPendingElsewhere(const client::ChatInfo& chat);
  // Our own "sending" line for this text, if any.
  QListWidgetItem* ownSending(const QString& user, const QString& text) const;
  void countUnread();

  QListWidget* list_ = nullptr;
  QLineEdit* input_ = nullptr;
  QPushButton* send_ = nullptr;
  QSet<quint64> seen_seqs_;
  std::map<quint64, QListWidgetItem*> pending_;  // client_msg_id -> item
  // Others' messages not yet numbered: pending_id -> item.
  std::map<quint64, QListWidgetItem*> unnumbered_;
  QListWidgetItem* marker_ = nullptr;
  quint64 self_ = 0;
  bool reading_ = true;
  int unread_ = 0;
};

}  // namespace parley::ui
