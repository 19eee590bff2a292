#include "ui/secret_store.h"

#include <qt6keychain/keychain.h>
#include <QPointer>
#include <QTimer>

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

QString signInSecretKey(const QString& server, const QString& user) {
  return QStringLiteral("sign-in/%1@%2").arg(user.trimmed(), server.trimmed());
}

QString proxySecretKey() { return QStringLiteral("proxy"); }

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

void MemorySecretStore::finish(Done done, SecretResult result) {
  // Asynchronous like the real store, so callers cannot rely on ordering.
  QTimer::singleShot(0, this, [done = std::move(done), result] { done(result); });
}

void MemorySecretStore::read(const QString& key, Done done) {
  if (!failure_.isEmpty()) {
    finish(std::move(done), SecretResult{false, {}, failure_});
    return;
  }
  auto it = secrets_.find(key);
  finish(std::move(done), SecretResult{true, it == secrets_.end() ? QString() : it->second, {}});
}

void MemorySecretStore::write(const QString& key, const QString& secret, Done done) {
  if (!failure_.isEmpty()) {
    finish(std::move(done), SecretResult{false, {}, failure_});
    return;
  }
  secrets_[key] = secret;
  finish(std::move(done), SecretResult{true, {}, {}});
}

void MemorySecretStore::remove(const QString& key, Done done) {
  if (!failure_.isEmpty()) {
    finish(std::move(done), SecretResult{false, {}, failure_});
    return;
  }
  secrets_.erase(key);
  finish(std::move(done), SecretResult{true, {}, {}});
}

}  // namespace parley::ui
