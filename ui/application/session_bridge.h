#pragma once
// SessionBridge: the hop between the core ClientSession (its own network
// thread) and the GUI thread. It owns the network thread (net::IoThreads)
// and, during a sign-in or a meeting, one ClientSession; every observer
// callback is re-posted to the GUI thread with a queued invokeMethod and
// re-emitted as a Qt signal there. No method waits on the network.
//
// Each sign-in gets a generation number; events of an earlier (cancelled)
// session that were already queued are dropped.
//
// Threads: the object lives on the GUI thread; call it from there only.
// Ownership: a QObject owned by its Qt parent. Destroying it stops the
// session (no callback runs afterwards) and joins the network thread.

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "core/client/media_link.h"
#include "core/client/session_observer.h"
#include "net/connect/racing_connector.h"

namespace parley::net {
class IoThreads;
class NetworkWatch;
}  // namespace parley::net
namespace parley::client {
class ClientSession;
}

namespace parley::ui {

struct SignInRequest {
  QString server;
  int tls_port = 443;
  int alt_port = 5228;
  QString ca_file;
  QString user;
  QString password;
  // Presented instead of the password when set (raw bytes), with the
  // instance it was issued to (ResumeTokenKeeper); the password stays the
  // fallback when the server refuses the token.
  QByteArray resume_token;
  quint64 client_instance = 0;  // 0: random for this session
  QString room;
  net::RaceSettings race;
  // The media side (not owned; null: chat only). It must outlive the
  // session: the owner calls cancel() before destroying it.
  client::MediaLink* media_link = nullptr;
  client::MediaStateInfo media;
};

class SessionBridge final : public QObject {
  Q_OBJECT
 public:
  explicit SessionBridge(QObject* parent = nullptr);
  ~SessionBridge() override;

  // Starts a new session (stopping any previous one). Returns an empty
  // string when started, else why not (no CA file given): nothing started.
  // An unreadable CA file is found on the network thread and reported
  // through failed() (InvalidArgument).
  QString signIn(const SignInRequest& request);
  // Stops the session now (cancel during sign-in). No signal follows.
  void cancel();
  // Leaves the room politely; left() follows.
  void leave();
  // Queues chat; returns its client_msg_id (0 when no session).
  quint64 sendChat(const QString& text);
  // Announces mute/camera/sharing changes to the room (kept for rejoins).
  void setMediaState(const client::MediaStateInfo& media);
  // The owner's actions on the room (docs/server-admin.md, "Rooms");
  // roomState() follows when the server applied them.
  void setRoomLocked(bool locked);
  void setAdmission(const QStringList& accounts, const QStringList& groups);
  void removeParticipant(quint64 participant_id);
  void readmit(const QString& account);
  [[nodiscard]] bool active() const { return session_ != nullptr; }
  // The network thread's executor, for the call of the next sign-in.
  [[nodiscard]] asio::any_io_executor executor() const;
  void dropConnectionForTest();

 Q_SIGNALS:
  void attempt(const parley::net::AttemptEvent& event);
  void connected(const parley::client::ConnectionInfo& info);
  void signedIn(quint64 participant_id);
  // The server issued a new token (at each sign-in, a rotation), or empty:
  // it refused the one presented. The owner saves or forgets it.
  void resumeToken(const QByteArray& token);
  void joined(const QString& room, const std::vector<parley::client::ParticipantInfo>& people);
  void roomState(const parley::client::RoomStateInfo& state);
  void participantJoined(const parley::client::ParticipantInfo& participant);
  void participantLeft(const parley::client::ParticipantInfo& participant, const QString& reason);
  void participantMedia(quint64 participant_id, const parley::client::MediaStateInfo& media);
  // "via server", "peer-to-peer", "relayed (TURN)".
  void participantPath(quint64 participant_id, const QString& path);
  void videoCodecChanged(const QString& codec);
  void chat(const parley::client::ChatInfo& chat);
  void chatAcknowledged(quint64 client_msg_id, quint64 seq);
  void chatRefused(quint64 client_msg_id, const QString& reason);
  void disconnected(const QString& reason, bool will_retry, int retry_in_ms);
  void left();
  void warning(const QString& text);
  void failed(const parley::Error& error);

 private:
  class Observer;
  void stopSession();

  std::unique_ptr<net::IoThreads> io_;
  // Null where this system's changes are not watched yet (docs/connecting.md).
  std::unique_ptr<net::NetworkWatch> watch_;
  std::unique_ptr<Observer> observer_;
  std::unique_ptr<client::ClientSession> session_;
  std::atomic<quint64> generation_{0};
};

}  // namespace parley::ui
