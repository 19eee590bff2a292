// KeychainStore on Windows: the Credential Manager, through the same code
// and names the command-line client uses (net/platform/credential_store.h),
// so a password either client remembered is found by the other. QtKeychain
// is not in the Windows build: the archive serves none of its source files
// (scripts/windows-deps). The Credential Manager answers at once, so the
// result is handed back on the next turn of the event loop, as an
// asynchronous store would.

#include <QTimer>
#include <optional>
#include <string>
#include <utility>

#include "net/platform/credential_store.h"
#include "ui/secrets/secret_store.h"

namespace parley::ui {
namespace {

void finishLater(SecretStore* owner, SecretStore::Done done, SecretResult result) {
  QTimer::singleShot(0, owner,
                     [done = std::move(done), result = std::move(result)] { done(result); });
}

QString storeError(const parley::Error& error) {
  return KeychainStore::tr(
             "The Windows Credential Manager is not available (%1); the password is not "
             "remembered.")
      .arg(QString::fromStdString(error.detail));
}

}  // namespace

KeychainStore::KeychainStore(QObject* parent) : SecretStore(parent) {}

void KeychainStore::read(const QString& key, Done done) {
  SecretResult result;
  auto stored = net::readStoredSecret(key.toStdString());
  if (stored) {
    result.ok = true;
    if (stored->has_value()) {
      result.value = QString::fromStdString(**stored);
    }
  } else {
    result.error = storeError(stored.error());
  }
  finishLater(this, std::move(done), std::move(result));
}

void KeychainStore::write(const QString& key, const QString& secret, Done done) {
  SecretResult result;
  if (auto stored = net::storeSecret(key.toStdString(), secret.toStdString()); stored) {
    result.ok = true;
  } else {
    result.error = storeError(stored.error());
  }
  finishLater(this, std::move(done), std::move(result));
}

void KeychainStore::remove(const QString& key, Done done) {
  SecretResult result;
  auto forgotten = net::forgetStoredSecret(key.toStdString());
  if (forgotten || forgotten.error().code == ErrorCode::NotFound) {
    result.ok = true;  // nothing stored: not an error
  } else {
    result.error = storeError(forgotten.error());
  }
  finishLater(this, std::move(done), std::move(result));
}

}  // namespace parley::ui
