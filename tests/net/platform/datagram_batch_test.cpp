// DatagramBatch on loopback: a batch to several destinations arrives
// complete and in order per destination, in both modes (one datagram per
// call, recvmmsg/sendmmsg where the system has them); a batch receive stays
// within its capacity and cuts a datagram longer than a slot; a send that
// goes out in parts (a partial sendmmsg) resumes where it stopped, and one
// refused datagram is dropped alone.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "net/platform/datagram_batch.h"

#ifndef _WIN32
#include <fcntl.h>
#endif

using namespace parley::net;

namespace {

#ifdef _WIN32
constexpr int kWouldBlock = WSAEWOULDBLOCK;
#else
constexpr int kWouldBlock = EWOULDBLOCK;
#endif

#ifdef _WIN32
// Nothing else in this test starts Winsock (Asio would, elsewhere).
void startWinsockOnce() {
  static const bool started = [] {
    WSADATA data{};
    return ::WSAStartup(MAKEWORD(2, 2), &data) == 0;
  }();
  REQUIRE(started);
}
#else
void startWinsockOnce() {}
#endif

// Non-blocking, as the media port's socket is.
struct Loopback {
  Loopback() {
    startWinsockOnce();
    socket = openSocketNoInherit(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(validSocket(socket));
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(socket, reinterpret_cast<sockaddr*>(&local), sizeof(local)) == 0);
    SockLen size = sizeof(address);
    REQUIRE(::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &size) == 0);
#ifdef _WIN32
    u_long on = 1;
    ::ioctlsocket(socket, FIONBIO, &on);
#else
    ::fcntl(socket, F_SETFL, ::fcntl(socket, F_GETFL) | O_NONBLOCK);
#endif
  }
  ~Loopback() { closeSocket(socket); }
  Loopback(const Loopback&) = delete;
  Loopback& operator=(const Loopback&) = delete;
  NativeSocket socket;
  sockaddr_in address{};
};

std::vector<std::byte> datagram(std::uint8_t destination, std::uint8_t index, std::size_t size) {
  std::vector<std::byte> d(size, std::byte{0x5a});
  d[0] = std::byte{destination};
  d[1] = std::byte{index};
  return d;
}

// Everything ready on `to`, within a bounded number of batches.
std::vector<std::vector<std::byte>> drain(Loopback& to, bool multi) {
  std::vector<std::vector<std::byte>> got;
  DatagramBatch batch(8, 2049);
  std::uint64_t calls = 0;
  for (int i = 0; i < 100; ++i) {
    const auto r = receiveDatagrams(to.socket, batch, multi, calls);
    REQUIRE(r.received <= batch.capacity());
    for (std::size_t k = 0; k < r.received; ++k) {
      got.emplace_back(batch[k].data, batch[k].data + batch[k].size);
    }
    if (r.received == 0) {
      CHECK(wouldBlock(r.error));
      break;
    }
  }
  return got;
}

}  // namespace

TEST_CASE("a batch to several destinations arrives complete and in order per destination",
          "[net][platform][media]") {
  const bool multi = GENERATE(false, true);
  CAPTURE(multi, multiDatagramCallsAvailable());
  Loopback from;
  constexpr std::uint8_t kDestinations = 3;
  std::array<Loopback, kDestinations> to;
  DatagramBatch batch(DatagramBatch::kMaxSlots, 2048);
  // Interleaved as a fan-out is: packet i to every destination in turn.
  constexpr std::uint8_t kPerDestination = 20;
  for (std::uint8_t i = 0; i < kPerDestination; ++i) {
    for (std::uint8_t d = 0; d < kDestinations; ++d) {
      REQUIRE(batch.push(datagram(d, i, 100 + i), reinterpret_cast<sockaddr*>(&to[d].address),
                         sizeof(to[d].address)));
    }
  }
  REQUIRE(batch.size() == 60);
  std::uint64_t calls = 0;
  const auto sent = sendDatagrams(from.socket, batch, multi, calls);
  CHECK(sent.sent == 60);
  CHECK(sent.dropped == 0);
  CHECK(batch.empty());
  if (multi && multiDatagramCallsAvailable()) {
    CHECK(calls == 1);
  } else {
    CHECK(calls == 60);
  }
  for (std::uint8_t d = 0; d < kDestinations; ++d) {
    const auto got = drain(to[d], multi);
    REQUIRE(got.size() == kPerDestination);
    for (std::uint8_t i = 0; i < kPerDestination; ++i) {
      CHECK(got[i] == datagram(d, i, 100 + i));
    }
  }
}

