#include "ui/devices/microphone_check.h"

#include <QAudioSource>
#include <QIODevice>
#include <algorithm>
#include <cmath>

#include "ui/devices/audio_convert.h"
#include "ui/devices/qt_audio_devices.h"

namespace parley::ui {
namespace {

constexpr int kSilentDbov = 127;
constexpr int kTickMs = 100;

}  // namespace

int dbovOfMeanSquare(double mean_square) {
  if (mean_square <= 0) {
    return kSilentDbov;
  }
  const double db = -10.0 * std::log10(mean_square);
  return std::clamp(static_cast<int>(std::lround(db)), 0, kSilentDbov);
}

MicrophoneCheck::MicrophoneCheck(QObject* parent) : QObject(parent) {
  tick_.setInterval(kTickMs);
  connect(&tick_, &QTimer::timeout, this, &MicrophoneCheck::report);
}

MicrophoneCheck::~MicrophoneCheck() { stop(); }

QString MicrophoneCheck::start(const QAudioDevice& device) {
  stop();
  if (device.isNull()) {
    return tr("no microphone found");
  }
  format_ = deviceFormatFor(device);
  source_ = new QAudioSource(device, format_);  // no parent: see stop()
  io_ = source_->start();
  if (io_ == nullptr || source_->error() != QAudio::NoError) {
    stop();
    return tr("the microphone %1 could not be started").arg(device.description());
  }
  connect(io_, &QIODevice::readyRead, this, &MicrophoneCheck::readAvailable);
  tick_.start();
  return {};
}

void MicrophoneCheck::stop() {
  tick_.stop();
  if (source_ != nullptr) {
    source_->disconnect(this);
    io_->disconnect(this);
    source_->stop();
    // Qt's PulseAudio source runs the event loop in its destructor: never
    // from inside another destructor (a window closing), always from the
    // top of the loop.
    source_->deleteLater();
    source_ = nullptr;
    io_ = nullptr;
  }
  sum_squares_ = 0;
  samples_ = 0;
}

void MicrophoneCheck::readAvailable() {
  const QByteArray bytes = io_->readAll();
  const int width = format_.bytesPerSample();
  if (width <= 0) {
    return;
  }
  const auto count = bytes.size() / width;
  for (qsizetype i = 0; i < count; ++i) {
    const float x = readSample(bytes.constData() + i * width, format_.sampleFormat());
    sum_squares_ += static_cast<double>(x) * x;
  }
  samples_ += count;
}

void MicrophoneCheck::report() {
  Q_EMIT level(samples_ > 0 ? dbovOfMeanSquare(sum_squares_ / static_cast<double>(samples_))
                            : kSilentDbov);
  sum_squares_ = 0;
  samples_ = 0;
}

}  // namespace parley::ui
