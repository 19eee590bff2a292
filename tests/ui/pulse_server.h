#pragma once
// PulseServer: a PulseAudio daemon of the test's own, for the device tests
// of the desktop client: no configuration but the modules named (null sinks
// that stand for speakers and headsets, a remapped monitor that stands for a
// microphone), a private socket in a temporary folder, nothing of the
// machine's own sound. Qt Multimedia talks to it through PULSE_SERVER, set
// by start() before the first device lookup. pactl() loads and unloads
// modules to plug devices in and out. The daemon ends (by its PID) with
// this object.

#include <QJsonArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace parley::test {

class PulseServer {
 public:
  PulseServer() = default;
  ~PulseServer();
  PulseServer(const PulseServer&) = delete;
  PulseServer& operator=(const PulseServer&) = delete;

  // Starts the daemon with these default.pa lines and points this process
  // (PULSE_SERVER) at it. Empty when running, else why not.
  QString start(const QStringList& script);
  // pactl with `args` against this daemon: its standard output, or empty
  // with *error set.
  QString pactl(const QStringList& args, QString* error = nullptr) const;
  // `pactl -f json list <what>` (sinks, sources, sink-inputs, ...).
  QJsonArray list(const QString& what) const;
  // The index of the sink or source named `name` in list(`what`); -1 if none.
  int indexOf(const QString& what, const QString& name) const;
  [[nodiscard]] QString server() const;

 private:
  QTemporaryDir dir_;
  QProcess daemon_;
};

}  // namespace parley::test
