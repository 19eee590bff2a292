#include "ui/sign_in/connection_probe.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <asio/post.hpp>
#include <random>

#include "core/client/hello_greeting.h"
#include "core/client/session_messages.h"
#include "net/io_thread.h"
#include "net/tls/tls_context.h"
#include "ui/sign_in/attempt_text.h"

namespace parley::ui {

struct ConnectionProbe::Shared {
  std::unique_ptr<net::Connector> connector;  // network thread only
};

ConnectionProbe::ConnectionProbe(QObject* parent)
    : QObject(parent),
      io_(std::make_unique<net::IoThreads>(1)),
      shared_(std::make_shared<Shared>()) {}

ConnectionProbe::~ConnectionProbe() {
  cancel();
  io_.reset();  // runs nothing more; joins the network thread
}

void ConnectionProbe::cancel() {
  ++generation_;
  running_ = false;
  asio::post(io_->context(), [shared = shared_] { shared->connector.reset(); });
}

QString ConnectionProbe::start(const QString& server, int tls_port, int alt_port,
                               const QString& ca_file, net::RaceSettings race) {
  cancel();
  auto tls = net::makeClientTlsContext(ca_file.toStdString());
  if (!tls) {
    return tr("The CA certificate file \"%1\" cannot be used: %2")
        .arg(ca_file, QString::fromStdString(tls.error().detail));
  }
  running_ = true;
  const quint64 generation = generation_;
  QPointer<ConnectionProbe> self(this);
  // Delivers `f` on the GUI thread if this probe still runs that race. The
  // QPointer is copied here (GUI thread) and only read there.
  auto deliver = [self, generation](auto f) {
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [self, generation, f = std::move(f)] {
          if (self && self->generation_ == generation) {
            f(*self);
          }
        },
        Qt::QueuedConnection);
  };
  std::random_device entropy;
  const std::uint64_t instance = (std::uint64_t{entropy()} << 32U) | entropy();
  net::ConnectTarget target{server.trimmed().toStdString(), static_cast<std::uint16_t>(tls_port),
                            static_cast<std::uint16_t>(alt_port)};
  auto executor = io_->context().get_executor();
  asio::post(executor, [shared = shared_, executor, tls = *tls, race = std::move(race), target,
                        instance, deliver] {
    net::RacingConnectorFactory factory(executor, tls, race);
    shared->connector = factory.create();
    shared->connector->setGreeting(client::makeHelloGreeting(
        "parley-desktop/" + QCoreApplication::applicationVersion().toStdString() + " probe",
        instance));
    shared->connector->setProgressHandler([deliver](const net::AttemptEvent& e) {
      deliver([e](ConnectionProbe& p) { Q_EMIT p.attempt(e); });
    });
    shared->connector->connect(target, [deliver](Result<net::ConnectedStream> result) {
      QString summary;
      bool ok = static_cast<bool>(result);
      if (result) {
        auto& w = result.value();
        const auto info = client::connectionInfoOf(w);
        summary =
            ConnectionProbe::tr("Connected: %1; the server answered.").arg(connectionText(info));
        asio::error_code ignored;
        w.stream->lowest_layer().close(ignored);
        w.stream.reset();
      } else {
        summary = ConnectionProbe::tr("No route reached the server: %1")
                      .arg(QString::fromStdString(result.error().toString()));
      }
      deliver([ok, summary](ConnectionProbe& p) {
        p.running_ = false;
        Q_EMIT p.finished(ok, summary);
      });
    });
  });
  return {};
}

}  // namespace parley::ui
