#pragma once
// SpscRing: a bounded single-producer single-consumer queue of fixed slots,
// lock-free and allocation-free after construction, for handing media
// between the network thread and the audio thread (the audio thread never
// allocates or locks after start: docs/media.md, "Voice"). A full ring refuses
// the item (the caller counts a drop); it never blocks.
//
// Threads: exactly one producer thread (or strand) calls tryPush, exactly one
// consumer calls tryPop; the two may differ. Ownership: by value, not movable
// while in use.

#include <atomic>
#include <cstddef>
#include <memory>

namespace parley::media {

template <typename T>
class SpscRing {
 public:
  explicit SpscRing(std::size_t capacity)
      : capacity_(capacity + 1), slots_(std::make_unique<T[]>(capacity + 1)) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // Producer: fill the slot through `fill(T&)`; false (and no call) when full.
  template <typename F>
  bool tryPush(F&& fill) {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    const std::size_t next = head + 1 == capacity_ ? 0 : head + 1;
    if (next == tail_.load(std::memory_order_acquire)) {
      return false;
    }
    fill(slots_[head]);
    head_.store(next, std::memory_order_release);
    return true;
  }

  // Consumer: `use(T&)` on the oldest slot, then it is free; false when empty.
  template <typename F>
  bool tryPop(F&& use) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_.load(std::memory_order_acquire)) {
      return false;
    }
    use(slots_[tail]);
    tail_.store(tail + 1 == capacity_ ? 0 : tail + 1, std::memory_order_release);
    return true;
  }

  [[nodiscard]] bool empty() const {
    return tail_.load(std::memory_order_acquire) == head_.load(std::memory_order_acquire);
  }

 private:
  const std::size_t capacity_;
  std::unique_ptr<T[]> slots_;
  alignas(64) std::atomic<std::size_t> head_{0};
  alignas(64) std::atomic<std::size_t> tail_{0};
};

}  // namespace parley::media
