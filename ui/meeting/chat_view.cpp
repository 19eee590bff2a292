#include "ui/meeting/chat_view.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

namespace parley::ui {
namespace {

constexpr int kMaxItems = 5000;       // older lines are dropped from the view
constexpr int kMaxInputChars = 4000;  // the server refuses longer chat anyway
constexpr int kRoleSeq = Qt::UserRole + 1;
constexpr int kRoleUser = Qt::UserRole + 2;

template <typename Map>
void forgetItem(Map& items, const QListWidgetItem* item) {
  for (auto it = items.begin(); it != items.end(); ++it) {
    if (it->second == item) {
      items.erase(it);
      return;
    }
  }
}

QString lineFor(const QString& user, const QString& text, qint64 time_ms) {
  const QString time =
      time_ms > 0 ? QDateTime::fromMSecsSinceEpoch(time_ms).toString(QStringLiteral("HH:mm"))
                  : QStringLiteral("--:--");
  return QStringLiteral("%1  %2: %3").arg(time, user, text);
}

}  // namespace

ChatView::ChatView(QWidget* parent) : QWidget(parent) {
  list_ = new QListWidget(this);
  list_->setObjectName(QStringLiteral("chatList"));
  list_->setWordWrap(true);
  list_->setSelectionMode(QAbstractItemView::NoSelection);
  list_->setFocusPolicy(Qt::NoFocus);
  list_->setAccessibleName(tr("Chat messages"));
  input_ = new QLineEdit(this);
  input_->setObjectName(QStringLiteral("chatInput"));
  input_->setPlaceholderText(tr("Write a message and press Enter"));
  input_->setMaxLength(kMaxInputChars);
  input_->setAccessibleName(tr("Message"));
  send_ = new QPushButton(tr("S&end"), this);
  send_->setObjectName(QStringLiteral("chatSend"));
  connect(input_, &QLineEdit::returnPressed, this, &ChatView::send);
  connect(send_, &QPushButton::clicked, this, &ChatView::send);

  auto* title = new QLabel(tr("&Chat"), this);
  title->setBuddy(input_);
  QFont f = title->font();
  f.setBold(true);
  title->setFont(f);
  auto* row = new QHBoxLayout;
  row->addWidget(input_, 1);
  row->addWidget(send_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(title);
  layout->addWidget(list_, 1);
  layout->addLayout(row);
}

void ChatView::send() {
  const QString text = input_->text().trimmed();
  if (text.isEmpty()) {
    return;
  }
  input_->clear();
  Q_EMIT sendRequested(text);
}

QListWidgetItem* ChatView::append(const QString& text, const QString& tooltip) {
  auto* bar = list_->verticalScrollBar();
  const bool at_bottom = bar->value() >= bar->maximum() - 4;
  auto* item = new QListWidgetItem(text, list_);
  item->setToolTip(tooltip);
  while (list_->count() > kMaxItems) {
    QListWidgetItem* oldest = list_->item(0);
    if (oldest == marker_) {
      marker_ = nullptr;
    }
    forgetItem(pending_, oldest);
    forgetItem(unnumbered_, oldest);
    delete list_->takeItem(0);
  }
  if (at_bottom) {
    list_->scrollToBottom();
  }
  return item;
}

bool ChatView::addChat(const client::ChatInfo& chat) {
  if (chat.pending_id != 0) {
    return addPendingElsewhere(chat);
  }
  if (seen_seqs_.contains(chat.seq)) {
    return false;  // already shown (a reconnect delivered it again)
  }
  seen_seqs_.insert(chat.seq);
  const QString user = QString::fromStdString(chat.sender);
  const QString text = QString::fromStdString(chat.text);
  bool shown_before = false;
  if (auto it = unnumbered_.find(chat.replaces_pending_id); it != unnumbered_.end()) {
    // Its numbered copy goes where the numbering puts it: after what the
    // other server's people said meanwhile.
    delete list_->takeItem(list_->row(it->second));
    unnumbered_.erase(it);
    shown_before = true;
  }
  // Our own message comes back from the room before the server's
  // acknowledgement: it takes over the pending line instead of a second one.
  if (chat.sender_participant_id == self_ && self_ != 0) {
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      QListWidgetItem* item = it->second;
      if (item->data(kRoleSeq).toULongLong() == 0 && item->data(Qt::UserRole) == text) {
        item->setData(kRoleSeq, QVariant::fromValue<quint64>(chat.seq));
        item->setText(lineFor(user, text, chat.server_time_ms));
        item->setForeground(list_->palette().color(QPalette::Text));
        item->setToolTip({});
        pending_.erase(it);
        return false;
      }
    }
  }
  const bool fresh = !chat.is_history && !shown_before;
  if (!reading_ && fresh && marker_ == nullptr) {
    marker_ = append(tr("— new messages —"), {});
    marker_->setTextAlignment(Qt::AlignCenter);
    marker_->setForeground(list_->palette().color(QPalette::Highlight));
  }
  QListWidgetItem* item = append(lineFor(user, text, chat.server_time_ms),
                                 chat.is_history ? tr("from the room's history") : QString());
  item->setData(kRoleSeq, QVariant::fromValue<quint64>(chat.seq));
  if (!reading_ && fresh) {
    ++unread_;
    Q_EMIT unreadChanged(unread_);
  }
  return fresh;
}

bool ChatView::addPendingElsewhere(const client::ChatInfo& chat) {
  const QString user = QString::fromStdString(chat.sender);
  const QString text = QString::fromStdString(chat.text);
  if (QListWidgetItem* own = ownSending(user, text)) {
    own->setToolTip(
        tr("Waiting for the server that keeps this room's chat order: "
           "people on this server see it, people on the other server "
           "once the link is back"));
    return false;
  }
  if (unnumbered_.count(chat.pending_id) != 0) {
    return false;
  }
  if (!reading_ && marker_ == nullptr) {
    marker_ = append(tr("— new messages —"), {});
    marker_->setTextAlignment(Qt::AlignCenter);
    marker_->setForeground(list_->palette().color(QPalette::Highlight));
  }
  QListWidgetItem* item =
      append(lineFor(user, text, chat.server_time_ms) + QStringLiteral("  ") +
                 tr("(not yet numbered)"),
             tr("The server that keeps this room's chat order is unreachable: people on this "
                "server see this message now, the others once the link is back, when it takes "
                "its place in the room's order"));
  item->setForeground(list_->palette().color(QPalette::Disabled, QPalette::Text));
  unnumbered_[chat.pending_id] = item;
  if (!reading_) {
    ++unread_;
    Q_EMIT unreadChanged(unread_);
  }
  return true;
}

QListWidgetItem* ChatView::ownSending(const QString& user, const QString& text) const {
  for (const auto& [id, item] : pending_) {
    if (item->data(kRoleUser).toString() == user && item->data(Qt::UserRole) == text) {
      return item;
    }
  }
  return nullptr;
}

void ChatView::addPending(quint64 client_msg_id, const QString& user, const QString& text) {
  QListWidgetItem* item = append(lineFor(user, text, 0) + QStringLiteral("  ") + tr("(sending…)"),
                                 tr("Not yet stored by the server"));
  item->setData(Qt::UserRole, text);
  item->setData(kRoleUser, user);
  item->setForeground(list_->palette().color(QPalette::Disabled, QPalette::Text));
  pending_[client_msg_id] = item;
}

void ChatView::acknowledge(quint64 client_msg_id, quint64 seq) {
  auto it = pending_.find(client_msg_id);
  if (it == pending_.end()) {
    return;  // the room's copy already replaced it
  }
  QListWidgetItem* item = it->second;
  pending_.erase(it);
  if (seen_seqs_.contains(seq)) {
    delete list_->takeItem(list_->row(item));
    return;
  }
  seen_seqs_.insert(seq);
  item->setData(kRoleSeq, QVariant::fromValue<quint64>(seq));
  QString text = item->text();
  text.chop(QStringLiteral("  ").size() + tr("(sending…)").size());
  item->setText(text);
  item->setToolTip({});
  item->setForeground(list_->palette().color(QPalette::Text));
}

void ChatView::refuse(quint64 client_msg_id, const QString& reason) {
  auto it = pending_.find(client_msg_id);
  if (it == pending_.end()) {
    return;
  }
  it->second->setText(it->second->text() + QStringLiteral("  ") + tr("(not sent: %1)").arg(reason));
  pending_.erase(it);
}

void ChatView::addNotice(const QString& text) {
  QListWidgetItem* item = append(text, {});
  QFont f = item->font();
  f.setItalic(true);
  item->setFont(f);
}

void ChatView::setReading(bool reading) {
  if (reading == reading_) {
    return;
  }
  reading_ = reading;
  if (reading) {
    unread_ = 0;
    Q_EMIT unreadChanged(0);
  } else if (marker_ != nullptr) {
    // Looked at everything up to now: the marker moves to the next unread.
    delete list_->takeItem(list_->row(marker_));
    marker_ = nullptr;
  }
}

void ChatView::setInputEnabled(bool enabled) {
  input_->setEnabled(enabled);
  send_->setEnabled(enabled);
}

QStringList ChatView::messageTextsForTest() const {
  QStringList out;
  for (int i = 0; i < list_->count(); ++i) {
    out << list_->item(i)->text();
  }
  return out;
}

}  // namespace parley::ui
