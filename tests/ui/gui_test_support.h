#pragma once
// Helpers shared by the GUI tests: a temporary settings file (the user's own
// settings are never touched), child widgets by object name, and optional
// screenshots (PARLEY_SCREENSHOT_DIR).

#include <QString>
#include <QTemporaryDir>
#include <QWidget>

namespace parley::test {

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

// Saves `widget` as $PARLEY_SCREENSHOT_DIR/<name>.png when that is set.
void screenshot(QWidget* widget, const QString& name);

}  // namespace parley::test
