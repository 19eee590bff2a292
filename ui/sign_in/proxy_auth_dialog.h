#pragma once
// ProxyAuthDialog: asks for what a proxy's 407 needs. Basic (and Digest)
// shows the proxy's realm and asks user and password; NTLM and Negotiate ask
// user, password and an optional domain, and say that the logged-in
// credentials were refused. Cancel fails that one attempt only.
//
// Threads: GUI thread. Owned by its Qt parent (or deleted on close).

#include <QDialog>

#include "net/tunnel/proxy_credentials.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace parley::ui {

class ProxyAuthDialog final : public QDialog {
  Q_OBJECT
 public:
  ProxyAuthDialog(const net::ProxyAuthChallenge& challenge, const QString& user,
                  const QString& domain, QWidget* parent = nullptr);

  [[nodiscard]] net::ProxyCredentials credentials() const;
  [[nodiscard]] bool remember() const;
  [[nodiscard]] QString realmText() const;

 private:
  void updateOk();

  QLabel* message_ = nullptr;
  QLineEdit* user_ = nullptr;
  QLineEdit* password_ = nullptr;
  QLineEdit* domain_ = nullptr;
  QCheckBox* remember_ = nullptr;
  QPushButton* ok_ = nullptr;
};

}  // namespace parley::ui
