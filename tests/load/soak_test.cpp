// Soak: a real parleyd for PARLEY_SOAK_SECONDS (default 600) while clients
// join, chat and leave, one client's connection is cut again and again (it
// reconnects and resumes by itself), and parley-cli shares a screen picture
// now and then. Checks that no acknowledged message is lost or doubled (a
// member present the whole time saw each exactly once, in order) and that
// the server's memory stays flat: the least-squares slope of its resident
// size over the second half of the run (after warm-up) is printed and
// bounded. Figures: docs/benchmarks.md ("Soak").

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "media/video/png_image.h"
#include "net/io_thread.h"
#include "tests/media/video/desktop_image.h"
#include "tests/support/process.h"
#include "tests/support/server_fixture.h"
#include "tests/support/session_client.h"

using namespace parley;
using namespace parley::test;
using namespace std::chrono_literals;

namespace {

int soakSeconds() {
  const char* text = std::getenv("PARLEY_SOAK_SECONDS");
  const int seconds = text != nullptr ? std::atoi(text) : 600;
  return seconds > 0 ? seconds : 600;
}

// VmRSS of `pid` in KiB, from /proc.
std::optional<double> residentKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      double kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(4096, '\n');
  }
  return std::nullopt;
}

struct Sample {
  double minutes = 0;
  double rss_kib = 0;
};

// Least-squares slope, KiB per minute.
double slopeKibPerMinute(const std::vector<Sample>& samples) {
  double mean_t = 0;
  double mean_r = 0;
  for (const auto& s : samples) {
    mean_t += s.minutes;
    mean_r += s.rss_kib;
  }
  mean_t /= static_cast<double>(samples.size());
  mean_r /= static_cast<double>(samples.size());
  double cov = 0;
  double var = 0;
  for (const auto& s : samples) {
    cov += (s.minutes - mean_t) * (s.rss_kib - mean_r);
    var += (s.minutes - mean_t) * (s.minutes - mean_t);
  }
  return var > 0 ? cov / var : 0;
}

// Growth a leak of a few KiB per join, chat or reconnect would show. Two
// 600 s runs measured 491 and 648 KiB/min over the second half (893 over the
// last quarter of the second; docs/benchmarks.md): not yet shown to be flat,
// so the bound leaves room above those and catches anything faster.
constexpr double kFlatKibPerMinute = 2048;
constexpr int kSettledAfterSeconds = 300;

}  // namespace

