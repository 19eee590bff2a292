#pragma once
// ResumeTokenKeeper: the desktop client's resume tokens (docs/security.md,
// "Resume tokens") and this install's client instance id, kept in the
// SecretStore (the OS keychain), never in the settings file. The server binds
// a token to the account and to the client instance it was issued to, so the
// instance id is created once per install and kept with the tokens; a token
// is saved per server and user (resumeTokenSecretKey), in base64.
//
// Threads: GUI thread. Completion is asynchronous like the store's.

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>
#include <map>
#include <optional>

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

  // The install's instance id (created and saved on first use) and the token
  // saved for server/user. A keychain that fails gives an empty result:
  // the sign-in goes on with the password.
  void load(const QString& server, const QString& user, Loaded done);
  // Replaces the saved token (a rotation); an empty token forgets it.
  void save(const QString& server, const QString& user, const QByteArray& token);
  void forget(const QString& server, const QString& user) { save(server, user, {}); }

 private:
  void loadInstance(std::function<void(quint64)> done);

  SecretStore& secrets_;
  std::optional<quint64> instance_;  // once read or created
};

QString resumeTokenSecretKey(const QString& server, const QString& user);
QString clientInstanceSecretKey();

}  // namespace parley::ui
