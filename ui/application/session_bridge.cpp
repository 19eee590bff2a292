#include "ui/application/session_bridge.h"

#include <QCoreApplication>
#include <QMetaObject>

#include <asio/post.hpp>
#include <optional>

#include "core/client/client_session.h"
#include "net/io_thread.h"
#include "net/platform/network_watch.h"
#include "net/tls/tls_context.h"

namespace parley::ui {

// Runs on the network thread; forwards each callback to the GUI thread.
// Owned by the bridge, replaced per sign-in, destroyed only after the session
// it observes has stopped.
class SessionBridge::Observer final : public client::SessionObserver {
 public:
  Observer(SessionBridge* bridge, quint64 generation) : bridge_(bridge), generation_(generation) {}

  void onAttempt(const net::AttemptEvent& e) override {
    post([e](SessionBridge& b) { Q_EMIT b.attempt(e); });
  }
  void onConnected(const client::ConnectionInfo& info) override {
    post([info](SessionBridge& b) { Q_EMIT b.connected(info); });
  }
  void onSignedIn(std::uint64_t id) override {
    post([id](SessionBridge& b) { Q_EMIT b.signedIn(id); });
  }
  void onResumeToken(const std::string& token) override {
    post([token = QByteArray::fromStdString(token)](SessionBridge& b) {
      Q_EMIT b.resumeToken(token);
    });
  }
  void onJoined(const std::string& room, const std::vector<client::ParticipantInfo>& people,
                std::uint64_t /*last_seq*/) override {
    post([room = QString::fromStdString(room), people](SessionBridge& b) {
      Q_EMIT b.joined(room, people);
    });
  }
  void onRoomState(const client::RoomStateInfo& state) override {
    post([state](SessionBridge& b) { Q_EMIT b.roomState(state); });
  }
  void onParticipantJoined(const std::string&, const client::ParticipantInfo& p) override {
    post([p](SessionBridge& b) { Q_EMIT b.participantJoined(p); });
  }
  void onParticipantLeft(const std::string&, const client::ParticipantInfo& p,
                         const std::string& reason) override {
    post([p, reason = QString::fromStdString(reason)](SessionBridge& b) {
      Q_EMIT b.participantLeft(p, reason);
    });
  }
  void onParticipantMedia(std::uint64_t id, const client::MediaStateInfo& media) override {
    post([id, media](SessionBridge& b) { Q_EMIT b.participantMedia(id, media); });
  }
  void onParticipantPath(std::uint64_t id, const std::string& path) override {
    post([id, path = QString::fromStdString(path)](SessionBridge& b) {
      Q_EMIT b.participantPath(id, path);
    });
  }
  void onVideoCodecChanged(const std::string& codec) override {
    post([codec = QString::fromStdString(codec)](SessionBridge& b) {
      Q_EMIT b.videoCodecChanged(codec);
    });
  }
  void onChat(const client::ChatInfo& c) override {
    post([c](SessionBridge& b) { Q_EMIT b.chat(c); });
  }
  // The meeting window tells the two apart by ChatInfo::pending_id.
  void onChatPending(const client::ChatInfo& c) override {
    post([c](SessionBridge& b) { Q_EMIT b.chat(c); });
  }
  void onChatAcknowledged(std::uint64_t id, std::uint64_t seq) override {
    post([id, seq](SessionBridge& b) { Q_EMIT b.chatAcknowledged(id, seq); });
  }
  void onChatRefused(std::uint64_t id, const Error& reason) override {
    post([id, reason = QString::fromStdString(reason.toString())](SessionBridge& b) {
      Q_EMIT b.chatRefused(id, reason);
    });
  }
  void onDisconnected(const Error& reason, bool will_retry,
                      std::chrono::milliseconds retry_in) override {
    post([reason = QString::fromStdString(reason.toString()), will_retry,
          ms = static_cast<int>(retry_in.count())](SessionBridge& b) {
      Q_EMIT b.disconnected(reason, will_retry, ms);
    });
  }
  void onLeft(const std::string&) override {
    post([](SessionBridge& b) { Q_EMIT b.left(); });
  }
  void onWarning(const Error& w) override {
    post([w = QString::fromStdString(w.toString())](SessionBridge& b) { Q_EMIT b.warning(w); });
  }
  void onError(const Error& error) override {
    post([error](SessionBridge& b) { Q_EMIT b.failed(error); });
  }

 private:
  // The bridge outlives every callback (it stops the session before it dies)
  // and Qt drops events queued for a deleted object; the generation check
  // drops events of a session the user already cancelled.
  template <typename F>
  void post(F f) {
    SessionBridge* bridge = bridge_;
    const quint64 generation = generation_;
    QMetaObject::invokeMethod(
        bridge,
        [bridge, generation, f = std::move(f)] {
          if (bridge->generation_.load() == generation) {
            f(*bridge);
          }
        },
        Qt::QueuedConnection);
  }

  SessionBridge* bridge_;
  quint64 generation_;
};

namespace {

// Fails at once: the CA file could not be used.
class FailingConnector final : public net::Connector {
 public:
  FailingConnector(asio::any_io_executor executor, Error error)
      : executor_(std::move(executor)), error_(std::move(error)) {}
  void connect(const net::ConnectTarget& /*target*/, Done done) override {
    asio::post(executor_, [alive = alive_, done = std::move(done), error = error_] {
      if (*alive) {
        done(makeError(error));
      }
    });
  }
  void cancel() override { *alive_ = false; }
  ~FailingConnector() override { *alive_ = false; }

