#include "ui/meeting/admission_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace parley::ui {
namespace {

QString lines(const std::vector<std::string>& names) {
  QStringList out;
  for (const auto& name : names) {
    out << QString::fromStdString(name);
  }
  return out.join(QLatin1Char('\n'));
}

QStringList namesIn(const QPlainTextEdit* edit) {
  QStringList out;
  for (const auto& line : edit->toPlainText().split(QLatin1Char('\n'))) {
    const QString name = line.trimmed();
    if (!name.isEmpty() && !out.contains(name)) {
      out << name;
    }
  }
  return out;
}

}  // namespace

AdmissionDialog::AdmissionDialog(const client::RoomStateInfo& state, QWidget* parent)
    : QDialog(parent) {
  setObjectName(QStringLiteral("admissionDialog"));
  setWindowTitle(tr("Who may join %1").arg(QString::fromStdString(state.room)));
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(tr("List the accounts and groups that may join, one per line. "
                              "Leave both empty to let anyone with an account join. You can "
                              "always join your own room."),
                           this);
  intro->setWordWrap(true);
  layout->addWidget(intro);
  auto* form = new QFormLayout();
  accounts_ = new QPlainTextEdit(lines(state.admitted_accounts), this);
  accounts_->setObjectName(QStringLiteral("admittedAccounts"));
  accounts_->setAccessibleName(tr("Accounts that may join"));
  groups_ = new QPlainTextEdit(lines(state.admitted_groups), this);
  groups_->setObjectName(QStringLiteral("admittedGroups"));
  groups_->setAccessibleName(tr("Groups that may join"));
  form->addRow(tr("&Accounts:"), accounts_);
  form->addRow(tr("&Groups:"), groups_);
  removed_ = new QListWidget(this);
  removed_->setObjectName(QStringLiteral("removedAccounts"));
  removed_->setAccessibleName(tr("Removed people; tick to let them in again"));
  for (const auto& account : state.removed_accounts) {
    auto* item = new QListWidgetItem(QString::fromStdString(account), removed_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
  }
  form->addRow(tr("Removed (tick to let in again):"), removed_);
  removed_->setVisible(!state.removed_accounts.empty());
  form->labelForField(removed_)->setVisible(!state.removed_accounts.empty());
  layout->addLayout(form);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
}

QStringList AdmissionDialog::accounts() const { return namesIn(accounts_); }
QStringList AdmissionDialog::groups() const { return namesIn(groups_); }

QStringList AdmissionDialog::readmitted() const {
  QStringList out;
  for (int i = 0; i < removed_->count(); ++i) {
    if (removed_->item(i)->checkState() == Qt::Checked) {
      out << removed_->item(i)->text();
    }
  }
  return out;
}

}  // namespace parley::ui
