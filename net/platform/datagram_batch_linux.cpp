// recvmmsg and sendmmsg: one system call per batch.
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

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

bool udpSegmentationAvailable() { return true; }

namespace {

// Errors that mean "no segmentation here" rather than "this datagram is
// refused": no checksum offload on the route's device (EIO), a kernel
// before 4.18 or a socket option it does not know.
bool segmentationRefusal(int error) {
  return error == EIO || error == EINVAL || error == ENOPROTOOPT || error == EOPNOTSUPP;
}

using SegmentControl = std::array<char, CMSG_SPACE(sizeof(std::uint16_t))>;

}  // namespace

SendOutcome sendDatagramsSegmented(NativeSocket socket, DatagramBatch& batch,
                                   std::uint64_t& calls) {
  const SegmentPlan plan = planSegments(batch);
  std::array<mmsghdr, DatagramBatch::kMaxSlots> headers{};
  std::array<iovec, DatagramBatch::kMaxSlots> vectors{};
  alignas(cmsghdr) std::array<SegmentControl, DatagramBatch::kMaxSlots> controls{};
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& slot = batch[plan.order[i]];
    vectors[i] = {slot.data, slot.size};
  }
  for (std::size_t r = 0; r < plan.run_count; ++r) {
    const SegmentRun& run = plan.runs[r];
    auto& slot = batch[plan.order[run.first]];
    msghdr& header = headers[r].msg_hdr;
    header.msg_name = &slot.peer;
    header.msg_namelen = slot.peer_size;
    header.msg_iov = &vectors[run.first];
    header.msg_iovlen = run.count;
    if (run.count > 1) {
      header.msg_control = controls[r].data();
      header.msg_controllen = controls[r].size();
      cmsghdr* control = CMSG_FIRSTHDR(&header);
      control->cmsg_level = SOL_UDP;
      control->cmsg_type = UDP_SEGMENT;
      control->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
      const auto segment = static_cast<std::uint16_t>(run.segment);
      std::memcpy(CMSG_DATA(control), &segment, sizeof(segment));
    }
  }

  SendOutcome out;
  std::array<bool, DatagramBatch::kMaxSlots> done{};  // by slot index
  std::size_t next = 0;                               // run
  // Each call sends at least one run or ends one: at most run_count calls.
  while (next < plan.run_count) {
    ++calls;
    const int n = ::sendmmsg(socket, headers.data() + next,
                             static_cast<unsigned>(plan.run_count - next), MSG_DONTWAIT);
    if (n > 0) {
      for (std::size_t r = next; r < next + static_cast<std::size_t>(n); ++r) {
        out.sent += plan.runs[r].count;
        for (std::size_t k = 0; k < plan.runs[r].count; ++k) {
          done[plan.order[plan.runs[r].first + k]] = true;
        }
      }
      next += static_cast<std::size_t>(n);
      continue;
    }
    const int error = errno;
    out.last_error = error;
    const SegmentRun& run = plan.runs[next];
    if (run.count > 1 && segmentationRefusal(error)) {
      out.segmentation_refused = true;
      break;  // the rest go unsegmented below
    }
    if (wouldBlock(error)) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        out.dropped += done[i] ? 0 : 1;  // late media is worth nothing
      }
      break;
    }
    for (std::size_t k = 0; k < run.count; ++k) {
      done[plan.order[run.first + k]] = true;
    }
    out.dropped += run.count;  // refused; the next ones may still go
    ++next;
  }
  if (out.segmentation_refused) {
    // What is left, one datagram per message, in batch order: what is left
    // of each destination is the end of its queue, so its order holds.
    std::size_t left = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (done[i]) {
        continue;
      }
      vectors[left] = {batch[i].data, batch[i].size};
      headers[left] = mmsghdr{};
      headers[left].msg_hdr.msg_name = &batch[i].peer;
      headers[left].msg_hdr.msg_namelen = batch[i].peer_size;
      headers[left].msg_hdr.msg_iov = &vectors[left];
      headers[left].msg_hdr.msg_iovlen = 1;
      ++left;
    }
    for (std::size_t first = 0; first < left;) {
      ++calls;
      const int n = ::sendmmsg(socket, headers.data() + first, static_cast<unsigned>(left - first),
                               MSG_DONTWAIT);
      if (n > 0) {
        out.sent += static_cast<std::size_t>(n);
        first += static_cast<std::size_t>(n);
        continue;
      }
      out.last_error = errno;
      if (wouldBlock(out.last_error)) {
        out.dropped += left - first;
        break;
      }
      ++out.dropped;
      ++first;
    }
  }
  batch.clear();
  return out;
}

}  // namespace parley::net
