#pragma once
// AudioWake: how the audio thread tells the call strand that voice packets
// wait in the outgoing ring, without waiting for anything that is not on the
// voice path (docs/media.md, "A busy machine"). asio::post would take the
// io_context's and the strand's mutexes, which the video encode threads
// (normal priority) take too, and allocate the handler on the audio thread.
//
//   Linux    an eventfd: the audio thread write()s to it (no lock, no
//            allocation in user space); the strand's reactor waits on it and
//            runs the wake function there.
//   others   asio::post, at most one in flight (the mutexes remain).
//
// Threads: start() and stop() on the strand; notify() from one thread (the
// audio thread), never after stop() (the eventfd's number may be reused).
// Ownership: owned by the Call; stop() before destruction, on the strand.

#include <atomic>
#include <functional>
#include <memory>

#include <asio/any_io_executor.hpp>
#include <asio/strand.hpp>

namespace parley::client {

class AudioWake {
 public:
  AudioWake(const asio::strand<asio::any_io_executor>& strand, std::function<void()> wake);
  ~AudioWake();
  AudioWake(const AudioWake&) = delete;
  AudioWake& operator=(const AudioWake&) = delete;

  // Starts waiting (strand).
  void start();
  // Ends the wait; wake is not called after this returns (strand).
  void stop();
  // Runs wake on the strand soon (any thread; several notifies may run it once).
  void notify();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::client
