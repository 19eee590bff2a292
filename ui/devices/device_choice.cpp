#include "ui/devices/device_choice.h"

#include <QMediaDevices>

namespace parley::ui {
namespace {

template <typename Device>
Device pick(const QList<Device>& present, const QString& choice, Device fallback) {
  if (!choice.isEmpty()) {
    for (const auto& device : present) {
      if (choiceOf(device) == choice) {
        return device;
      }
    }
  }
  return fallback;
}

}  // namespace

QString choiceOf(const QAudioDevice& device) { return QString::fromUtf8(device.id()); }
QString choiceOf(const QCameraDevice& device) { return QString::fromUtf8(device.id()); }

QAudioDevice chosenMicrophone(const QString& choice) {
  return pick(QMediaDevices::audioInputs(), choice, QMediaDevices::defaultAudioInput());
}

QAudioDevice chosenSpeakers(const QString& choice) {
  return pick(QMediaDevices::audioOutputs(), choice, QMediaDevices::defaultAudioOutput());
}

QCameraDevice chosenCamera(const QString& choice) {
  return pick(QMediaDevices::videoInputs(), choice, QMediaDevices::defaultVideoInput());
}

}  // namespace parley::ui
