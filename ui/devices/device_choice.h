#pragma once
// The devices a saved choice names. A choice is a device id as Qt Multimedia
// reports it (QAudioDevice::id(), QCameraDevice::id(), kept as UTF-8 text);
// empty means "the system's default", which follows the desktop (a headset
// the sound server makes the default when plugged in is then used).
//
// Threads: any (Qt's lookups hand out plain shared values); the first camera
// question costs about 20 ms, so a window asks it off the GUI thread or
// once.

#include <QAudioDevice>
#include <QCameraDevice>
#include <QList>
#include <QString>

namespace parley::ui {

// The device with id `choice` while it is present, else the default (also
// when nothing was chosen); null when the machine has none at all.
QAudioDevice chosenMicrophone(const QString& choice);
QAudioDevice chosenSpeakers(const QString& choice);
QCameraDevice chosenCamera(const QString& choice);

// A device's id as a saved choice.
QString choiceOf(const QAudioDevice& device);
QString choiceOf(const QCameraDevice& device);

}  // namespace parley::ui
