// Fuzzes parseRtcp with arbitrary compound packets. Properties:
//  - no crash, no sanitizer report, never reads outside the input;
//  - the output respects every documented bound;
//  - what was parsed, built again with the append* builders, parses back to
//    the same values (REMB bitrates, encoded with the smallest exponent, may
//    only get smaller; the builder's compound is allowed to exceed the size
//    limit only if the input's was close to it, so that case is skipped).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "media/rtp/rtcp_packet.h"
#include "media/rtp/rtp_packet.h"
#include "tests/fuzz/fuzz_check.h"

using parley::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parley::media;  // NOLINT(google-build-using-namespace)
  const auto input = std::as_bytes(std::span<const std::uint8_t>(data, size));
  const auto parsed = parseRtcp(input);
  if (!parsed) {
    return 0;
  }
  const RtcpCompound& c = *parsed;
  if (size > kMaxMediaPacketSize) {
    fail("accepted an oversized compound");
  }
  for (const std::size_t n : {c.sender_reports.size(), c.receiver_reports.size(), c.nacks.size(),
                              c.plis.size(), c.rembs.size(), c.byes.size()}) {
    if (n > kMaxRtcpItemsPerKind) {
      fail("more items of one kind than the bound");
    }
  }
  for (const auto& sr : c.sender_reports) {
    if (sr.report_blocks.size() > kMaxRtcpReportBlocks) {
      fail("too many report blocks");
    }
  }
  for (const auto& rr : c.receiver_reports) {
    if (rr.report_blocks.size() > kMaxRtcpReportBlocks) {
      fail("too many report blocks");
    }
  }
  for (const auto& n : c.nacks) {
    if (n.lost_sequences.empty() || n.lost_sequences.size() > kMaxNackSequences) {
      fail("NACK list out of bounds");
    }
  }
  for (const auto& b : c.byes) {
    if (b.ssrcs.size() > kMaxRtcpByeSsrcs || b.reason.size() > 255) {
      fail("BYE out of bounds");
    }
  }

  // Rebuild and reparse. A NACK list that is not in ascending order, or
  // repeats numbers, is re-encoded sorted and folded, so compare as sets.
  std::vector<std::byte> rebuilt;
  for (const auto& sr : c.sender_reports) {
    appendSenderReport(sr, rebuilt);
  }
  for (const auto& rr : c.receiver_reports) {
    appendReceiverReport(rr, rebuilt);
  }
  for (const auto& n : c.nacks) {
    appendNack(n, rebuilt);
  }
  for (const auto& p : c.plis) {
    appendPli(p, rebuilt);
  }
  for (const auto& r : c.rembs) {
    appendRemb(r, rebuilt);
  }
  for (const auto& b : c.byes) {
    appendBye(b, rebuilt);
  }
  if (rebuilt.empty() || rebuilt.size() > kMaxMediaPacketSize) {
    return 0;  // all skipped, or the re-encoding (e.g. NACKs) grew past the limit
  }
  const auto again = parseRtcp(rebuilt);
  if (!again) {
    fail("rebuilt compound does not parse");
  }
  if (again->sender_reports != c.sender_reports || again->receiver_reports != c.receiver_reports ||
      again->plis != c.plis || again->byes != c.byes || again->skipped_packets != 0) {
    fail("rebuilt compound differs");
  }
  if (again->rembs.size() != c.rembs.size() || again->nacks.size() != c.nacks.size()) {
    fail("rebuilt compound lost feedback");
  }
  for (std::size_t i = 0; i < c.rembs.size(); ++i) {
    if (again->rembs[i].bitrate_bps > c.rembs[i].bitrate_bps ||
        again->rembs[i].ssrcs != c.rembs[i].ssrcs) {
      fail("rebuilt REMB differs");
    }
  }
  for (std::size_t i = 0; i < c.nacks.size(); ++i) {
    auto want = c.nacks[i].lost_sequences;
    auto got = again->nacks[i].lost_sequences;
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());
    std::sort(got.begin(), got.end());
    got.erase(std::unique(got.begin(), got.end()), got.end());
    if (want != got) {
      fail("rebuilt NACK names other packets");
    }
  }
  return 0;
}
