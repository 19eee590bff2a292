#include "core/client/call/audio_wake.h"

#include <asio/buffer.hpp>
#include <asio/post.hpp>

#if defined(__linux__)
#include <sys/eventfd.h>
#include <unistd.h>

#include <asio/posix/stream_descriptor.hpp>
#include <cstdint>
#endif

namespace parley::client {

#if defined(__linux__)

struct AudioWake::Impl {
  Impl(const asio::strand<asio::any_io_executor>& strand_in, std::function<void()> wake_fn)
      : strand(strand_in),
        fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
        descriptor(strand_in),
        wake(std::move(wake_fn)) {
    if (fd >= 0) {
      descriptor.assign(fd);
    }
  }

  // A read, not a wait for readiness: asio tries it at once before waiting
  // (the reactor's epoll is edge-triggered, so a write that came before the
  // wait was queued would otherwise be missed until the next one). The read
  // takes the counter and resets it: any number of notifies, one wake.
  void arm() {
    descriptor.async_read_some(asio::buffer(&counter, sizeof counter),
                               [this, alive = std::weak_ptr<bool>(
                                          this->alive)](const asio::error_code& ec, std::size_t) {
                                 auto still = alive.lock();
                                 if (ec || !still || !*still) {
                                   return;
                                 }
                                 wake();
                                 arm();
                               });
  }

  asio::strand<asio::any_io_executor> strand;
  int fd;  // -1: no eventfd (out of descriptors): asio::post instead
  asio::posix::stream_descriptor descriptor;
  std::function<void()> wake;
  std::uint64_t counter = 0;  // the eventfd's, read by arm()
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

AudioWake::AudioWake(const asio::strand<asio::any_io_executor>& strand, std::function<void()> wake)
    : impl_(std::make_unique<Impl>(strand, std::move(wake))) {}

AudioWake::~AudioWake() = default;

void AudioWake::start() {
  if (impl_->descriptor.is_open()) {
    impl_->arm();
  }
}

void AudioWake::stop() {
  *impl_->alive = false;
  asio::error_code ignored;
  impl_->descriptor.close(ignored);  // closes the eventfd; the wait ends aborted
}

void AudioWake::notify() {
  if (impl_->fd < 0) {
    asio::post(impl_->strand, [impl = impl_.get(), alive = std::weak_ptr<bool>(impl_->alive)] {
      if (auto still = alive.lock(); still && *still) {
        impl->wake();
      }
    });
    return;
  }
  // The counter cannot fill up (2^64 - 2): the strand reads it at every wake.
  const std::uint64_t one = 1;
  (void)::write(impl_->fd, &one, sizeof one);
}

#else

struct AudioWake::Impl {
  Impl(asio::strand<asio::any_io_executor> strand_in, std::function<void()> wake_fn)
      : strand(std::move(strand_in)), wake(std::move(wake_fn)) {}
  asio::strand<asio::any_io_executor> strand;
  std::function<void()> wake;
  std::atomic<bool> scheduled{false};
  std::shared_ptr<std::atomic<bool>> alive = std::make_shared<std::atomic<bool>>(true);
};

AudioWake::AudioWake(const asio::strand<asio::any_io_executor>& strand, std::function<void()> wake)
    : impl_(std::make_unique<Impl>(strand, std::move(wake))) {}

AudioWake::~AudioWake() = default;

void AudioWake::start() {}

void AudioWake::stop() { *impl_->alive = false; }

void AudioWake::notify() {
  if (impl_->scheduled.exchange(true)) {
    return;  // one in flight at a time
  }
  asio::post(impl_->strand, [impl = impl_.get(), alive = impl_->alive] {
    if (!*alive) {
      return;
    }
    impl->scheduled = false;
    impl->wake();
  });
}

#endif

}  // namespace parley::client
