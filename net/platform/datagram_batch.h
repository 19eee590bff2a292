#pragma once
// DatagramBatch: many UDP datagrams moved with few system calls. On Linux
// receiveDatagrams and sendDatagrams use recvmmsg and sendmmsg (one call for
// up to a whole batch); elsewhere they fall back to one recvfrom or sendto
// per datagram, with the same results. The media port uses them so that a
// busy server pays a system call per batch, not per packet
// (docs/adr/0013-media-forwarding.md).
//
// A batch is bounded: a fixed number of slots of a fixed size, allocated
// once when it is made; nothing grows while packets flow.
//
// Threads: a batch belongs to one thread at a time; the functions are as
// thread-safe as the socket calls they make.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "net/platform/socket_api.h"

namespace parley::net {

struct DatagramSlot {
  std::byte* data = nullptr;  // slot_bytes of storage owned by the batch
  std::size_t size = 0;       // bytes received or queued
  sockaddr_storage peer{};    // where it came from, or where it goes
  SockLen peer_size = 0;
};

class DatagramBatch {
 public:
  // The most slots a batch may have (one system call's worth).
  static constexpr std::size_t kMaxSlots = 64;

  // `slots` is clamped to 1..kMaxSlots.
  DatagramBatch(std::size_t slots, std::size_t slot_bytes);
  DatagramBatch(const DatagramBatch&) = delete;
  DatagramBatch& operator=(const DatagramBatch&) = delete;

  [[nodiscard]] std::size_t capacity() const { return slots_.size(); }
  [[nodiscard]] std::size_t slotBytes() const { return slot_bytes_; }
  [[nodiscard]] std::size_t size() const { return used_; }
  [[nodiscard]] bool empty() const { return used_ == 0; }
  [[nodiscard]] bool full() const { return used_ == slots_.size(); }
  DatagramSlot& operator[](std::size_t i) { return slots_[i]; }
  const DatagramSlot& operator[](std::size_t i) const { return slots_[i]; }
  void clear() { used_ = 0; }

  // Copies `bytes` to the next slot, for `to`. False (and nothing queued)
  // when the batch is full, the datagram larger than a slot, or the address
  // larger than a sockaddr_storage.
  bool push(std::span<const std::byte> bytes, const sockaddr* to, std::size_t to_size);
  // Receivers fill slots themselves, then say how many hold a datagram.
  void setSize(std::size_t used) { used_ = used < slots_.size() ? used : slots_.size(); }

 private:
  std::vector<std::byte> storage_;
  std::vector<DatagramSlot> slots_;
  std::size_t slot_bytes_;
  std::size_t used_ = 0;
};

// Whether receiveDatagrams / sendDatagrams move several datagrams per
// system call here (recvmmsg / sendmmsg: Linux).
bool multiDatagramCallsAvailable();

struct ReceiveOutcome {
  std::size_t received = 0;  // slots [0, received) hold datagrams
  // 0, or the error of the call that stopped the batch (would-block when
  // nothing more was ready: wouldBlock()).
  int error = 0;
};

// Fills `batch` with what is ready on the non-blocking `socket`, up to its
// capacity. A datagram longer than a slot comes back with size ==
// slotBytes() (cut; the caller refuses it). `multi` false: one datagram per
// system call even where batches are possible (for comparison). Adds the
// system calls made to `calls`.
ReceiveOutcome receiveDatagrams(NativeSocket socket, DatagramBatch& batch, bool multi,
                                std::uint64_t& calls);

struct SendOutcome {
  std::size_t sent = 0;
  std::size_t dropped = 0;  // refused by the kernel, or it would have blocked
  int last_error = 0;
  // sendDatagramsSegmented only: the kernel refused a segmented send (a
  // device without checksum offload, an old kernel); what was left went
  // unsegmented. The caller stops asking for segmentation.
  bool segmentation_refused = false;
};

// Sends every queued datagram of `batch` in order, then clears it. Media
// never waits: when the socket would block, the rest are dropped. A
// datagram the kernel refuses is dropped alone and the ones after it still
// go (a partial sendmmsg resumes after the one that failed).
SendOutcome sendDatagrams(NativeSocket socket, DatagramBatch& batch, bool multi,
                          std::uint64_t& calls);

// The loop of sendDatagrams with the system call passed in, so tests can
// make it send less than asked. `send(first, count, error)` sends slots
// [first, first + count) and returns how many went (>= 1), or -1 with
// `error` set when the first of them failed.
using SendCall = std::function<int(std::size_t first, std::size_t count, int& error)>;
SendOutcome sendInOrder(DatagramBatch& batch, const SendCall& send, std::uint64_t& calls);

// UDP generic segmentation offload (Linux UDP_SEGMENT, "GSO"): the
// datagrams of a batch for one destination go to the kernel as one buffer
// with a segment size, and the kernel cuts it into datagrams once, below the
// socket layer, instead of each datagram walking the whole send path. A
// fan-out alternates destinations, so the batch is regrouped per destination
// first; the order within each destination is kept, which is the only order
// media needs.
bool udpSegmentationAvailable();

// One segmented send: `count` datagrams from plan.order[first], all of
// `segment` bytes except the last, which may be shorter.
struct SegmentRun {
  std::size_t first = 0;
  std::size_t count = 0;
  std::size_t segment = 0;
};

struct SegmentPlan {
  std::array<std::uint8_t, DatagramBatch::kMaxSlots> order{};  // slot indices
  std::array<SegmentRun, DatagramBatch::kMaxSlots> runs{};
  std::size_t run_count = 0;
};

// The kernel's bounds for one segmented send: UDP_MAX_SEGMENTS and what
// fits one IP packet's length field, with room for the headers.
inline constexpr std::size_t kMaxSegmentsPerSend = 64;
inline constexpr std::size_t kMaxSegmentedBytes = 60000;

// Groups `batch` per destination (in the order each destination first
// appears) and cuts each destination's datagrams into runs the kernel can
// segment: equal sizes, a shorter one ends a run, and the bounds above.
SegmentPlan planSegments(const DatagramBatch& batch);

// As sendDatagrams with batches, one segmented send per run (where
// udpSegmentationAvailable(); elsewhere it is sendDatagrams).
SendOutcome sendDatagramsSegmented(NativeSocket socket, DatagramBatch& batch, std::uint64_t& calls);

// Whether `error` (from the outcomes above) means "nothing ready / no room
// now" rather than a failure.
bool wouldBlock(int error);

}  // namespace parley::net