TEST_CASE("a receive batch stays within its capacity and cuts what is longer than a slot",
          "[net][platform][media]") {
  const bool multi = GENERATE(false, true);
  Loopback from;
  Loopback to;
  DatagramBatch out(DatagramBatch::kMaxSlots, 4096);
  for (std::uint8_t i = 0; i < 10; ++i) {
    REQUIRE(out.push(datagram(0, i, i == 3 ? 3000 : 64), reinterpret_cast<sockaddr*>(&to.address),
                     sizeof(to.address)));
  }
  std::uint64_t calls = 0;
  REQUIRE(sendDatagrams(from.socket, out, multi, calls).sent == 10);
  DatagramBatch in(4, 2049);
  std::vector<std::size_t> sizes;
  for (int i = 0; i < 10 && sizes.size() < 10; ++i) {
    const auto r = receiveDatagrams(to.socket, in, multi, calls);
    REQUIRE(r.received <= 4);
    for (std::size_t k = 0; k < r.received; ++k) {
      sizes.push_back(in[k].size);
      CHECK(in[k].peer_size == static_cast<SockLen>(sizeof(sockaddr_in)));
      CHECK(std::memcmp(&reinterpret_cast<sockaddr_in*>(&in[k].peer)->sin_port,
                        &from.address.sin_port, sizeof(from.address.sin_port)) == 0);
    }
  }
  REQUIRE(sizes.size() == 10);
  CHECK(sizes[3] == 2049);  // a full slot: the caller refuses it
  CHECK(sizes[4] == 64);
}