 private:
  asio::any_io_executor executor_;
  Error error_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Builds the TLS context (reading the CA file, OpenSSL set-up: milliseconds
// of work) on the network thread, the first time the session connects, so
// that the Sign in click stays short on the GUI thread. Keeps one
// RacingConnectorFactory, so the winning route is remembered for reconnects.
class LazyTlsConnectorFactory final : public net::ConnectorFactory {
 public:
  LazyTlsConnectorFactory(asio::any_io_executor executor, std::string ca_file,
                          net::RaceSettings race)
      : executor_(std::move(executor)), ca_file_(std::move(ca_file)), race_(std::move(race)) {}

  // Called by the session on its strand (network thread), one at a time.
  [[nodiscard]] std::unique_ptr<net::Connector> create() const override {
    if (!racing_ && !error_) {
      auto tls = net::makeClientTlsContext(ca_file_);
      if (tls) {
        racing_ = std::make_unique<net::RacingConnectorFactory>(executor_, *tls, race_);
      } else {
        error_ = Error{ErrorCode::InvalidArgument, "the CA certificate file '" + ca_file_ +
                                                       "' cannot be used: " + tls.error().detail};
      }
    }
    if (error_) {
      return std::make_unique<FailingConnector>(executor_, *error_);
    }
    return racing_->create();
  }
  void networkChanged() override {
    if (racing_) {
      racing_->networkChanged();
    }
  }

 private:
  asio::any_io_executor executor_;
  std::string ca_file_;
  net::RaceSettings race_;
  mutable std::unique_ptr<net::RacingConnectorFactory> racing_;
  mutable std::optional<Error> error_;
};

}  // namespace

SessionBridge::SessionBridge(QObject* parent)
    : QObject(parent), io_(std::make_unique<net::IoThreads>(1)) {
  // A dead path after a network change is left at once, not after three
  // missed keep-alives (docs/connecting.md, "When the network changes").
  auto watch = net::NetworkWatch::start([this](const std::string& what) {
    QMetaObject::invokeMethod(
        this,
        [this, what] {
          if (session_) {
            session_->networkChanged(what);
          }
        },
        Qt::QueuedConnection);
  });
  if (watch) {
    watch_ = std::move(*watch);
  }
}

SessionBridge::~SessionBridge() {
  watch_.reset();  // its thread posts to this object: it ends first
  stopSession();
  io_.reset();  // stops the context and joins the network thread
}

void SessionBridge::stopSession() {
  ++generation_;
  if (session_) {
    session_->stop();  // no callback runs after this returns
    session_.reset();
  }
  observer_.reset();
}

QString SessionBridge::signIn(const SignInRequest& request) {
  stopSession();
  if (request.ca_file.trimmed().isEmpty()) {
    return tr("Choose your deployment's CA certificate file in Settings first.");
  }
  client::SessionConfig config;
  config.target.host = request.server.trimmed().toStdString();
  config.target.tls_port = static_cast<std::uint16_t>(request.tls_port);
  config.target.alt_port = static_cast<std::uint16_t>(request.alt_port);
  config.user = request.user.trimmed().toStdString();
  config.password = request.password.toStdString();
  config.resume_token = request.resume_token.toStdString();
  config.client_instance = request.client_instance;
  config.room = request.room.trimmed().toStdString();
  config.client_name = "parley-desktop/" + QCoreApplication::applicationVersion().toStdString();
  config.media = request.media;
  auto executor = io_->context().get_executor();
  auto connectors =
      std::make_shared<LazyTlsConnectorFactory>(executor, request.ca_file.trimmed().toStdString(),
                                                request.race);
  observer_ = std::make_unique<Observer>(this, generation_.load());
  session_ = std::make_unique<client::ClientSession>(executor, config, connectors, *observer_);
  if (request.media_link != nullptr) {
    session_->setMediaLink(request.media_link);
  }
  session_->start();
  return {};
}

void SessionBridge::cancel() { stopSession(); }

void SessionBridge::setMediaState(const client::MediaStateInfo& media) {
  if (session_) {
    session_->setMediaState(media);
  }
}

namespace {
std::vector<std::string> toStd(const QStringList& names) {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(names.size()));
  for (const auto& name : names) {
    out.push_back(name.toStdString());
  }
  return out;
}
}  // namespace

void SessionBridge::setRoomLocked(bool locked) {
  if (session_) {
    session_->setRoomLocked(locked);
  }
}

void SessionBridge::setAdmission(const QStringList& accounts, const QStringList& groups) {
  if (session_) {
    session_->setAdmission(toStd(accounts), toStd(groups));
  }
}

void SessionBridge::removeParticipant(quint64 participant_id) {
  if (session_) {
    session_->removeParticipant(participant_id);
  }
}

void SessionBridge::readmit(const QString& account) {
  if (session_) {
    session_->readmit(account.toStdString());
  }
}

asio::any_io_executor SessionBridge::executor() const { return io_->context().get_executor(); }

void SessionBridge::leave() {
  if (session_) {
    session_->leave();
  }
}

quint64 SessionBridge::sendChat(const QString& text) {
  if (!session_) {
    return 0;
  }
  return session_->sendChat(text.toStdString());
}

void SessionBridge::dropConnectionForTest() {
  if (session_) {
    session_->dropConnectionForTest();
  }
}

}  // namespace parley::ui
