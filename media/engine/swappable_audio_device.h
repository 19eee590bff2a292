#pragma once
// SwappableAudioInput / SwappableAudioOutput: an AudioInput/AudioOutput
// whose real device can be replaced while the engine runs, so a headset
// plugged in or pulled out mid-meeting is followed without restarting the
// call (the engine holds its devices by reference for its whole life).
//
//   engine audio thread: read()/write() --try_lock--> current device
//   any other thread:    replace(new)   --lock--> swap --> old returned
//
// The audio thread never waits: when a replace() holds the lock at that
// moment it reads silence (false) or drops the 20 ms, which is the gap the
// switch costs anyway. replace() holds the lock only to swap two pointers;
// the old device is returned so the caller destroys it where closing it is
// allowed to block (the Qt devices stop on their own thread).
//
// Threads: read()/write()/idle() on the engine's audio thread; replace()
// and the accessors from any one other thread.

#include <memory>
#include <mutex>

#include "media/engine/audio_device.h"

namespace parley::media {

class SwappableAudioInput final : public AudioInput {
 public:
  using Device = AudioInput;
  explicit SwappableAudioInput(std::unique_ptr<AudioInput> device = nullptr)
      : device_(std::move(device)) {}
  bool read(AudioFrame& frame) override;
  void idle() override;
  // Puts `device` (null: none, nothing is sent) in place of the current one
  // and hands the current one back.
  std::unique_ptr<AudioInput> replace(std::unique_ptr<AudioInput> device);
  [[nodiscard]] bool hasDevice() const;

 private:
  mutable std::mutex mu_;
  std::unique_ptr<AudioInput> device_;  // guarded by mu_
};

class SwappableAudioOutput final : public AudioOutput {
 public:
  using Device = AudioOutput;
  explicit SwappableAudioOutput(std::unique_ptr<AudioOutput> device = nullptr)
      : device_(std::move(device)) {}
  void write(const AudioFrame& frame) override;
  // As SwappableAudioInput::replace (null: what is played goes nowhere).
  std::unique_ptr<AudioOutput> replace(std::unique_ptr<AudioOutput> device);
  [[nodiscard]] bool hasDevice() const;

 private:
  mutable std::mutex mu_;
  std::unique_ptr<AudioOutput> device_;  // guarded by mu_
};

}  // namespace parley::media
