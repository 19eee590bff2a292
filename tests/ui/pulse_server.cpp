#include "tests/ui/pulse_server.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QThread>

namespace parley::test {

PulseServer::~PulseServer() {
  if (daemon_.state() != QProcess::NotRunning) {
    daemon_.terminate();  // SIGTERM to the PID QProcess started
    if (!daemon_.waitForFinished(5000)) {
      daemon_.kill();
      daemon_.waitForFinished(5000);
    }
  }
}

QString PulseServer::server() const { return QStringLiteral("unix:") + dir_.filePath("native"); }

QString PulseServer::start(const QStringList& script) {
  const QString binary = QStandardPaths::findExecutable(QStringLiteral("pulseaudio"));
  if (binary.isEmpty() || QStandardPaths::findExecutable(QStringLiteral("pactl")).isEmpty()) {
    return QStringLiteral(
        "pulseaudio and pactl are not installed (apt-get install pulseaudio "
        "pulseaudio-utils)");
  }
  if (!dir_.isValid()) {
    return QStringLiteral("no temporary folder");
  }
  QFile config(dir_.filePath("default.pa"));
  if (!config.open(QIODevice::WriteOnly)) {
    return QStringLiteral("cannot write %1").arg(config.fileName());
  }
  QStringList lines{QStringLiteral("load-module module-native-protocol-unix socket=%1 "
                                   "auth-anonymous=1")
                        .arg(dir_.filePath("native"))};
  lines << script;
  config.write(lines.join('\n').toUtf8() + '\n');
  config.close();
  // Its own runtime and home folders: nothing of a desktop session's sound.
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("HOME"), dir_.path());
  env.insert(QStringLiteral("XDG_RUNTIME_DIR"), dir_.path());
  env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir_.path());
  env.remove(QStringLiteral("DISPLAY"));  // no X11 bell or session hooks
  daemon_.setProcessEnvironment(env);
  daemon_.setProcessChannelMode(QProcess::MergedChannels);
  daemon_.setStandardOutputFile(dir_.filePath("daemon.log"));
  daemon_.start(binary,
                {QStringLiteral("-n"), QStringLiteral("-F"), config.fileName(),
                 QStringLiteral("--daemonize=no"), QStringLiteral("--exit-idle-time=-1"),
                 QStringLiteral("--use-pid-file=no"), QStringLiteral("--disallow-exit"),
                 QStringLiteral("--disable-shm=yes"), QStringLiteral("--log-target=stderr")});
  if (!daemon_.waitForStarted(10000)) {
    return QStringLiteral("pulseaudio did not start: %1").arg(daemon_.errorString());
  }
  qputenv("PULSE_SERVER", server().toUtf8());
  // Ready once it answers (bounded: 20 s).
  const QDeadlineTimer deadline(20000);
  QString why;
  while (!deadline.hasExpired() && daemon_.state() == QProcess::Running) {
    if (!pactl({QStringLiteral("info")}, &why).isEmpty()) {
      return {};
    }
    QThread::msleep(100);
  }
  QFile log(dir_.filePath("daemon.log"));
  (void)log.open(QIODevice::ReadOnly);
  return QStringLiteral("pulseaudio did not answer (%1): %2")
      .arg(why, QString::fromUtf8(log.readAll().right(2000)));
}

QString PulseServer::pactl(const QStringList& args, QString* error) const {
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(QStringLiteral("PULSE_SERVER"), server());
  env.insert(QStringLiteral("HOME"), dir_.path());
  p.setProcessEnvironment(env);
  p.start(QStringLiteral("pactl"), args);
  if (!p.waitForFinished(10000) || p.exitCode() != 0) {
    if (p.state() != QProcess::NotRunning) {
      p.kill();
      p.waitForFinished(2000);
    }
    if (error != nullptr) {
      *error = QString::fromUtf8(p.readAllStandardError()).trimmed();
    }
    return {};
  }
  const QString out = QString::fromUtf8(p.readAllStandardOutput());
  return out.isEmpty() ? QStringLiteral(" ") : out;  // "done", even when silent
}

QJsonArray PulseServer::list(const QString& what) const {
  const QString out =
      pactl({QStringLiteral("-f"), QStringLiteral("json"), QStringLiteral("list"), what});
  return QJsonDocument::fromJson(out.toUtf8()).array();
}

int PulseServer::indexOf(const QString& what, const QString& name) const {
  for (const auto& v : list(what)) {
    const QJsonObject o = v.toObject();
    if (o.value(QStringLiteral("name")).toString() == name) {
      return o.value(QStringLiteral("index")).toInt();
    }
  }
  return -1;
}

}  // namespace parley::test
