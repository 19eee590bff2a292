#pragma once
// UiCredentialProvider: the desktop client's answer to a proxy that asks for
// a password (net::ProxyCredentialProvider). The race calls it on the
// network thread; it hops to the GUI thread, answers at once with the saved
// proxy credentials the first time a proxy asks, and otherwise (or when those
// were refused) shows a modal ProxyAuthDialog. Cancel answers std::nullopt:
// that attempt fails, the race goes on.
//
// Threads: requestCredentials() from any thread; the prompter lives on the
// GUI thread. Ownership: shared by the race settings of each session; the
// GUI-side prompter is deleted with deleteLater() when the provider dies.

#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>

#include "net/tunnel/proxy_credentials.h"

class QWidget;

namespace parley::ui {

// The GUI-thread half. The app controller listens to it to save what the
// user entered.
class CredentialPrompter final : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  // Saved credentials, tried once per proxy before asking.
  void setSaved(const QString& user, const QString& password, const QString& domain);
  // Parent window for the dialog (the sign-in window, or the settings dialog).
  void setParentWindow(QWidget* window) { parent_window_ = window; }
  void ask(const net::ProxyAuthChallenge& challenge,
           const net::ProxyCredentialProvider::Answer& answer);

 Q_SIGNALS:
  // A dialog opened (tests look at it) and what the user entered.
  void prompted(QWidget* dialog);
  void credentialsEntered(const QString& user, const QString& password, const QString& domain,
                          bool remember);

 private:
  QString user_;
  QString password_;
  QString domain_;
  QPointer<QWidget> parent_window_;
};

class UiCredentialProvider final : public net::ProxyCredentialProvider {
 public:
  // `prompter` must live on the GUI thread and outlive every race using this
  // provider or be deleted there (its queued prompts are then dropped and the
  // attempts time out).
  explicit UiCredentialProvider(CredentialPrompter* prompter) : prompter_(prompter) {}
  void requestCredentials(const net::ProxyAuthChallenge& challenge, Answer answer) override;

 private:
  QPointer<CredentialPrompter> prompter_;  // read on the GUI thread only
};

}  // namespace parley::ui
