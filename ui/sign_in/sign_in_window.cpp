#include "ui/sign_in/sign_in_window.h"
#include "ui/application/resources_init.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/application/app_icon.h"
#include "ui/settings/settings_dialog.h"
#include "ui/sign_in/race_table_model.h"

namespace parley::ui {
namespace {

void mark(QLineEdit* edit, const QString& problem) {
  edit->setToolTip(problem);
  edit->setStyleSheet(
      problem.isEmpty() ? QString() : QStringLiteral("QLineEdit { border: 2px solid #d9534f; }"));
}

}  // namespace

SignInWindow::SignInWindow(QWidget* parent) : QWidget(parent) {
  initResources();
  setObjectName(QStringLiteral("signInWindow"));
  setWindowTitle(tr("Sign in — Parley"));
  setWindowIcon(appIcon());
  resize(720, 560);

  auto* logo = new QLabel(this);
  logo->setPixmap(appIcon().pixmap(QSize(56, 56)));
  auto* title = new QLabel(tr("<b>Parley</b><br>Sign in to your conference server"), this);
  QFont tf = title->font();
  tf.setPointSizeF(tf.pointSizeF() * 1.2);
  title->setFont(tf);
  auto* header = new QHBoxLayout;
  header->addWidget(logo);
  header->addWidget(title, 1);

  server_ = new QLineEdit(this);
  server_->setObjectName(QStringLiteral("serverEdit"));
  server_->setPlaceholderText(tr("parley.example.org"));
  user_ = new QLineEdit(this);
  user_->setObjectName(QStringLiteral("userEdit"));
  password_ = new QLineEdit(this);
  password_->setObjectName(QStringLiteral("passwordEdit"));
  password_->setEchoMode(QLineEdit::Password);
  room_ = new QLineEdit(this);
  room_->setObjectName(QStringLiteral("roomEdit"));
  remember_ = new QCheckBox(tr("&Remember my password (system keychain)"), this);
  remember_->setObjectName(QStringLiteral("rememberCheck"));
  auto* form = new QFormLayout;
  form->addRow(tr("&Server:"), server_);
  form->addRow(tr("&User name:"), user_);
  form->addRow(tr("&Password:"), password_);
  form->addRow(tr("R&oom:"), room_);
  form->addRow(QString(), remember_);

  sign_in_ = new QPushButton(tr("&Sign in"), this);
  sign_in_->setObjectName(QStringLiteral("signInButton"));
  sign_in_->setDefault(true);
  sign_in_->setAutoDefault(true);
  cancel_ = new QPushButton(tr("&Cancel"), this);
  cancel_->setObjectName(QStringLiteral("cancelButton"));
  settings_ = new QPushButton(tr("Se&ttings…"), this);
  settings_->setObjectName(QStringLiteral("settingsButton"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(settings_);
  buttons->addStretch();
  buttons->addWidget(cancel_);
  buttons->addWidget(sign_in_);

  message_ = new QLabel(this);
  message_->setObjectName(QStringLiteral("messageLabel"));
  message_->setWordWrap(true);
  QFont message_font = message_->font();
  message_font.setBold(true);
  message_->setFont(message_font);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  action_ = new QPushButton(this);
  action_->setObjectName(QStringLiteral("actionButton"));
  action_->hide();
  auto* message_row = new QHBoxLayout;
  message_row->addWidget(message_, 1);
  message_row->addWidget(action_, 0, Qt::AlignTop);

  race_ = new RaceTableModel(this);
  race_view_ = new QTableView(this);
  race_view_->setTabKeyNavigation(false);  // Tab leaves the table (arrows move in it)
  race_view_->setObjectName(QStringLiteral("raceTable"));
  race_view_->setModel(race_);
  race_view_->verticalHeader()->hide();
  race_view_->horizontalHeader()->setStretchLastSection(true);
  race_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  race_view_->setAccessibleName(tr("Connection attempts"));
  race_view_->setFocusPolicy(Qt::NoFocus);
  connect(race_, &QAbstractItemModel::dataChanged, race_view_,
          [this] { race_view_->resizeColumnsToContents(); });

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(header);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addLayout(message_row);
  layout->addWidget(new QLabel(tr("Connection attempts:"), this));
  layout->addWidget(race_view_, 1);

  connect(sign_in_, &QPushButton::clicked, this, &SignInWindow::signInRequested);
  for (QLineEdit* edit : {server_, user_, password_, room_}) {
    connect(edit, &QLineEdit::returnPressed, this, [this] {
      if (!busy_) {
        Q_EMIT signInRequested();
      }
    });
    connect(edit, &QLineEdit::textChanged, this, &SignInWindow::updateButtons);
  }
  connect(cancel_, &QPushButton::clicked, this, &SignInWindow::cancelRequested);
  connect(settings_, &QPushButton::clicked, this,
          [this] { Q_EMIT settingsRequested(SettingsDialog::ServerTab); });
  connect(action_, &QPushButton::clicked, this, [this] {
    if (advice_.action == FailureAdvice::Action::ProxyCredentials) {
      Q_EMIT proxyCredentialsRequested(advice_.proxy);
    } else {
      Q_EMIT settingsRequested(SettingsDialog::ProxyTab);
    }
  });
  setBusy(false);
}

void SignInWindow::setSettings(const ConnectionSettings& s) {
  server_->setText(s.server);
  user_->setText(s.user);
  room_->setText(s.room);
  remember_->setChecked(s.remember_password);
  (server_->text().isEmpty() ? server_ : user_->text().isEmpty() ? user_ : password_)->setFocus();
}

ConnectionSettings SignInWindow::settings(ConnectionSettings base) const {
  base.server = server_->text().trimmed();
  base.user = user_->text().trimmed();
  base.room = room_->text().trimmed();
  base.remember_password = remember_->isChecked();
  return base;
}

QString SignInWindow::password() const { return password_->text(); }
void SignInWindow::setPassword(const QString& password) { password_->setText(password); }

QStringList SignInWindow::validateFields() {
  QStringList problems;
  const QString server = validateHost(server_->text());
  const QString user = user_->text().trimmed().isEmpty() ? tr("Enter your user name.") : QString();
  const QString password = password_->text().isEmpty() ? tr("Enter your password.") : QString();
  const QString room = validateRoom(room_->text());
  mark(server_, server);
  mark(user_, user);
  mark(password_, password);
  mark(room_, room);
  for (const QString& p : {server, user, password, room}) {
    if (!p.isEmpty()) {
      problems << p;
    }
  }
  return problems;
}

void SignInWindow::setBusy(bool busy) {
  busy_ = busy;
  for (QWidget* w :
       std::initializer_list<QWidget*>{server_, user_, password_, room_, remember_, settings_}) {
    w->setEnabled(!busy);
  }
  cancel_->setVisible(busy);
  if (busy) {
    race_->clear();
    action_->hide();
    message_->setText(tr("Signing in: trying every route at once…"));
    cancel_->setFocus();
  }
  updateButtons();
}

void SignInWindow::updateButtons() {
  sign_in_->setEnabled(!busy_ && !server_->text().trimmed().isEmpty() &&
                       !user_->text().trimmed().isEmpty());
}

void SignInWindow::showFailure(const FailureAdvice& advice) {
  advice_ = advice;
  message_->setText(advice.message);
  switch (advice.action) {
    case FailureAdvice::Action::ProxyCredentials:
      action_->setText(tr("Enter &proxy credentials…"));
      action_->show();
      break;
    case FailureAdvice::Action::Settings:
      action_->setText(tr("Open &settings…"));
      action_->show();
      break;
    case FailureAdvice::Action::None:
      action_->hide();
      break;
  }
}

void SignInWindow::showNote(const QString& text) {
  message_->setText(text);
  action_->hide();
}

QString SignInWindow::message() const { return message_->text(); }

}  // namespace parley::ui
