#pragma once
// ConnectionProbe: the settings dialog's "Test connection": one race to the
// server, like `parley-cli probe`, without signing in. Attempt events and the
// result arrive as signals on the GUI thread; nothing waits on the network.
//
// Threads: lives on the GUI thread; owns its own network thread. Destroying
// it cancels the race (the connector is destroyed on its thread) and joins
// that thread.

#include <QObject>
#include <QString>
#include <memory>

#include "net/connect/racing_connector.h"

namespace parley::net {
class IoThreads;
}

namespace parley::ui {

class ConnectionProbe final : public QObject {
  Q_OBJECT
 public:
  explicit ConnectionProbe(QObject* parent = nullptr);
  ~ConnectionProbe() override;

  // Starts a race (cancelling one in progress). Returns why it could not
  // start (unreadable CA file), else an empty string.
  QString start(const QString& server, int tls_port, int alt_port, const QString& ca_file,
                net::RaceSettings race);
  void cancel();
  [[nodiscard]] bool running() const { return running_; }

 Q_SIGNALS:
  void attempt(const parley::net::AttemptEvent& event);
  // ok: a route completed the whole handshake; summary says which or why not.
  void finished(bool ok, const QString& summary);

 private:
  struct Shared;
  std::unique_ptr<net::IoThreads> io_;
  std::shared_ptr<Shared> shared_;  // connector; touched on the network thread only
  quint64 generation_ = 0;
  bool running_ = false;
};

}  // namespace parley::ui
