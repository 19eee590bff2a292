// LossBasedController on virtual time: a table of receiver-report and REMB
// sequences with the expected target after each step.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <vector>

#include "media/congestion/loss_based_controller.h"
#include "tests/fakes/fake_clock.h"

namespace parley::media {
namespace {

using std::chrono::milliseconds;

// fraction_lost for a loss ratio, as the RTCP field encodes it.
constexpr std::uint8_t lossField(double ratio) { return static_cast<std::uint8_t>(ratio * 256); }

struct Step {
  milliseconds after;  // virtual time since the previous step
  enum class Kind { Report, Remb, Rtt } kind;
  std::int64_t value;     // fraction_lost (0..255), REMB bit/s or RTT ms
  std::int64_t expected;  // targetBps() afterwards, +-1 bit/s
};

struct LossCase {
  const char* name;
  std::int64_t start_bps;
  std::vector<Step> steps;
};

using K = Step::Kind;

}  // namespace

TEST_CASE("loss-based target: increase, hold, decrease, caps", "[congestion]") {
  const std::vector<LossCase> cases = {
      {"no loss, reports 1 s apart: +5% (+1 kbit/s) each",
       1'000'000,
       {
           {milliseconds(0), K::Report, 0, 1'051'000},  // first report: 5%
           {milliseconds(1000), K::Report, 0, 1'104'550},
           {milliseconds(1000), K::Report, 0, 1'160'778},
       }},
      {"no loss, reports 100 ms apart: 8%/s, not 5% each",
       1'000'000,
       {
           {milliseconds(0), K::Report, 0, 1'051'000},
           // 1.08^0.1 = 1.0077258
           {milliseconds(100), K::Report, 0, 1'060'120},
           {milliseconds(100), K::Report, 0, 1'069'310},
       }},
      {"1.9% loss still increases, 2..10% holds",
       1'000'000,
       {
           {milliseconds(0), K::Report, lossField(0.019), 1'051'000},
           {milliseconds(1000), K::Report, lossField(0.03), 1'051'000},
           {milliseconds(1000), K::Report, lossField(0.10), 1'051'000},
       }},
      {"above 10%: target *= 1 - loss/2, at most once per 300 ms + RTT",
       1'000'000,
       {
           {milliseconds(0), K::Report, 64, 875'000},     // 25% -> x0.875
           {milliseconds(200), K::Report, 64, 875'000},   // too soon
           {milliseconds(100), K::Report, 128, 656'250},  // 50% -> x0.75
           {milliseconds(0), K::Rtt, 200, 656'250},
           {milliseconds(300), K::Report, 128, 656'250},   // 300 ms + 200 ms RTT not yet over
           {milliseconds(200), K::Report, 255, 329'407},   // x(1 - 255/512)
           {milliseconds(1000), K::Report, 255, 165'347},  //
           {milliseconds(1000), K::Report, 255, 82'996},   //
           {milliseconds(1000), K::Report, 255, 50'000},   // floor
       }},
      {"REMB caps at once and limits later increases",
       1'000'000,
       {
           {milliseconds(0), K::Remb, 600'000, 600'000},
           {milliseconds(1000), K::Report, 0, 600'000},
           {milliseconds(0), K::Remb, 2'000'000, 600'000},  // a higher REMB alone raises nothing
           {milliseconds(1000), K::Report, 0, 631'000},
           {milliseconds(0), K::Remb, 620'000, 620'000},
       }},
      {"never above 2.5 Mbit/s",
       2'400'000,
       {
           {milliseconds(0), K::Report, 0, 2'500'000},
           {milliseconds(1000), K::Report, 0, 2'500'000},
           {milliseconds(0), K::Remb, 9'000'000, 2'500'000},
           {milliseconds(1000), K::Report, 0, 2'500'000},
       }},
      {"a REMB below the floor keeps the floor",
       1'000'000,
       {{milliseconds(0), K::Remb, 0, 50'000}}},
  };
  for (const LossCase& c : cases) {
    INFO(c.name);
    testing::FakeClock clock;
    LossBasedControllerConfig config;
    config.start_bps = c.start_bps;
    LossBasedController controller(config);
    REQUIRE(controller.targetBps() == c.start_bps);
    int index = 0;
    for (const Step& step : c.steps) {
      INFO("step " << index++);
      clock.advance(step.after);
      switch (step.kind) {
        case K::Report:
          controller.onReceiverReport(clock.now(), static_cast<std::uint8_t>(step.value));
          break;
        case K::Remb:
          controller.onRemb(step.value);
          break;
        case K::Rtt:
          controller.setRtt(milliseconds(step.value));
          break;
      }
      CHECK(controller.targetBps() >= step.expected - 1);
      CHECK(controller.targetBps() <= step.expected + 1);
    }
  }
}

TEST_CASE("loss-based target: sustained 5% loss never grows, 1% loss grows <= 8%/s",
          "[congestion]") {
  testing::FakeClock clock;
  LossBasedController held;
  LossBasedController growing;
  for (int i = 0; i < 100; ++i) {
    clock.advance(milliseconds(250));
    held.onReceiverReport(clock.now(), lossField(0.05));
    growing.onReceiverReport(clock.now(), lossField(0.01));
  }
  CHECK(held.targetBps() == 1'000'000);
  // 25 s: 5% first report, then 1.08^(24.75) and 1 kbit/s per report, capped.
  CHECK(growing.targetBps() == 2'500'000);
  LossBasedController slow;
  for (int i = 0; i < 20; ++i) {
    clock.advance(milliseconds(250));
    slow.onReceiverReport(clock.now(), 0);
  }
  // 5 s of reports: 5% at the first, then 1.08^0.25 and 1 kbit/s each.
  CHECK(slow.targetBps() >= 1'537'553);
  CHECK(slow.targetBps() <= 1'537'554);
}

}  // namespace parley::media
