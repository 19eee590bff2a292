// recvmmsg and sendmmsg: one system call per batch.
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "net/platform/datagram_batch.h"

namespace parley::net {

bool multiDatagramCallsAvailable() { return true; }

bool wouldBlock(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

namespace {

ReceiveOutcome receiveOne(NativeSocket socket, DatagramBatch& batch, std::uint64_t& calls) {
  DatagramSlot& slot = batch[0];
  slot.peer_size = sizeof(slot.peer);
  ++calls;
  const ssize_t n = ::recvfrom(socket, slot.data, batch.slotBytes(), MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&slot.peer), &slot.peer_size);
  if (n < 0) {
    batch.setSize(0);
    return {0, errno};
  }
  slot.size = static_cast<std::size_t>(n);
  batch.setSize(1);
  return {1, 0};
}

}  // namespace

ReceiveOutcome receiveDatagrams(NativeSocket socket, DatagramBatch& batch, bool multi,
                                std::uint64_t& calls) {
  if (!multi) {
    return receiveOne(socket, batch, calls);
  }
  std::array<mmsghdr, DatagramBatch::kMaxSlots> headers{};
  std::array<iovec, DatagramBatch::kMaxSlots> vectors{};
  const std::size_t count = batch.capacity();
  for (std::size_t i = 0; i < count; ++i) {
    vectors[i] = {batch[i].data, batch.slotBytes()};
    headers[i].msg_hdr.msg_iov = &vectors[i];
    headers[i].msg_hdr.msg_iovlen = 1;
    headers[i].msg_hdr.msg_name = &batch[i].peer;
    headers[i].msg_hdr.msg_namelen = sizeof(batch[i].peer);
  }
  ++calls;
  const int n =
      ::recvmmsg(socket, headers.data(), static_cast<unsigned>(count), MSG_DONTWAIT, nullptr);
  if (n < 0) {
    batch.setSize(0);
    return {0, errno};
  }
  for (int i = 0; i < n; ++i) {
    auto& slot = batch[static_cast<std::size_t>(i)];
    // A datagram cut to the slot (MSG_TRUNC) reports its full length; the
    // caller sees a full slot and refuses it.
    slot.size = std::min<std::size_t>(headers[i].msg_len, batch.slotBytes());
    slot.peer_size = headers[i].msg_hdr.msg_namelen;
  }
  batch.setSize(static_cast<std::size_t>(n));
  return {static_cast<std::size_t>(n), 0};
}

SendOutcome sendDatagrams(NativeSocket socket, DatagramBatch& batch, bool multi,
                          std::uint64_t& calls) {
  if (!multi) {
    return sendInOrder(
        batch,
        [&](std::size_t first, std::size_t, int& error) {
          const auto& slot = batch[first];
          if (::sendto(socket, slot.data, slot.size, MSG_DONTWAIT,
                       reinterpret_cast<const sockaddr*>(&slot.peer), slot.peer_size) < 0) {
            error = errno;
            return -1;
          }
          return 1;
        },
        calls);
  }
  std::array<mmsghdr, DatagramBatch::kMaxSlots> headers{};
  std::array<iovec, DatagramBatch::kMaxSlots> vectors{};
  for (std::size_t i = 0; i < batch.size(); ++i) {
    vectors[i] = {batch[i].data, batch[i].size};
    headers[i].msg_hdr.msg_iov = &vectors[i];
    headers[i].msg_hdr.msg_iovlen = 1;
    headers[i].msg_hdr.msg_name = &batch[i].peer;
    headers[i].msg_hdr.msg_namelen = batch[i].peer_size;
  }
  return sendInOrder(
      batch,
      [&](std::size_t first, std::size_t count, int& error) {
        const int n =
            ::sendmmsg(socket, headers.data() + first, static_cast<unsigned>(count), MSG_DONTWAIT);
        if (n < 0) {
          error = errno;
        }
        return n;
      },
      calls);
}

}  // namespace parley::net
