#include "ui/sign_in/ui_credential_provider.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <memory>

#include "ui/sign_in/proxy_auth_dialog.h"

namespace parley::ui {

void CredentialPrompter::setSaved(const QString& user, const QString& password,
                                  const QString& domain) {
  user_ = user;
  password_ = password;
  domain_ = domain;
}

void CredentialPrompter::ask(const net::ProxyAuthChallenge& challenge,
                             const net::ProxyCredentialProvider::Answer& answer) {
  if (!challenge.previous_failed && !user_.isEmpty() && !password_.isEmpty()) {
    answer(
        net::ProxyCredentials{user_.toStdString(), password_.toStdString(), domain_.toStdString()});
    return;
  }
  auto* dialog = new ProxyAuthDialog(challenge, user_, domain_, parent_window_);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  // Exactly one answer, even when the dialog is destroyed without a choice.
  auto answered = std::make_shared<bool>(false);
  connect(dialog, &QDialog::finished, this, [this, dialog, answer, answered](int result) {
    *answered = true;
    if (result != QDialog::Accepted) {
      answer(std::nullopt);
      return;
    }
    const net::ProxyCredentials c = dialog->credentials();
    user_ = QString::fromStdString(c.user);
    password_ = QString::fromStdString(c.password);
    domain_ = QString::fromStdString(c.domain);
    Q_EMIT credentialsEntered(user_, password_, domain_, dialog->remember());
    answer(c);
  });
  connect(dialog, &QObject::destroyed, this, [answer, answered] {
    if (!*answered) {
      answer(std::nullopt);
    }
  });
  dialog->open();  // window-modal, no nested event loop
  Q_EMIT prompted(dialog);
}

void UiCredentialProvider::requestCredentials(const net::ProxyAuthChallenge& challenge,
                                              Answer answer) {
  // prompter_ is never reassigned, so copying it here is a read of a
  // constant; whether it still points at a live prompter is checked on the
  // GUI thread, inside the queued call. The application object outlives
  // every race (the bridge joins its network thread before it is deleted).
  QMetaObject::invokeMethod(
      QCoreApplication::instance(),
      [p = prompter_, challenge, answer] {
        if (p) {
          p->ask(challenge, answer);
        } else {
          answer(std::nullopt);
        }
      },
      Qt::QueuedConnection);
}

}  // namespace parley::ui
