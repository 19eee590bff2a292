#include "ui/devices/device_watch.h"

#include <QAudioDevice>
#include <QCameraDevice>
#include <QMediaDevices>

namespace parley::ui {
namespace {

constexpr int kLookIntervalMs = 1000;

// What a user would notice about a list: which devices, under which name,
// and which one is the default.
template <typename Device>
QStringList signature(const QList<Device>& devices) {
  QStringList out;
  for (const auto& d : devices) {
    out << QString::fromUtf8(d.id()) + QLatin1Char('\t') + d.description() +
               (d.isDefault() ? QStringLiteral("\t*") : QString());
  }
  return out;
}

}  // namespace

DeviceWatch::DeviceWatch(bool sound, bool cameras, QObject* parent)
    : QObject(parent), sound_(sound), cameras_(cameras) {
  if (sound_) {
    inputs_ = signature(QMediaDevices::audioInputs());
    outputs_ = signature(QMediaDevices::audioOutputs());
  }
  if (cameras_) {
    videos_ = signature(QMediaDevices::videoInputs());
  }
  qt_ = new QMediaDevices(this);
  connect(qt_, &QMediaDevices::audioInputsChanged, this, &DeviceWatch::look);
  connect(qt_, &QMediaDevices::audioOutputsChanged, this, &DeviceWatch::look);
  connect(qt_, &QMediaDevices::videoInputsChanged, this, &DeviceWatch::look);
  timer_.setInterval(kLookIntervalMs);
  connect(&timer_, &QTimer::timeout, this, &DeviceWatch::look);
  timer_.start();
}

void DeviceWatch::look() {
  if (sound_) {
    if (auto now = signature(QMediaDevices::audioInputs()); now != inputs_) {
      inputs_ = std::move(now);
      Q_EMIT audioInputsChanged();
    }
    if (auto now = signature(QMediaDevices::audioOutputs()); now != outputs_) {
      outputs_ = std::move(now);
      Q_EMIT audioOutputsChanged();
    }
  }
  if (cameras_) {
    if (auto now = signature(QMediaDevices::videoInputs()); now != videos_) {
      videos_ = std::move(now);
      Q_EMIT videoInputsChanged();
    }
  }
}

}  // namespace parley::ui
