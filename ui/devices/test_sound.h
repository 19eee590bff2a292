#pragma once
// TestSound: "Play a test sound" in the settings dialog. A short two-note
// chime (about a second, gently faded so it never clicks) is made in the
// chosen speakers' own format and played once through them, so a user
// hears which device Parley will talk through before a meeting.
//
// Threads: GUI thread (QAudioSink pulls from an in-memory buffer on Qt's
// own audio thread).

#include <QAudioDevice>
#include <QBuffer>
#include <QByteArray>
#include <QObject>
#include <QString>

class QAudioSink;

namespace parley::ui {

class TestSound final : public QObject {
  Q_OBJECT
 public:
  explicit TestSound(QObject* parent = nullptr);
  ~TestSound() override;

  // Plays the chime through `device` (null: none). Returns why not (empty:
  // playing). A second call restarts it.
  QString play(const QAudioDevice& device);
  void stop();
  [[nodiscard]] bool playing() const { return sink_ != nullptr; }

 Q_SIGNALS:
  void finished();

 private:
  QAudioSink* sink_ = nullptr;  // owned; deleted later (stop())
  QByteArray pcm_;
  QBuffer buffer_;
};

// The chime in `format` (any rate, channel count and sample format):
// about `seconds` long.
QByteArray chime(const QAudioFormat& format, double seconds = 1.0);

}  // namespace parley::ui
