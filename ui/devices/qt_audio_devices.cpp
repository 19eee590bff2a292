#include "ui/devices/qt_audio_devices.h"

#include <QAudioSink>
#include <QAudioSource>
#include <QIODevice>
#include <QMediaDevices>
#include <QMetaObject>

#include "ui/devices/audio_convert.h"

namespace parley::ui {
namespace {
// Keep the device's buffer short: it is latency the meeting hears.
constexpr int kDeviceBufferMs = 60;
// More captured frames than this waiting means the device runs ahead of the
// engine's clock (drift): the oldest go, so latency does not build up.
constexpr std::uint64_t kMaxQueuedFrames = 4;

int bufferBytes(const QAudioFormat& f) { return f.bytesForDuration(kDeviceBufferMs * 1000); }
}  // namespace

AudioDeviceThread::AudioDeviceThread() {
  thread_.setObjectName(QStringLiteral("parley-audio-devices"));
  thread_.start(QThread::TimeCriticalPriority);
  anchor_ = new QObject;
  anchor_->moveToThread(&thread_);
}

AudioDeviceThread::~AudioDeviceThread() {
  thread_.quit();
  thread_.wait();
  delete anchor_;  // its thread has finished: nothing else can touch it now
}

void AudioDeviceThread::runBlocking(const std::function<void()>& f) {
  QMetaObject::invokeMethod(anchor_, f, Qt::BlockingQueuedConnection);
}

QAudioFormat engineAudioFormat() {
  QAudioFormat f;
  f.setSampleRate(media::kAudioSampleRateHz);
  f.setChannelCount(media::kAudioChannels);
  f.setSampleFormat(QAudioFormat::Int16);
  return f;
}

QAudioFormat deviceFormatFor(const QAudioDevice& device) {
  const QAudioFormat wanted = engineAudioFormat();
  if (device.isFormatSupported(wanted)) {
    return wanted;
  }
  return device.preferredFormat();
}

// Receives what QAudioSource captured (device thread), converts it to 20 ms
// engine frames and pushes them into the input's ring.
class QtAudioInput::CaptureDevice final : public QIODevice {
 public:
  CaptureDevice(QtAudioInput& owner, const QAudioFormat& format)
      : owner_(owner), converter_(format) {}

 protected:
  qint64 readData(char* /*data*/, qint64 /*maxlen*/) override { return -1; }
  qint64 writeData(const char* data, qint64 len) override {
    converter_.push(data, static_cast<std::size_t>(len), [this](const media::AudioFrame& f) {
      if (owner_.ring_.tryPush([&f](media::AudioFrame& slot) { slot = f; })) {
        owner_.pushed_.fetch_add(1, std::memory_order_release);
      } else {
        ++owner_.overruns_;
      }
    });
    return len;
  }

 private:
  QtAudioInput& owner_;
  CaptureConverter converter_;
};

std::unique_ptr<QtAudioInput> QtAudioInput::open(AudioDeviceThread& thread, QAudioDevice device,
                                                 QString* error) {
  if (device.isNull()) {
    device = QMediaDevices::defaultAudioInput();
  }
  if (device.isNull()) {
    *error = QObject::tr("no microphone found");
    return nullptr;
  }
  std::unique_ptr<QtAudioInput> input(new QtAudioInput(thread));
  input->description_ = device.description();
  input->device_id_ = device.id();
  bool ok = false;
  QString why;
  thread.runBlocking([&] {
    const QAudioFormat format = deviceFormatFor(device);
    input->io_ = new CaptureDevice(*input, format);
    input->io_->open(QIODevice::WriteOnly);
    input->source_ = new QAudioSource(device, format);
    input->source_->setBufferSize(bufferBytes(format));
    input->source_->start(input->io_);
    ok = input->source_->error() == QAudio::NoError;
    if (!ok) {
      why = QObject::tr("the microphone %1 could not be started").arg(device.description());
    }
  });
  if (!ok) {
    *error = why;
    return nullptr;  // the destructor tears down on the device thread
  }
  return input;
}

QtAudioInput::~QtAudioInput() {
  thread_.runBlocking([this] {
    if (source_ != nullptr) {
      source_->stop();
    }
    delete source_;
    delete io_;
  });
}

bool QtAudioInput::read(media::AudioFrame& frame) {
  bool got = false;
  // Take the oldest frame; when the device ran ahead of the engine's clock
  // (drift), skip to the last few so latency does not build up.
  do {
    if (!ring_.tryPop([&frame](media::AudioFrame& slot) { frame = slot; })) {
      break;
    }
    got = true;
    ++popped_;
  } while (pushed_.load(std::memory_order_acquire) - popped_ > kMaxQueuedFrames);
  if (!got) {
    frame.fill(0);  // the device is running but has nothing yet: a moment of silence
  }
  return true;
}

// Hands QAudioSink what to play (device thread): engine frames from the
// output's ring, converted; silence when the ring is empty.
class QtAudioOutput::PlaybackDevice final : public QIODevice {
 public:
  PlaybackDevice(QtAudioOutput& owner, const QAudioFormat& format)
      : owner_(owner), converter_(format), format_(format) {}
  [[nodiscard]] qint64 bytesAvailable() const override {
    return bufferBytes(format_) + QIODevice::bytesAvailable();
  }

 protected:
  qint64 writeData(const char* /*data*/, qint64 /*len*/) override { return -1; }
  qint64 readData(char* data, qint64 maxlen) override {
    return static_cast<qint64>(
        converter_.fill(data, static_cast<std::size_t>(maxlen), [this]() -> std::int16_t {
          if (pos_ == current_.size()) {
            pos_ = 0;
            if (!owner_.ring_.tryPop([this](media::AudioFrame& slot) { current_ = slot; })) {
              current_.fill(0);  // nothing to play yet: silence
            }
          }
          return current_[pos_++];
        }));
  }

 private:
  QtAudioOutput& owner_;
  PlaybackConverter converter_;
  QAudioFormat format_;
  media::AudioFrame current_{};
  std::size_t pos_ = media::kAudioFrameSamples;
};

std::unique_ptr<QtAudioOutput> QtAudioOutput::open(AudioDeviceThread& thread, QAudioDevice device,
                                                   QString* error) {
  if (device.isNull()) {
    device = QMediaDevices::defaultAudioOutput();
  }
  if (device.isNull()) {
    *error = QObject::tr("no speakers found");
    return nullptr;
  }
  std::unique_ptr<QtAudioOutput> output(new QtAudioOutput(thread));
  output->description_ = device.description();
  output->device_id_ = device.id();
  bool ok = false;
  QString why;
  thread.runBlocking([&] {
    const QAudioFormat format = deviceFormatFor(device);
    output->io_ = new PlaybackDevice(*output, format);
    output->io_->open(QIODevice::ReadOnly);
    output->sink_ = new QAudioSink(device, format);
    output->sink_->setBufferSize(bufferBytes(format));
    output->sink_->start(output->io_);
    ok = output->sink_->error() == QAudio::NoError;
    if (!ok) {
      why = QObject::tr("the speakers %1 could not be started").arg(device.description());
    }
  });
  if (!ok) {
    *error = why;
    return nullptr;
  }
  return output;
}

QtAudioOutput::~QtAudioOutput() {
  thread_.runBlocking([this] {
    if (sink_ != nullptr) {
      sink_->stop();
    }
    delete sink_;
    delete io_;
  });
}

void QtAudioOutput::write(const media::AudioFrame& frame) {
  if (!ring_.tryPush([&frame](media::AudioFrame& slot) { slot = frame; })) {
    ++dropped_;
  }
}

}  // namespace parley::ui
