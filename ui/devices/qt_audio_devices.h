#pragma once
// QtAudioInput / QtAudioOutput: the desktop's microphone and speakers as the
// audio engine's AudioInput / AudioOutput (media/engine/audio_device.h),
// through Qt Multimedia's QAudioSource (push mode: Qt writes captured bytes
// into our QIODevice) and QAudioSink (pull mode: Qt reads what to play from
// our QIODevice). The device's own format is converted to and from 48 kHz
// mono int16 (ui/devices/audio_convert.h); 20 ms frames cross between the device
// thread and the engine's audio thread through SPSC rings, so the engine's
// read()/write() never block, lock or allocate.
//
//   mic -> QAudioSource -> CaptureDevice::writeData -> [ring] -> read()  (engine)
//   write() (engine) -> [ring] -> PlaybackDevice::readData -> QAudioSink -> speakers
//
// Threads: QAudioSource/QAudioSink and their QIODevices live on an
// AudioDeviceThread (a high-priority QThread, so a busy GUI does not starve
// sound); read()/write() run on the engine's audio thread. Ownership: the
// front end owns the adapters (MeetingMedia) and destroys them after the
// Call that uses them has stopped; destruction stops the device on its thread.

#include <QAudioDevice>
#include <QAudioFormat>
#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "media/engine/audio_device.h"
#include "media/engine/spsc_ring.h"

class QAudioSink;
class QAudioSource;

namespace parley::ui {

// The thread the sound devices run on. Owned by MeetingMedia; stops and
// joins in its destructor (after the devices are gone).
class AudioDeviceThread {
 public:
  AudioDeviceThread();
  ~AudioDeviceThread();
  AudioDeviceThread(const AudioDeviceThread&) = delete;
  AudioDeviceThread& operator=(const AudioDeviceThread&) = delete;
  // Runs `f` on the device thread and waits for it (set-up and tear-down only).
  void runBlocking(const std::function<void()>& f);

 private:
  QThread thread_;
  QObject* anchor_ = nullptr;  // lives on thread_, the context of runBlocking
};

// The format the device is asked for first: what the engine uses.
QAudioFormat engineAudioFormat();
// What a device is opened with: the engine's format when it takes it, else
// its preferred format (converted at the edge).
QAudioFormat deviceFormatFor(const QAudioDevice& device);

class QtAudioInput final : public media::AudioInput {
 public:
  // Opens and starts `device` (null: the system default). Returns null when
  // there is no microphone or it cannot be started (why: in *error).
  static std::unique_ptr<QtAudioInput> open(AudioDeviceThread& thread, QAudioDevice device,
                                            QString* error);
  ~QtAudioInput() override;

  // Engine audio thread: the oldest captured 20 ms frame, or silence when
  // the device has not delivered one yet (a momentary gap, not "no mic").
  bool read(media::AudioFrame& frame) override;
  [[nodiscard]] QString description() const { return description_; }
  [[nodiscard]] QByteArray deviceId() const { return device_id_; }
  // Frames the engine did not take in time (dropped at the device side).
  [[nodiscard]] std::uint64_t overruns() const { return overruns_.load(); }

 private:
  class CaptureDevice;
  explicit QtAudioInput(AudioDeviceThread& thread) : thread_(thread) {}

  AudioDeviceThread& thread_;
  QString description_;
  QByteArray device_id_;
  media::SpscRing<media::AudioFrame> ring_{25};  // 500 ms
  std::atomic<std::uint64_t> overruns_{0};
  std::atomic<std::uint64_t> pushed_{0};  // written by the device thread
  std::uint64_t popped_ = 0;              // engine audio thread only
  // Device thread objects, created and destroyed there.
  QAudioSource* source_ = nullptr;
  CaptureDevice* io_ = nullptr;
};

class QtAudioOutput final : public media::AudioOutput {
 public:
  // Opens and starts `device` (null: the system default); null when there
  // are no speakers or they cannot be started (why: in *error).
  static std::unique_ptr<QtAudioOutput> open(AudioDeviceThread& thread, QAudioDevice device,
                                             QString* error);
  ~QtAudioOutput() override;

  // Engine audio thread: queues 20 ms to play; dropped when the device is
  // behind by more than the ring holds.
  void write(const media::AudioFrame& frame) override;
  [[nodiscard]] QString description() const { return description_; }
  [[nodiscard]] QByteArray deviceId() const { return device_id_; }

 private:
  class PlaybackDevice;
  explicit QtAudioOutput(AudioDeviceThread& thread) : thread_(thread) {}

  AudioDeviceThread& thread_;
  QString description_;
  QByteArray device_id_;
  media::SpscRing<media::AudioFrame> ring_{25};
  std::atomic<std::uint64_t> dropped_{0};
  QAudioSink* sink_ = nullptr;
  PlaybackDevice* io_ = nullptr;
};

}  // namespace parley::ui
