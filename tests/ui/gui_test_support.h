#pragma once
// Helpers shared by the GUI tests: a temporary settings file (the user's own
// settings are never touched), child widgets by object name, optional
// screenshots (PARLEY_SCREENSHOT_DIR), the tests' time bounds, and what a
// parley-cli did, for failure messages.

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QWidget>

#include "tests/support/server_fixture.h"
#include "ui/settings/connection_settings.h"

namespace parley::test {

// Bounds for waiting on an event, never durations anything must fit in:
// generous, because these tests run ASan builds on two shared cores, and
// reached only when something is broken.
// - anything waiting on another process, a sign-in, TLS or video;
inline constexpr int kProcessWaitMs = 60000;
// - a window being exposed, and in-process asynchronous work.
inline constexpr int kLocalWaitMs = 20000;

// A fresh directory with a settings.ini path inside; removed at the end.
class TempSettings {
 public:
  TempSettings();
  [[nodiscard]] QString file() const { return dir_.filePath(QStringLiteral("settings.ini")); }
  [[nodiscard]] QString dir() const { return dir_.path(); }

 private:
  QTemporaryDir dir_;
};

template <typename T>
T* child(const QWidget* parent, const char* name) {
  return parent->findChild<T*>(QString::fromLatin1(name));
}

// Whether `cli` is still running (or how it exited) and the lines it printed
// so far: the message of a failed wait on it.
QByteArray cliReport(CliProcess& cli);

// The controls under `root` (buttons, fields, lists, tables, tabs, sliders:
// anything that takes focus or is clicked) that a screen reader would
// announce without a name, described as "Class objectName". Controls
// hidden on purpose are skipped; those on a tab page not shown are not.
// `checked`, when given, counts the controls looked at.
QStringList unnamedControls(const QWidget* root, int* checked = nullptr);

// Settings that sign `user` in to `server` on loopback, into `room`, and
// nowhere else (no environment proxies, WPAD, default names or SOCKS).
ui::ConnectionSettings loopbackSettings(const ServerFixture& server, const QString& user,
                                        const QString& room);

// The controls of `window` on screen that take focus from Tab but that
// pressing Tab from the focused one never reaches (a control that keeps
// Tab for itself traps the keyboard). `order`, when given, gets the
// controls in the order Tab visits them.
QStringList untabbableControls(QWidget* window, QStringList* order = nullptr);

// Saves `widget` as $PARLEY_SCREENSHOT_DIR/<name>.png when that is set.
void screenshot(QWidget* widget, const QString& name);

}  // namespace parley::test
