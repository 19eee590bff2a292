// Systems without recvmmsg/sendmmsg (Windows, macOS): one datagram per
// system call, with the same results as the Linux batches.
#include <algorithm>

#include "net/platform/datagram_batch.h"

namespace parley::net {

namespace {

int lastSocketError() {
#ifdef _WIN32
  return ::WSAGetLastError();
#else
  return errno;
#endif
}

}  // namespace

bool multiDatagramCallsAvailable() { return false; }

bool wouldBlock(int error) {
#ifdef _WIN32
  return error == WSAEWOULDBLOCK;
#else
  return error == EAGAIN || error == EWOULDBLOCK;
#endif
}

ReceiveOutcome receiveDatagrams(NativeSocket socket, DatagramBatch& batch, bool /*multi*/,
                                std::uint64_t& calls) {
  std::size_t n = 0;
  int error = 0;
  while (n < batch.capacity()) {
    DatagramSlot& slot = batch[n];
    slot.peer_size = sizeof(slot.peer);
    ++calls;
    const auto got =
        ::recvfrom(socket, reinterpret_cast<char*>(slot.data), static_cast<int>(batch.slotBytes()),
                   0, reinterpret_cast<sockaddr*>(&slot.peer), &slot.peer_size);
    if (got < 0) {
      error = lastSocketError();
#ifdef _WIN32
      // Windows reports a datagram longer than the buffer as an error after
      // filling it: a full slot, which the caller refuses.
      if (error == WSAEMSGSIZE) {
        slot.size = batch.slotBytes();
        ++n;
        error = 0;
        continue;
      }
#endif
      break;
    }
    slot.size = std::min(static_cast<std::size_t>(got), batch.slotBytes());
    ++n;
  }
  batch.setSize(n);
  return {n, n == batch.capacity() ? 0 : error};
}

SendOutcome sendDatagrams(NativeSocket socket, DatagramBatch& batch, bool /*multi*/,
                          std::uint64_t& calls) {
  return sendInOrder(
      batch,
      [&](std::size_t first, std::size_t, int& error) {
        const auto& slot = batch[first];
        if (::sendto(socket, reinterpret_cast<const char*>(slot.data), static_cast<int>(slot.size),
                     0, reinterpret_cast<const sockaddr*>(&slot.peer), slot.peer_size) < 0) {
          error = lastSocketError();
          return -1;
        }
        return 1;
      },
      calls);
}

bool udpSegmentationAvailable() { return false; }

SendOutcome sendDatagramsSegmented(NativeSocket socket, DatagramBatch& batch,
                                   std::uint64_t& calls) {
  return sendDatagrams(socket, batch, true, calls);
}

}  // namespace parley::net