TEST_CASE("a send that goes out in parts resumes where it stopped", "[net][platform][media]") {
  DatagramBatch batch(16, 64);
  sockaddr_in nowhere{};
  nowhere.sin_family = AF_INET;
  for (std::uint8_t i = 0; i < 10; ++i) {
    REQUIRE(batch.push(datagram(0, i, 10), reinterpret_cast<sockaddr*>(&nowhere), sizeof(nowhere)));
  }
  std::vector<std::uint8_t> order;
  std::uint64_t calls = 0;

  SECTION("the kernel takes at most three per call") {
    const auto r = sendInOrder(
        batch,
        [&](std::size_t first, std::size_t count, int&) {
          const std::size_t n = std::min<std::size_t>(count, 3);
          for (std::size_t k = first; k < first + n; ++k) {
            order.push_back(static_cast<std::uint8_t>(batch[k].data[1]));
          }
          return static_cast<int>(n);
        },
        calls);
    CHECK(r.sent == 10);
    CHECK(r.dropped == 0);
    CHECK(calls == 4);
    CHECK(order == std::vector<std::uint8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  }
  SECTION("one datagram is refused: it alone is dropped") {
    const auto r = sendInOrder(
        batch,
        [&](std::size_t first, std::size_t count, int& error) {
          if (first == 4) {
            error = EMSGSIZE;
            return -1;
          }
          std::size_t n = 0;
          for (std::size_t k = first; k < first + count && k != 4; ++k, ++n) {
            order.push_back(static_cast<std::uint8_t>(batch[k].data[1]));
          }
          return static_cast<int>(n);
        },
        calls);
    CHECK(r.sent == 9);
    CHECK(r.dropped == 1);
    CHECK(r.last_error == EMSGSIZE);
    CHECK(order == std::vector<std::uint8_t>{0, 1, 2, 3, 5, 6, 7, 8, 9});
  }
  SECTION("no room in the socket: the rest is dropped, not waited for") {
    const auto r = sendInOrder(
        batch,
        [&](std::size_t first, std::size_t count, int& error) {
          if (first >= 6) {
            error = kWouldBlock;
            return -1;
          }
          return static_cast<int>(std::min<std::size_t>(count, 6 - first));
        },
        calls);
    CHECK(r.sent == 6);
    CHECK(r.dropped == 4);
    CHECK(calls == 2);
  }
  CHECK(batch.empty());
}

TEST_CASE("a batch refuses what does not fit", "[net][platform][media]") {
  DatagramBatch batch(2, 16);
  sockaddr_in to{};
  CHECK_FALSE(batch.push(std::vector<std::byte>(17), reinterpret_cast<sockaddr*>(&to), sizeof(to)));
  CHECK(batch.push(std::vector<std::byte>(16), reinterpret_cast<sockaddr*>(&to), sizeof(to)));
  CHECK(batch.push(std::vector<std::byte>(1), reinterpret_cast<sockaddr*>(&to), sizeof(to)));
  CHECK_FALSE(batch.push(std::vector<std::byte>(1), reinterpret_cast<sockaddr*>(&to), sizeof(to)));
  CHECK(batch.full());
  CHECK(DatagramBatch(1000, 8).capacity() == DatagramBatch::kMaxSlots);
}

TEST_CASE("segment plan: per destination in order, equal sizes, a shorter one ends a run",
          "[net][platform][media]") {
  DatagramBatch batch(DatagramBatch::kMaxSlots, 2048);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(1000);
  sockaddr_in b = a;
  b.sin_port = htons(2000);
  // a: 100 100 50 100 (two runs); b: 100 100 (one run); interleaved.
  const std::array<std::pair<sockaddr_in*, std::size_t>, 6> queued{
      {{&a, 100}, {&b, 100}, {&a, 100}, {&b, 100}, {&a, 50}, {&a, 100}}};
  std::uint8_t index = 0;
  for (const auto& [to, size] : queued) {
    REQUIRE(batch.push(datagram(0, index++, size), reinterpret_cast<sockaddr*>(to), sizeof(*to)));
  }
  const SegmentPlan plan = planSegments(batch);
  CHECK(std::vector<std::uint8_t>(plan.order.begin(), plan.order.begin() + 6) ==
        std::vector<std::uint8_t>{0, 2, 4, 5, 1, 3});
  REQUIRE(plan.run_count == 3);
  CHECK(plan.runs[0].first == 0);
  CHECK(plan.runs[0].count == 3);  // 100 100 50
  CHECK(plan.runs[0].segment == 100);
  CHECK(plan.runs[1].first == 3);
  CHECK(plan.runs[1].count == 1);  // the 100 after the short one
  CHECK(plan.runs[2].first == 4);
  CHECK(plan.runs[2].count == 2);
}

TEST_CASE("segment plan: a run stays within the kernel's bounds", "[net][platform][media]") {
  DatagramBatch batch(DatagramBatch::kMaxSlots, 2048);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  for (std::uint8_t i = 0; i < DatagramBatch::kMaxSlots; ++i) {
    REQUIRE(batch.push(datagram(0, i, 2000), reinterpret_cast<sockaddr*>(&a), sizeof(a)));
  }
  const SegmentPlan plan = planSegments(batch);
  std::size_t total = 0;
  for (std::size_t r = 0; r < plan.run_count; ++r) {
    CHECK(plan.runs[r].count <= kMaxSegmentsPerSend);
    CHECK(plan.runs[r].count * 2000 <= kMaxSegmentedBytes);
    total += plan.runs[r].count;
  }
  CHECK(total == DatagramBatch::kMaxSlots);
  CHECK(plan.run_count == 3);  // 30 + 30 + 4 datagrams of 2000 bytes
}

TEST_CASE("a segmented send arrives as separate datagrams, complete and in order per destination",
          "[net][platform][media]") {
  Loopback from;
  std::array<Loopback, 2> to;
  DatagramBatch batch(DatagramBatch::kMaxSlots, 2048);
  // Per destination 20 of 1200 bytes, then a short one, interleaved.
  for (std::uint8_t i = 0; i <= 20; ++i) {
    for (std::uint8_t d = 0; d < 2; ++d) {
      REQUIRE(batch.push(datagram(d, i, i == 20 ? 300 : 1200),
                         reinterpret_cast<sockaddr*>(&to[d].address), sizeof(to[d].address)));
    }
  }
  std::uint64_t calls = 0;
  const auto sent = sendDatagramsSegmented(from.socket, batch, calls);
  CHECK(sent.sent == 42);
  CHECK(sent.dropped == 0);
  CHECK(batch.empty());
  if (udpSegmentationAvailable() && !sent.segmentation_refused) {
    CHECK(calls == 1);  // two messages, one per destination
  }
  for (std::uint8_t d = 0; d < 2; ++d) {
    const auto got = drain(to[d], true);
    REQUIRE(got.size() == 21);
    for (std::uint8_t i = 0; i <= 20; ++i) {
      CHECK(got[i] == datagram(d, i, i == 20 ? 300 : 1200));
    }
  }
}
