#include "ui/meeting/push_to_talk.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextEdit>
#include <QWidget>
#include <utility>

namespace parley::ui {

PushToTalk::PushToTalk(QWidget* window, std::function<bool()> muted, std::function<void(bool)> talk)
    : QObject(window), window_(window), muted_(std::move(muted)), talk_(std::move(talk)) {
  qApp->installEventFilter(this);
}

PushToTalk::~PushToTalk() { qApp->removeEventFilter(this); }

bool PushToTalk::typing() const {
  const QWidget* focus = QApplication::focusWidget();
  if (focus == nullptr) {
    return false;
  }
  const auto* text = qobject_cast<const QTextEdit*>(focus);
  return qobject_cast<const QLineEdit*>(focus) != nullptr ||
         qobject_cast<const QPlainTextEdit*>(focus) != nullptr ||
         qobject_cast<const QAbstractSpinBox*>(focus) != nullptr ||
         qobject_cast<const QComboBox*>(focus) != nullptr ||
         (text != nullptr && !text->isReadOnly());
}

bool PushToTalk::eventFilter(QObject* watched, QEvent* event) {
  const auto type = event->type();
  // Space still held when the window loses the keyboard (Alt+Tab): its
  // release goes elsewhere, so the talk ends here.
  if (type == QEvent::WindowDeactivate && watched == window_ && talking_) {
    talking_ = false;
    talk_(false);
    return QObject::eventFilter(watched, event);
  }
  if (type != QEvent::KeyPress && type != QEvent::KeyRelease) {
    return QObject::eventFilter(watched, event);
  }
  auto* key = static_cast<QKeyEvent*>(event);
  // Each key event reaches the filter once per widget it is offered to:
  // only the one addressed to a widget of our window counts.
  auto* target = qobject_cast<QWidget*>(watched);
  if (key->key() != Qt::Key_Space || key->modifiers() != Qt::NoModifier || target == nullptr ||
      target->window() != window_) {
    return QObject::eventFilter(watched, event);
  }
  if (type == QEvent::KeyPress) {
    if (key->isAutoRepeat()) {
      return talking_;  // held: swallow the repeats while talking
    }
    if (!talking_ && window_->isActiveWindow() && !typing() && muted_()) {
      talking_ = true;
      talk_(true);
      return true;  // a Space that talks does not also press the focused button
    }
    return QObject::eventFilter(watched, event);
  }
  if (key->isAutoRepeat() || !talking_) {
    return talking_ || QObject::eventFilter(watched, event);
  }
  talking_ = false;
  talk_(false);
  return true;
}

}  // namespace parley::ui
