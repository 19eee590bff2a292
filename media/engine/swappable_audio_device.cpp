#include "media/engine/swappable_audio_device.h"

namespace parley::media {

bool SwappableAudioInput::read(AudioFrame& frame) {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock() || !device_) {
    return false;
  }
  return device_->read(frame);
}

void SwappableAudioInput::idle() {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (lock.owns_lock() && device_) {
    device_->idle();
  }
}

std::unique_ptr<AudioInput> SwappableAudioInput::replace(std::unique_ptr<AudioInput> device) {
  const std::lock_guard lock(mu_);
  device_.swap(device);
  return device;
}

bool SwappableAudioInput::hasDevice() const {
  const std::lock_guard lock(mu_);
  return device_ != nullptr;
}

void SwappableAudioOutput::write(const AudioFrame& frame) {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (lock.owns_lock() && device_) {
    device_->write(frame);
  }
}

std::unique_ptr<AudioOutput> SwappableAudioOutput::replace(std::unique_ptr<AudioOutput> device) {
  const std::lock_guard lock(mu_);
  device_.swap(device);
  return device;
}

bool SwappableAudioOutput::hasDevice() const {
  const std::lock_guard lock(mu_);
  return device_ != nullptr;
}

}  // namespace parley::media
