#include "ui/sign_in/proxy_auth_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace parley::ui {

ProxyAuthDialog::ProxyAuthDialog(const net::ProxyAuthChallenge& challenge, const QString& user,
                                 const QString& domain, QWidget* parent)
    : QDialog(parent) {
  setObjectName(QStringLiteral("proxyAuthDialog"));
  setWindowTitle(tr("Proxy authentication"));
  setModal(true);
  setMinimumWidth(420);
  const QString proxy = QString::fromStdString(net::proxyHostPort(challenge.proxy));
  const QString scheme = QString::fromStdString(challenge.scheme);
  const bool windows_auth = scheme.compare(QLatin1String("NTLM"), Qt::CaseInsensitive) == 0 ||
                            scheme.compare(QLatin1String("Negotiate"), Qt::CaseInsensitive) == 0;

  message_ = new QLabel(this);
  message_->setObjectName(QStringLiteral("proxyAuthMessage"));
  message_->setWordWrap(true);
  QString text;
  if (windows_auth) {
    text = tr("The proxy <b>%1</b> asks you to sign in (%2).").arg(proxy.toHtmlEscaped(), scheme);
    if (challenge.previous_failed) {
      text +=
          QStringLiteral("<br>") + tr("The credentials you are logged in with were not accepted.");
    }
  } else {
    text = tr("The proxy <b>%1</b> asks for a user name and password.").arg(proxy.toHtmlEscaped()) +
           QStringLiteral("<br>") +
           tr("Realm: <b>%1</b>").arg(QString::fromStdString(challenge.realm).toHtmlEscaped());
    if (challenge.previous_failed) {
      text += QStringLiteral("<br>") + tr("The last user name and password were not accepted.");
    }
  }
  message_->setText(text);
  message_->setProperty("realm", QString::fromStdString(challenge.realm));

  user_ = new QLineEdit(user, this);
  user_->setObjectName(QStringLiteral("proxyUser"));
  password_ = new QLineEdit(this);
  password_->setObjectName(QStringLiteral("proxyPassword"));
  password_->setEchoMode(QLineEdit::Password);
  auto* form = new QFormLayout;
  form->addRow(tr("&User name:"), user_);
  form->addRow(tr("&Password:"), password_);
  if (windows_auth) {
    domain_ = new QLineEdit(domain, this);
    domain_->setObjectName(QStringLiteral("proxyDomain"));
    domain_->setPlaceholderText(tr("optional"));
    form->addRow(tr("&Domain:"), domain_);
  }
  remember_ = new QCheckBox(tr("&Remember in the system keychain"), this);
  remember_->setObjectName(QStringLiteral("proxyRemember"));

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  ok_ = buttons->button(QDialogButtonBox::Ok);
  ok_->setText(tr("&Sign in to proxy"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(user_, &QLineEdit::textChanged, this, &ProxyAuthDialog::updateOk);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(message_);
  layout->addLayout(form);
  layout->addWidget(remember_);
  layout->addWidget(buttons);
  (user_->text().isEmpty() ? user_ : password_)->setFocus();
  updateOk();
}

QString ProxyAuthDialog::realmText() const { return message_->property("realm").toString(); }

void ProxyAuthDialog::updateOk() { ok_->setEnabled(!user_->text().trimmed().isEmpty()); }

net::ProxyCredentials ProxyAuthDialog::credentials() const {
  net::ProxyCredentials c;
  c.user = user_->text().trimmed().toStdString();
  c.password = password_->text().toStdString();
  if (domain_ != nullptr) {
    c.domain = domain_->text().trimmed().toStdString();
  }
  return c;
}

bool ProxyAuthDialog::remember() const { return remember_->isChecked(); }

}  // namespace parley::ui
