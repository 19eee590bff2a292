#pragma once
// PushToTalk: while muted, holding the Space bar in the meeting window
// unmutes until it is let go, as Mumble and Teams do. Not while typing (a
// text field has the focus), and not when the window is in the background.
// GUI thread; an event filter on the application, so that the key is seen
// whichever control has the focus.

#include <QObject>
#include <functional>

class QWidget;

namespace parley::ui {

class PushToTalk : public QObject {
  Q_OBJECT

 public:
  // `muted` says whether the microphone is muted now; `talk(true)` unmutes
  // for the press, `talk(false)` mutes again at the release.
  PushToTalk(QWidget* window, std::function<bool()> muted, std::function<void(bool)> talk);
  ~PushToTalk() override;
  PushToTalk(const PushToTalk&) = delete;
  PushToTalk& operator=(const PushToTalk&) = delete;

  [[nodiscard]] bool talking() const { return talking_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  [[nodiscard]] bool typing() const;

  QWidget* window_;
  std::function<bool()> muted_;
  std::function<void(bool)> talk_;
  bool talking_ = false;
};

}  // namespace parley::ui
