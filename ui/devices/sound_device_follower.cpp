#include "ui/devices/sound_device_follower.h"

#include <QCoreApplication>
#include <QDebug>
#include <QMediaDevices>
#include <QPointer>
#include <QThreadPool>

#include "ui/devices/device_choice.h"
#include "ui/devices/device_watch.h"
#include "ui/devices/qt_audio_devices.h"

namespace parley::ui {
namespace {

// A device with the thread it lives on, closed in that order wherever the
// holder dies (the device's destructor runs on its thread, which must
// still be there).
template <typename Device>
struct Held {
  std::shared_ptr<AudioDeviceThread> thread;
  std::unique_ptr<Device> device;
  ~Held() { device.reset(); }
};

// Closes `held` on a worker: closing waits for the sound server.
template <typename Device>
void closeOffThread(std::shared_ptr<Held<Device>> held) {
  if (held && held->device) {
    QThreadPool::globalInstance()->start([held = std::move(held)]() mutable { held.reset(); });
  }
}

}  // namespace

SoundDeviceFollower::SoundDeviceFollower(std::shared_ptr<AudioDeviceThread> thread, QObject* parent)
    : QObject(parent), thread_(std::move(thread)) {
  watch_ = new DeviceWatch(true, false, this);
  connect(watch_, &DeviceWatch::audioInputsChanged, this, &SoundDeviceFollower::followAll);
  connect(watch_, &DeviceWatch::audioOutputsChanged, this, &SoundDeviceFollower::followAll);
}

SoundDeviceFollower::~SoundDeviceFollower() = default;

std::unique_ptr<media::AudioInput> SoundDeviceFollower::followMicrophone(
    std::unique_ptr<media::AudioInput> device, const QByteArray& id, const QString& name,
    const QString& choice) {
  auto in = std::make_unique<media::SwappableAudioInput>(std::move(device));
  microphone_ = {in.get(), id, name, choice, {}, {}, 0};
  look(microphone_, QMediaDevices::audioInputs(), QMediaDevices::defaultAudioInput());
  return in;
}

std::unique_ptr<media::AudioOutput> SoundDeviceFollower::followSpeakers(
    std::unique_ptr<media::AudioOutput> device, const QByteArray& id, const QString& name,
    const QString& choice) {
  auto out = std::make_unique<media::SwappableAudioOutput>(std::move(device));
  speakers_ = {out.get(), id, name, choice, {}, {}, 0};
  look(speakers_, QMediaDevices::audioOutputs(), QMediaDevices::defaultAudioOutput());
  return out;
}

void SoundDeviceFollower::setChoice(const QString& microphone, const QString& speakers) {
  microphone_.choice = microphone;
  speakers_.choice = speakers;
  followAll();
}

void SoundDeviceFollower::stop() {
  stopped_ = true;
  ++microphone_.generation;
  ++speakers_.generation;
  microphone_.device = nullptr;
  speakers_.device = nullptr;
}

void SoundDeviceFollower::followAll() {
  if (stopped_) {
    return;
  }
  if (microphone_.device != nullptr) {
    follow<QtAudioInput>(microphone_, wanted(microphone_, QMediaDevices::audioInputs(),
                                             QMediaDevices::defaultAudioInput()));
  }
  if (speakers_.device != nullptr) {
    follow<QtAudioOutput>(speakers_, wanted(speakers_, QMediaDevices::audioOutputs(),
                                            QMediaDevices::defaultAudioOutput()));
  }
}

template <typename Switch>
void SoundDeviceFollower::look(Lane<Switch>& lane, const QList<QAudioDevice>& present,
                               const QAudioDevice& fallback) {
  lane.known.clear();
  for (const auto& device : present) {
    lane.known.insert(device.id());
  }
  lane.default_id = fallback.id();
}

template <typename Switch>
QAudioDevice SoundDeviceFollower::wanted(Lane<Switch>& lane, const QList<QAudioDevice>& present,
                                         const QAudioDevice& fallback) {
  QAudioDevice chosen;
  QAudioDevice plugged;
  QAudioDevice in_use;
  for (const auto& device : present) {
    if (!lane.choice.isEmpty() && choiceOf(device) == lane.choice) {
      chosen = device;
    }
    if (!lane.known.contains(device.id())) {
      plugged = device;
    }
    if (device.id() == lane.id) {
      in_use = device;
    }
  }
  const bool default_moved = fallback.id() != lane.default_id;
  look(lane, present, fallback);
  if (!chosen.isNull()) {
    return chosen;
  }
  if (lane.choice.isEmpty() && !plugged.isNull()) {
    return plugged;
  }
  if (lane.choice.isEmpty() && default_moved && !fallback.isNull()) {
    return fallback;
  }
  if (!in_use.isNull()) {
    return in_use;
  }
  return fallback.isNull() && !present.isEmpty() ? present.front() : fallback;
}

template <typename QtDevice, typename Switch>
void SoundDeviceFollower::follow(Lane<Switch>& lane, const QAudioDevice& wanted) {
  if (wanted.id() == lane.id) {
    return;  // already there, on its way (the id is set when asked), or none and none
  }
  const std::uint64_t generation = ++lane.generation;
  if (wanted.isNull()) {
    // The last one went: nothing to switch to until one comes.
    auto old = std::make_shared<Held<typename Switch::Device>>();
    old->thread = thread_;
    old->device = lane.device->replace(nullptr);
    closeOffThread(std::move(old));
    lane.id.clear();
    lane.name.clear();
    Q_EMIT changed();
    return;
  }
  qInfo() << "sound: switching to" << wanted.description();
  lane.id = wanted.id();
  QThreadPool::globalInstance()->start(
      [self = QPointer<SoundDeviceFollower>(this), thread = thread_, wanted, generation, &lane] {
        auto opened = std::make_shared<Held<QtDevice>>();
        opened->thread = thread;
        QString why;
        opened->device = QtDevice::open(*thread, wanted, &why);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, opened, generation, &lane, why]() mutable {
              // GUI thread (the application object's): `lane` is a member of
              // `self`, used only while self is alive and the request current.
              if (!self || self->stopped_ || generation != lane.generation) {
                closeOffThread(std::move(opened));
                return;
              }
              if (!opened->device) {
                qWarning() << "sound:" << why;
                lane.id.clear();  // keep what there is; the next change tries again
                return;
              }
              lane.name = opened->device->description();
              auto old = std::make_shared<Held<typename Switch::Device>>();
              old->thread = opened->thread;
              old->device = lane.device->replace(std::move(opened->device));
              closeOffThread(std::move(old));
              Q_EMIT self->changed();
            },
            Qt::QueuedConnection);
      });
}

}  // namespace parley::ui
