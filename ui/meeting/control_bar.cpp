#include "ui/meeting/control_bar.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QToolButton>

namespace parley::ui {
namespace {

// The red of a muted microphone and of Leave: white text on it passes WCAG
// AA contrast (5.6:1) in light and dark palettes alike. A disabled control
// (no microphone at all, or leaving) is not red: nothing to act on.
// %1: the background of a control that is on (camera, chat shown), from
// the current palette.
constexpr const char* kStyle = R"(
QToolButton { padding: 4px 10px; border-radius: 6px; }
QToolButton:checked { background-color: %1; }
QToolButton#muteButton:checked:enabled, QToolButton#leaveButton:enabled {
  background-color: #c62828; color: white;
}
QToolButton#leaveButton:enabled:hover, QToolButton#muteButton:checked:enabled:hover {
  background-color: #b71c1c;
}
)";

}  // namespace

ControlBar::ControlBar(const std::vector<Control>& controls, const Control& leave, QWidget* parent)
    : QWidget(parent) {
  setObjectName(QStringLiteral("controlBar"));
  applyStyle();
  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(8, 4, 8, 4);
  row->addStretch(1);
  for (const auto& control : controls) {
    row->addWidget(addButton(control));
  }
  row->addSpacing(24);
  row->addWidget(addButton(leave));
  row->addStretch(1);
}

QToolButton* ControlBar::addButton(const Control& control) {
  auto* button = new QToolButton(this);
  button->setObjectName(QString::fromLatin1(control.object_name));
  button->setDefaultAction(control.action);
  button->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
  button->setIconSize(QSize(24, 24));
  button->setAutoRaise(false);
  button->setFocusPolicy(Qt::TabFocus);
  button->setMinimumWidth(84);
  buttons_.push_back(button);
  return button;
}

void ControlBar::applyStyle() {
  // A style sheet's palette() is read once, so a switch between a light and
  // a dark palette would keep the old shade: the colour goes in as a value.
  // The application's palette: a widget with a style sheet keeps the
  // palette the sheet resolved for it.
  const QString on = QApplication::palette().color(QPalette::Midlight).name();
  if (on == applied_) {
    return;
  }
  applied_ = on;
  setStyleSheet(QString::fromLatin1(kStyle).arg(on));
}

QToolButton* ControlBar::button(const char* object_name) const {
  for (auto* b : buttons_) {
    if (b->objectName() == QLatin1String(object_name)) {
      return b;
    }
  }
  return nullptr;
}

}  // namespace parley::ui
