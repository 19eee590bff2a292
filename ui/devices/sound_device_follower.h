#pragma once
// SoundDeviceFollower: keeps a running call on the microphone and speakers
// the user wants while devices come and go. The call reads and plays
// through a SwappableAudioInput/Output (media/engine/swappable_audio_device.h)
// made here; when the desktop's devices change (ui/devices/device_watch.h)
// or the user picks another one, the wanted device is opened on a worker
// thread and swapped in, and the old one is closed there too. The call never
// stops: the switch costs the 20 ms or so the swap takes.
//
// Which device is wanted, first match:
//  1. the device the user chose, while it is present;
//  2. with "System default": a device just plugged in (a headset, as Teams
//     and Zoom do), or the new default when the desktop moved it;
//  3. the device in use, while it is present;
//  4. the system's default (the one in use was pulled out).
//
//   DeviceWatch::audio*Changed / setChoice()
//       -> wanted != in use? -> worker: QtAudio*::open(wanted)
//       -> GUI: swap into the call, close the old one on a worker
//
// Threads: GUI thread; opening and closing devices on QThreadPool workers
// (they block for the sound server), the devices themselves on the
// AudioDeviceThread. After stop() nothing is followed and late openings are
// closed where they finish.

#include <QAudioDevice>
#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <cstdint>
#include <memory>

#include "media/engine/swappable_audio_device.h"

namespace parley::ui {

class AudioDeviceThread;
class DeviceWatch;

class SoundDeviceFollower final : public QObject {
  Q_OBJECT
 public:
  SoundDeviceFollower(std::shared_ptr<AudioDeviceThread> thread, QObject* parent = nullptr);
  ~SoundDeviceFollower() override;

  // Puts a switch in front of `device` (opened from the device with `id`,
  // named `name`; null: none yet) and returns it for the call, which keeps
  // it for its life; this object keeps following until stop(). `choice`
  // is the user's (empty: the system's default).
  std::unique_ptr<media::AudioInput> followMicrophone(std::unique_ptr<media::AudioInput> device,
                                                      const QByteArray& id, const QString& name,
                                                      const QString& choice);
  std::unique_ptr<media::AudioOutput> followSpeakers(std::unique_ptr<media::AudioOutput> device,
                                                     const QByteArray& id, const QString& name,
                                                     const QString& choice);
  // The user picked other devices (empty: the default): switch now.
  void setChoice(const QString& microphone, const QString& speakers);
  // Stops following (the call is about to go): no more switches.
  void stop();

  // The device in use now ("" when none).
  [[nodiscard]] QString microphoneName() const { return microphone_.name; }
  [[nodiscard]] QString speakersName() const { return speakers_.name; }

 Q_SIGNALS:
  // A device was switched (or lost with nothing to replace it).
  void changed();

 private:
  template <typename Switch>
  struct Lane {
    Switch* device = nullptr;  // owned by the call's side (returned above)
    QByteArray id;             // in use, or being opened
    QString name;
    QString choice;
    QSet<QByteArray> known;        // present at the last look: what is new since
    QByteArray default_id;         // the default at the last look
    std::uint64_t generation = 0;  // bumped per request: a late opening is dropped
  };
  template <typename Switch>
  static void look(Lane<Switch>& lane, const QList<QAudioDevice>& present,
                   const QAudioDevice& fallback);
  template <typename Switch>
  static QAudioDevice wanted(Lane<Switch>& lane, const QList<QAudioDevice>& present,
                             const QAudioDevice& fallback);
  template <typename QtDevice, typename Switch>
  void follow(Lane<Switch>& lane, const QAudioDevice& wanted);
  void followAll();

  std::shared_ptr<AudioDeviceThread> thread_;
  DeviceWatch* watch_ = nullptr;  // child
  Lane<media::SwappableAudioInput> microphone_;
  Lane<media::SwappableAudioOutput> speakers_;
  bool stopped_ = false;
};

}  // namespace parley::ui
