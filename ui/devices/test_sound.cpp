#include "ui/devices/test_sound.h"

#include <QAudioSink>
#include <cmath>
#include <numbers>

#include "ui/devices/audio_convert.h"
#include "ui/devices/qt_audio_devices.h"

namespace parley::ui {

QByteArray chime(const QAudioFormat& format, double seconds) {
  const int rate = format.sampleRate();
  const int channels = format.channelCount();
  const int width = format.bytesPerSample();
  if (rate <= 0 || channels <= 0 || width <= 0) {
    return {};
  }
  const auto frames = static_cast<qsizetype>(seconds * rate);
  QByteArray pcm(frames * channels * width, '\0');
  // Two notes (E5 then A5), each with a quick attack and an exponential
  // decay, like a doorbell: recognisable, not harsh.
  const qsizetype half = frames / 2;
  for (qsizetype i = 0; i < frames; ++i) {
    const bool second = i >= half;
    const double t = static_cast<double>(second ? i - half : i) / rate;
    const double hz = second ? 880.0 : 659.25;
    const double attack = std::min(1.0, t / 0.01);
    const double envelope = attack * std::exp(-t * 6.0);
    const auto value = static_cast<float>(0.3 * envelope * std::sin(2 * std::numbers::pi * hz * t));
    for (int c = 0; c < channels; ++c) {
      writeSample(pcm.data() + (i * channels + c) * width, format.sampleFormat(), value);
    }
  }
  return pcm;
}

TestSound::TestSound(QObject* parent) : QObject(parent) {}

TestSound::~TestSound() { stop(); }

QString TestSound::play(const QAudioDevice& device) {
  stop();
  if (device.isNull()) {
    return tr("no speakers found");
  }
  const QAudioFormat format = deviceFormatFor(device);
  pcm_ = chime(format);
  buffer_.setData(pcm_);
  buffer_.open(QIODevice::ReadOnly);
  sink_ = new QAudioSink(device, format);  // no parent: see stop()
  connect(sink_, &QAudioSink::stateChanged, this, [this](QAudio::State state) {
    if (state == QAudio::IdleState || state == QAudio::StoppedState) {
      // Not from inside the sink's own signal: it is deleted there.
      QMetaObject::invokeMethod(
          this,
          [this] {
            if (sink_ != nullptr && sink_->state() != QAudio::ActiveState) {
              stop();
              Q_EMIT finished();
            }
          },
          Qt::QueuedConnection);
    }
  });
  sink_->start(&buffer_);
  if (sink_->error() != QAudio::NoError) {
    stop();
    return tr("the speakers %1 could not be started").arg(device.description());
  }
  return {};
}

void TestSound::stop() {
  if (sink_ != nullptr) {
    sink_->disconnect(this);
    sink_->stop();
    // As the microphone check's source: Qt's sound devices may run the event
    // loop while they go, so they go from the top of it. The buffer they
    // read stays with this object; a stopped sink reads no more.
    sink_->deleteLater();
    sink_ = nullptr;
  }
  buffer_.close();
}

}  // namespace parley::ui
