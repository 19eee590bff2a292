#pragma once
// AudioInput / AudioOutput: where the audio engine gets 20 ms of microphone
// and puts 20 ms of mixed speech. The desktop client adapts Qt Multimedia
// devices to these in ui/; the CLI and the tests use files and null devices
// (file_audio_devices.h).
//
// Threads: the engine calls read()/write() on its audio thread only, once
// per 20 ms tick. Implementations must not block for long (a device that
// has nothing returns false at once) and should not allocate.

#include "media/audio/audio_format.h"

namespace parley::media {

class AudioInput {
 public:
  virtual ~AudioInput() = default;
  // Fills `frame` with the next 20 ms; false when there is nothing to send
  // (no microphone, end of file): the engine then sends nothing.
  virtual bool read(AudioFrame& frame) = 0;
  // Called instead of read() while there is no call to send to (before the
  // first join, between reconnects). A live microphone drops its 20 ms so
  // nothing stale is sent later; a file keeps its place, so a recording
  // starts from its beginning once the call does.
  virtual void idle() {
    AudioFrame discarded;
    (void)read(discarded);
  }
};

class AudioOutput {
 public:
  virtual ~AudioOutput() = default;
  // The next 20 ms of what everyone else says, mixed.
  virtual void write(const AudioFrame& frame) = 0;
};

}  // namespace parley::media
