// KeychainStore where QtKeychain is the system's keychain: Linux's Secret
// Service or KWallet, macOS's Keychain. Windows has its own file
// (secret_store_credman.cpp).
#include <qt6keychain/keychain.h>
#include <QPointer>

#include "ui/secrets/secret_store.h"

namespace parley::ui {
namespace {

const QString kService = QStringLiteral("Parley");

QString keychainError(const QKeychain::Job& job) {
  return KeychainStore::tr(
             "The system keychain is not available (%1); the password is not "
             "remembered.")
      .arg(job.errorString());
}

// Runs `job` and reports once; the job deletes itself when finished.
void runJob(QKeychain::Job* job, SecretStore* owner, SecretStore::Done done, bool reading) {
  QPointer<SecretStore> alive(owner);
  QObject::connect(job, &QKeychain::Job::finished, owner,
                   [job, alive, done = std::move(done), reading](QKeychain::Job*) {
                     if (!alive) {
                       return;
                     }
                     SecretResult result;
                     if (job->error() == QKeychain::NoError) {
                       result.ok = true;
                       if (reading) {
                         result.value = static_cast<QKeychain::ReadPasswordJob*>(job)->textData();
                       }
                     } else if (job->error() == QKeychain::EntryNotFound) {
                       result.ok = true;  // nothing stored: not an error
                     } else {
                       result.error = keychainError(*job);
                     }
                     done(result);
                   });
  job->setAutoDelete(true);
  job->start();
}

}  // namespace

KeychainStore::KeychainStore(QObject* parent) : SecretStore(parent) {}

void KeychainStore::read(const QString& key, Done done) {
  auto* job = new QKeychain::ReadPasswordJob(kService);
  job->setKey(key);
  runJob(job, this, std::move(done), true);
}

void KeychainStore::write(const QString& key, const QString& secret, Done done) {
  auto* job = new QKeychain::WritePasswordJob(kService);
  job->setKey(key);
  job->setTextData(secret);
  // QtKeychain's own plain-text fallback stays off (its default on Linux is
  // off too; said here so nobody turns it on).
  job->setInsecureFallback(false);
  runJob(job, this, std::move(done), false);
}

void KeychainStore::remove(const QString& key, Done done) {
  auto* job = new QKeychain::DeletePasswordJob(kService);
  job->setKey(key);
  runJob(job, this, std::move(done), false);
}

}  // namespace parley::ui
