#pragma once
// ResumeTokenKeeper: the desktop client's resume tokens (docs/security.md,
// "Resume tokens") and their client instance ids, kept in the SecretStore
// (the OS keychain), never in the settings file. The server binds a token to
// the account and the client instance it was issued to, and an instance to
// the first account that used it, so each server and user of this install
// gets its own instance id, created once and kept next to its token
// (clientInstanceSecretKey, resumeTokenSecretKey; the token in base64).
//
// Threads: GUI thread. Completion is asynchronous like the store's.

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>
#include <map>

namespace parley::ui {

class SecretStore;

struct SavedResume {
  quint64 client_instance = 0;  // 0: none (no keychain): the session picks one
  QByteArray token;             // raw bytes; empty: sign in with the password
};

class ResumeTokenKeeper final : public QObject {
  Q_OBJECT
 public:
  using Loaded = std::function<void(SavedResume)>;
  explicit ResumeTokenKeeper(SecretStore& secrets, QObject* parent = nullptr);

  // The instance id of server/user on this install (created and saved on
  // first use) and the token saved for them. A keychain that fails gives an empty result:
  // the sign-in goes on with the password.
  void load(const QString& server, const QString& user, Loaded done);
  // Replaces the saved token (a rotation); an empty token forgets it.
  void save(const QString& server, const QString& user, const QByteArray& token);
  void forget(const QString& server, const QString& user) { save(server, user, {}); }

 private:
  void loadInstance(const QString& key, std::function<void(quint64)> done);

  SecretStore& secrets_;
  std::map<QString, quint64> instances_;  // by key, once read or created
};

QString resumeTokenSecretKey(const QString& server, const QString& user);
QString clientInstanceSecretKey(const QString& server, const QString& user);

}  // namespace parley::ui
