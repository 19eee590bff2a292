#include "ui/secrets/resume_token_keeper.h"

#include <QPointer>
#include <QRandomGenerator>

#include "ui/secrets/secret_store.h"

namespace parley::ui {

QString resumeTokenSecretKey(const QString& server, const QString& user) {
  return QStringLiteral("resume-token/%1@%2").arg(user.trimmed(), server.trimmed());
}

QString clientInstanceSecretKey(const QString& server, const QString& user) {
  return QStringLiteral("client-instance/%1@%2").arg(user.trimmed(), server.trimmed());
}

ResumeTokenKeeper::ResumeTokenKeeper(SecretStore& secrets, QObject* parent)
    : QObject(parent), secrets_(secrets) {}

void ResumeTokenKeeper::loadInstance(const QString& key, std::function<void(quint64)> done) {
  if (auto it = instances_.find(key); it != instances_.end()) {
    done(it->second);
    return;
  }
  QPointer<ResumeTokenKeeper> self(this);
  secrets_.read(key, [self, key, done = std::move(done)](const SecretResult& r) {
    if (!self) {
      return;
    }
    if (!r.ok) {
      done(0);  // no keychain: nothing to bind a saved token to
      return;
    }
    bool parsed = false;
    quint64 instance = r.value.toULongLong(&parsed, 16);
    if (!parsed || instance == 0) {
      // First use on this install (or an unreadable value): a new id. Tokens
      // saved under an older id are refused by the server and then replaced.
      do {
        instance = QRandomGenerator::system()->generate64();
      } while (instance == 0);
      self->secrets_.write(key, QString::number(instance, 16), [](const SecretResult&) {});
    }
    self->instances_[key] = instance;
    done(instance);
  });
}

void ResumeTokenKeeper::load(const QString& server, const QString& user, Loaded done) {
  QPointer<ResumeTokenKeeper> self(this);
  const QString key = resumeTokenSecretKey(server, user);
  loadInstance(clientInstanceSecretKey(server, user), [self, key, done = std::move(done)](
                                                          quint64 instance) mutable {
    if (!self || instance == 0) {
      done(SavedResume{});
      return;
    }
    self->secrets_.read(key, [instance, done = std::move(done)](const SecretResult& r) {
      done(SavedResume{instance, r.ok ? QByteArray::fromBase64(r.value.toLatin1()) : QByteArray()});
    });
  });
}

void ResumeTokenKeeper::save(const QString& server, const QString& user, const QByteArray& token) {
  const QString key = resumeTokenSecretKey(server, user);
  // A failed write leaves the older token, which the server refuses after
  // the rotation grace; the session then falls back to the password.
  if (token.isEmpty()) {
    secrets_.remove(key, [](const SecretResult&) {});
  } else {
    secrets_.write(key, QString::fromLatin1(token.toBase64()), [](const SecretResult&) {});
  }
}

}  // namespace parley::ui
