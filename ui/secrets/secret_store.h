#pragma once
// SecretStore: where the client keeps secrets (the remembered sign-in
// password, the proxy password, resume tokens: ResumeTokenKeeper). The real one is the OS keychain
// (KeychainStore: QtKeychain, or on Windows the Credential Manager); tests
// use MemorySecretStore. There is no plain
// file fallback: when no keychain is available, saving fails with a message
// the window shows, and nothing is remembered.
//
// Threads: GUI thread. Completion is asynchronous (QtKeychain talks to the
// secret service over D-Bus): `done` runs later on the GUI thread, or never
// when the store is destroyed first.

#include <QObject>
#include <QString>
#include <functional>
#include <map>

namespace parley::ui {

struct SecretResult {
  bool ok = false;
  QString value;  // read: the secret (empty when none is stored)
  QString error;  // when !ok: one sentence for the user
};

class SecretStore : public QObject {
  Q_OBJECT
 public:
  using Done = std::function<void(SecretResult)>;
  using QObject::QObject;
  ~SecretStore() override = default;

  virtual void read(const QString& key, Done done) = 0;
  virtual void write(const QString& key, const QString& secret, Done done) = 0;
  virtual void remove(const QString& key, Done done) = 0;
};

// Keys used by the client.
QString signInSecretKey(const QString& server, const QString& user);
QString proxySecretKey();

// The OS keychain: Secret Service / KWallet or the macOS Keychain through
// QtKeychain, service "Parley" (secret_store_qtkeychain.cpp); the Windows
// Credential Manager's generic credentials (secret_store_credman.cpp).
class KeychainStore final : public SecretStore {
  Q_OBJECT
 public:
  explicit KeychainStore(QObject* parent = nullptr);
  void read(const QString& key, Done done) override;
  void write(const QString& key, const QString& secret, Done done) override;
  void remove(const QString& key, Done done) override;
};

// In memory only: tests, and nothing else.
class MemorySecretStore final : public SecretStore {
  Q_OBJECT
 public:
  using SecretStore::SecretStore;
  void read(const QString& key, Done done) override;
  void write(const QString& key, const QString& secret, Done done) override;
  void remove(const QString& key, Done done) override;
  // When set, every operation fails with this message (a missing keychain).
  void setFailureForTest(QString error) { failure_ = std::move(error); }
  [[nodiscard]] std::map<QString, QString> contentsForTest() const { return secrets_; }

 private:
  void finish(Done done, SecretResult result);
  std::map<QString, QString> secrets_;
  QString failure_;
};

}  // namespace parley::ui
