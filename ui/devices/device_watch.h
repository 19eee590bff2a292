#pragma once
// DeviceWatch: tells when the desktop's microphones, speakers or cameras
// change (one plugged in or out, another made the default). Qt 6.4's
// PulseAudio backend lists devices correctly but neither signals changes nor
// refreshes the default, so the lists are compared once a second as well
// as Qt's own signals followed (newer Qt, other platforms); each signal
// comes once per actual change.
//
// Threads: GUI thread. A look is a copy of Qt's cached lists (no round trip
// to the sound server or camera stack after Qt's first lookup).

#include <QObject>
#include <QStringList>
#include <QTimer>

class QMediaDevices;

namespace parley::ui {

class DeviceWatch final : public QObject {
  Q_OBJECT
 public:
  // `sound`, `cameras`: what to look at (the first camera lookup costs
  // about 20 ms; a watch made before it should leave cameras out).
  DeviceWatch(bool sound, bool cameras, QObject* parent = nullptr);

 Q_SIGNALS:
  void audioInputsChanged();
  void audioOutputsChanged();
  void videoInputsChanged();

 private:
  void look();

  bool sound_;
  bool cameras_;
  QMediaDevices* qt_ = nullptr;  // child
  QTimer timer_;
  QStringList inputs_;
  QStringList outputs_;
  QStringList videos_;
};

}  // namespace parley::ui