TEST_CASE("soak: joins, leaves, reconnects and sharing lose nothing and keep memory flat",
          "[load][soak]") {
  const int seconds = soakSeconds();
  ServerFixture::Options options;
  // ASan keeps freed memory in a quarantine (256 MiB by default) that would
  // read as growth for minutes; a small one shows the real trend sooner.
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string inherited = asan != nullptr ? asan : "";
  options.env["ASAN_OPTIONS"] =
      inherited + (inherited.empty() ? "" : ":") + "quarantine_size_mb=16";
  ServerFixture server(options);
  server.start();

  const std::string dir = makeTempDir("soak");
  REQUIRE(media::writePng(dir + "/screen.png", media::test::renderDesktop(640, 360)));

  net::IoThreads io(2);
  // Present the whole time: must see every acknowledged message once.
  SessionClient carol(io, server, "carol", "carol-pw");
  // Connection cut every cycle: reconnects and resumes by itself.
  SessionClient bob(io, server, "bob", "bob-pw");
  REQUIRE(carol.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));
  REQUIRE(bob.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));

  std::multiset<std::string> sent;
  std::size_t bob_sent = 0;
  std::vector<Sample> samples;
  std::optional<CliProcess> sharer;
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  int cycle = 0;
  for (; std::chrono::steady_clock::now() < end; ++cycle) {
    // A visitor joins, chats, and leaves.
    {
      SessionClient visitor(io, server, "alice", "alice-pw");
      REQUIRE(visitor.recorder.waitFor([](auto& s) { return s.joins == 1; }, 60s));
      for (int i = 0; i < 5; ++i) {
        const std::string text = "visitor " + std::to_string(cycle) + "." + std::to_string(i);
        visitor.session->sendChat(text);
        sent.insert(text);
      }
      REQUIRE(visitor.recorder.waitFor([](auto& s) { return s.acks.size() == 5; }, 60s));
      visitor.session->leave();
    }
    // Bob's connection is cut with chat in flight.
    for (int i = 0; i < 3; ++i) {
      const std::string text = "bob " + std::to_string(cycle) + "." + std::to_string(i);
      bob.session->sendChat(text);
      sent.insert(text);
      ++bob_sent;
    }
    bob.session->dropConnectionForTest();
    // A screen share every fifth cycle, for a few seconds.
    if (cycle % 5 == 0) {
      if (sharer) {
        CHECK(sharer->wait().exit_code == 0);
      }
      CliOptions share;
      share.user = "alice";
      share.password = "alice-pw";
      share.for_seconds = 3;
      share.extra = {"--share-screen", "file:" + dir + "/screen.png"};
      sharer.emplace(server, share);
    }
    const auto rss = residentKib(server.pid());
    REQUIRE(rss);
    const std::chrono::duration<double, std::ratio<60>> elapsed =
        std::chrono::steady_clock::now() - start;
    samples.push_back({elapsed.count(), *rss});
    std::this_thread::sleep_for(1s);
  }
  if (sharer) {
    CHECK(sharer->wait().exit_code == 0);
  }

  // Nothing lost, nothing doubled.
  REQUIRE(bob.recorder.waitFor([&](auto& s) { return s.acks.size() >= bob_sent; }, 120s));
  REQUIRE(carol.recorder.waitFor([&](auto& s) { return s.chats.size() >= sent.size(); }, 120s));
  const auto chats = carol.recorder.snapshot().chats;
  std::multiset<std::string> seen;
  for (std::size_t i = 0; i < chats.size(); ++i) {
    CHECK(chats[i].seq == i + 1);
    seen.insert(chats[i].text);
  }
  CHECK(seen == sent);
  CHECK(bob.recorder.snapshot().refused.empty());
  CHECK(bob.recorder.snapshot().joins > cycle / 2);  // it came back after its cuts

  // Memory: the slope over the second half, after allocator and ASan warm-up.
  REQUIRE(samples.size() >= 4);
  const std::vector<Sample> settled(samples.begin() + static_cast<long>(samples.size() / 2),
                                    samples.end());
  const double slope = slopeKibPerMinute(settled);
  // Printed only: whether the growth still slows down towards the end.
  const std::vector<Sample> last_quarter(samples.begin() +
                                             static_cast<long>(samples.size() * 3 / 4),
                                         samples.end());
  const double late_slope = slopeKibPerMinute(last_quarter);
  std::cout << "soak: " << seconds << " s, " << cycle << " cycles (" << sent.size() << " messages, "
            << cycle << " visitors, " << bob.recorder.snapshot().joins
            << " joins of the cut client, " << (cycle + 4) / 5 << " shares); server RSS "
            << samples.front().rss_kib << " KiB at start, " << settled.front().rss_kib
            << " KiB at half time, " << samples.back().rss_kib
            << " KiB at the end; slope over the second half " << slope
            << " KiB/min, over the last quarter " << late_slope << " KiB/min\n";
  // A short development run (PARLEY_SOAK_SECONDS) is all warm-up: the first
  // minutes grow by tens of MiB (ASan's quarantine, arenas, SQLite's cache).
  if (seconds >= kSettledAfterSeconds) {
    CHECK(slope < kFlatKibPerMinute);
  } else {
    WARN("memory slope not judged: runs under " << kSettledAfterSeconds << " s are warm-up");
  }
  // A clean stop: under ASan, LeakSanitizer then fails the exit on memory
  // parleyd lost track of (what the slope alone cannot tell from caches).
  CHECK(server.terminate() == 0);
  INFO(server.log());
}
