#pragma once
// SignInWindow: the first window. Server, user name, password ("remember me"
// keeps it in the OS keychain), room; Sign in and Settings. While signing in
// it shows the race live (one row per attempt, the winner highlighted) and
// can be cancelled; when every route fails it stays, with a message that
// says what to do and, when it helps, a button that does it (enter proxy
// credentials, open the settings).
//
// Threads: GUI thread. It only shows state and emits intent; AppController
// does the work.

#include <QWidget>

#include "ui/settings/connection_settings.h"
#include "ui/sign_in/attempt_text.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace parley::ui {

class RaceTableModel;

class SignInWindow final : public QWidget {
  Q_OBJECT
 public:
  explicit SignInWindow(QWidget* parent = nullptr);

  void setSettings(const ConnectionSettings& settings);
  // The sign-in fields copied over `base`.
  [[nodiscard]] ConnectionSettings settings(ConnectionSettings base) const;
  [[nodiscard]] QString password() const;
  void setPassword(const QString& password);
  // Problems with the sign-in fields (shown in place); empty when fine.
  QStringList validateFields();

  void setBusy(bool busy);
  [[nodiscard]] bool busy() const { return busy_; }
  void showFailure(const FailureAdvice& advice);
  void showNote(const QString& text);
  [[nodiscard]] QString message() const;
  [[nodiscard]] RaceTableModel* race() const { return race_; }

 Q_SIGNALS:
  void signInRequested();
  void cancelRequested();
  void settingsRequested(int tab);
  void proxyCredentialsRequested(const QString& proxy);

 private:
  void updateButtons();

  QLineEdit* server_ = nullptr;
  QLineEdit* user_ = nullptr;
  QLineEdit* password_ = nullptr;
  QLineEdit* room_ = nullptr;
  QCheckBox* remember_ = nullptr;
  QPushButton* sign_in_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* settings_ = nullptr;
  QLabel* message_ = nullptr;
  QPushButton* action_ = nullptr;
  QTableView* race_view_ = nullptr;
  RaceTableModel* race_ = nullptr;
  FailureAdvice advice_;
  bool busy_ = false;
};

}  // namespace parley::ui
