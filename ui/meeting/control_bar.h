#pragma once
// ControlBar: the meeting window's bottom row of controls: microphone,
// camera, share, chat, participants and leave, each an icon over a label,
// driven by the window's actions (their text, state, tooltip and shortcut
// are the buttons'). A muted microphone and Leave are red, as in every
// meeting product people know. GUI thread.

#include <QString>
#include <QWidget>
#include <vector>

class QAction;
class QToolButton;

namespace parley::ui {

class ControlBar : public QWidget {
  Q_OBJECT

 public:
  struct Control {
    QAction* action;
    const char* object_name;  // the button's, for tests and style rules
  };
  // Left to right; `leave` goes last, apart from the others.
  ControlBar(const std::vector<Control>& controls, const Control& leave, QWidget* parent);

  [[nodiscard]] QToolButton* button(const char* object_name) const;
  // Redraws the bar's colours from the application's palette (a switch
  // between light and dark).
  void applyStyle();

 private:
  QToolButton* addButton(const Control& control);
  std::vector<QToolButton*> buttons_;
  QString applied_;  // the "on" colour of the style sheet in force
};

}  // namespace parley::ui
