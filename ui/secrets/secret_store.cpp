#include "ui/secrets/secret_store.h"

#include <QTimer>

namespace parley::ui {

QString signInSecretKey(const QString& server, const QString& user) {
  return QStringLiteral("sign-in/%1@%2").arg(user.trimmed(), server.trimmed());
}

QString proxySecretKey() { return QStringLiteral("proxy"); }

void MemorySecretStore::finish(Done done, SecretResult result) {
  // Asynchronous like the real store, so callers cannot rely on ordering.
  QTimer::singleShot(0, this,
                     [done = std::move(done), result = std::move(result)] { done(result); });
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
