// ReceptionStatistics on virtual time: the loss a receiver reports per
// source, across sequence wraps, reordering, duplicates, a sender's restart
// and a layer the server paused and resumed (silence, then a jump that is no
// loss).

#include <catch2/catch.hpp>

#include "media/rtp/reception_statistics.h"

using namespace parley;
using namespace parley::media;
using namespace std::chrono_literals;

namespace {

constexpr std::uint32_t kSsrc = 0x1234;

// A stream of packets 20 ms apart, skipping the sequence numbers in `lost`.
struct Stream {
  ReceptionStatistics& stats;
  Clock::TimePoint now{};
  std::uint16_t next = 0;

  void send(int count, std::initializer_list<int> lost = {}) {
    for (int i = 0; i < count; ++i) {
      const bool dropped = std::find(lost.begin(), lost.end(), i) != lost.end();
      if (!dropped) {
        stats.onPacket(now, kSsrc, next);
      }
      ++next;
      now += 20ms;
    }
  }
  ReportBlock report() {
    auto blocks = stats.reportBlocks(now);
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].ssrc == kSsrc);
    return blocks[0];
  }
};

}  // namespace

TEST_CASE("reception statistics report the loss of each interval", "[media][rtp]") {
  ReceptionStatistics stats;
  Stream s{stats};
  s.send(100);
  auto block = s.report();
  CHECK(block.fraction_lost == 0);
  CHECK(block.cumulative_lost == 0);
  CHECK(block.extended_highest_seq == 99);

  // A quarter of the next 100 lost: 64/256.
  s.send(100, {1,  5,  9,  13, 17, 21, 25, 29, 33, 37, 41, 45, 49,
               53, 57, 61, 65, 69, 73, 77, 81, 85, 89, 93, 97});
  block = s.report();
  CHECK(block.fraction_lost == 64);
  CHECK(block.cumulative_lost == 25);

  // The next interval is clean again: the fraction is per interval.
  s.send(50);
  block = s.report();
  CHECK(block.fraction_lost == 0);
  CHECK(block.cumulative_lost == 25);
}

TEST_CASE("reception statistics follow a sequence wrap and forgive reordering", "[media][rtp]") {
  ReceptionStatistics stats;
  Stream s{stats};
  s.next = 65500;
  s.send(100);  // wraps after 36 packets
  auto block = s.report();
  CHECK(block.fraction_lost == 0);
  CHECK(block.extended_highest_seq == 65536 + 63);

  // 10 and 11 swapped, a duplicate of 12: nothing lost.
  const auto base = s.next;
  for (const std::uint16_t offset : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 10, 12, 12, 13}) {
    stats.onPacket(s.now, kSsrc, static_cast<std::uint16_t>(base + offset));
    s.now += 20ms;
  }
  block = s.report();
  CHECK(block.fraction_lost == 0);
}

TEST_CASE("a layer paused by the server and resumed is not loss", "[media][rtp]") {
  ReceptionStatistics stats;
  Stream s{stats};
  s.send(50);
  (void)s.report();
  // Forwarded elsewhere for 3 s while the sender went on numbering.
  s.next = static_cast<std::uint16_t>(s.next + 150);
  s.now += 3s;
  s.send(50);
  const auto block = s.report();
  CHECK(block.fraction_lost == 0);
  CHECK(block.cumulative_lost == 0);
}

TEST_CASE("a gap inside a flowing stream is loss, a huge jump needs confirming", "[media][rtp]") {
  ReceptionStatistics stats;
  Stream s{stats};
  s.send(100, {40, 41, 42, 43, 44, 45, 46, 47, 48, 49});  // a 200 ms burst
  auto block = s.report();
  CHECK(block.fraction_lost == 25);  // 10 of 100 -> 25.6/256

  // One stray packet far ahead is ignored; the stream carries on.
  stats.onPacket(s.now, kSsrc, static_cast<std::uint16_t>(s.next + 30000));
  s.send(20);
  block = s.report();
  CHECK(block.fraction_lost == 0);
  CHECK(block.extended_highest_seq == s.next - 1U);

  // Two consecutive packets far ahead: the sender restarted.
  const auto restart = static_cast<std::uint16_t>(s.next + 30000);
  stats.onPacket(s.now, kSsrc, restart);
  stats.onPacket(s.now + 20ms, kSsrc, static_cast<std::uint16_t>(restart + 1));
  s.now += 40ms;
  block = s.report();
  CHECK(block.fraction_lost == 0);
  CHECK(block.extended_highest_seq == static_cast<std::uint16_t>(restart + 1));
}

TEST_CASE("reception statistics stay bounded", "[media][rtp]") {
  ReceptionStatistics stats;
  Clock::TimePoint now{};
  for (std::uint32_t ssrc = 1; ssrc <= 1000; ++ssrc) {
    stats.onPacket(now, ssrc, 1);
  }
  CHECK(stats.sourceCount() == ReceptionStatistics::kMaxSources);
  const auto blocks = stats.reportBlocks(now);
  CHECK(blocks.size() == kMaxRtcpReportBlocks);
  // Those left out come in the next reports; a source is reported once for
  // what it sent since its last report.
  std::size_t reported = blocks.size();
  for (int i = 0; i < 20 && reported < ReceptionStatistics::kMaxSources; ++i) {
    reported += stats.reportBlocks(now).size();
  }
  CHECK(reported == ReceptionStatistics::kMaxSources);
  CHECK(stats.reportBlocks(now).empty());
  // Silent sources are forgotten.
  (void)stats.reportBlocks(now + ReceptionStatistics::kForgetAfter + 1s);
  CHECK(stats.sourceCount() == 0);
}
