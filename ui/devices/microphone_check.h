#pragma once
// MicrophoneCheck: the live input meter of the settings dialog. It opens the
// chosen microphone on its own (the meeting's devices are not involved, so
// it works before signing in) and reports the level of what it hears ten
// times a second, on the same scale as the meeting's meter (-dBov: 0
// loudest, 127 silence).
//
//   QAudioSource --readyRead--> RMS of the last 100 ms --level()--> meter
//
// Threads: GUI thread (a QAudioSource in pull mode: Qt's own thread fills
// the buffer, the GUI thread only sums it).

#include <QAudioDevice>
#include <QAudioFormat>
#include <QObject>
#include <QString>
#include <QTimer>

class QAudioSource;
class QIODevice;

namespace parley::ui {

class MicrophoneCheck final : public QObject {
  Q_OBJECT
 public:
  explicit MicrophoneCheck(QObject* parent = nullptr);
  ~MicrophoneCheck() override;

  // Listens to `device` (null: none; stops). Returns why it cannot (empty:
  // listening).
  QString start(const QAudioDevice& device);
  void stop();
  [[nodiscard]] bool listening() const { return source_ != nullptr; }

 Q_SIGNALS:
  void level(int dbov);

 private:
  void readAvailable();
  void report();

  QAudioSource* source_ = nullptr;  // owned; deleted later (stop())
  QIODevice* io_ = nullptr;         // owned by source_
  QAudioFormat format_;
  QTimer tick_;
  double sum_squares_ = 0;
  qint64 samples_ = 0;
};

// -dBov (0..127) of a mean square of samples in -1..1.
int dbovOfMeanSquare(double mean_square);

}  // namespace parley::ui
