// mixFrames / applyGain: sums, saturation instead of wrap-around, gains.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "media/audio/audio_mixer.h"

namespace parley::media {
namespace {

AudioFrame filled(std::int16_t v) {
  AudioFrame f;
  f.fill(v);
  return f;
}

}  // namespace

TEST_CASE("mixer: sums with saturation, never wraps", "[mixer]") {
  struct Case {
    const char* name;
    std::vector<std::int16_t> inputs;  // each a constant frame
    std::int16_t expected;
  };
  const std::vector<Case> cases = {
      {"nothing to mix is silence", {}, 0},
      {"one stream passes unchanged", {1234}, 1234},
      {"two streams add", {1000, -250}, 750},
      {"loud positive clips", {30000, 30000}, 32767},
      {"loud negative clips", {-30000, -30000}, -32768},
      {"clipping is applied once, at the end", {30000, 30000, -30000}, 30000},
      {"many full-scale streams", std::vector<std::int16_t>(64, 32767), 32767},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    std::vector<AudioFrame> frames;
    for (std::int16_t v : c.inputs)
      frames.push_back(filled(v));
    std::vector<const AudioFrame*> ptrs;
    std::vector<MixInput> inputs;
    for (const AudioFrame& f : frames) {
      ptrs.push_back(&f);
      inputs.push_back({&f, 1.0F});
    }
    AudioFrame out = filled(99);
    mixFrames(ptrs, out);
    CHECK(out == filled(c.expected));
    AudioFrame out2 = filled(99);
    mixFrames(inputs, out2);
    CHECK(out2 == filled(c.expected));
  }
}

TEST_CASE("mixer: per-stream gain", "[mixer]") {
  const AudioFrame a = filled(10000);
  const AudioFrame b = filled(-4000);
  AudioFrame out{};
  SECTION("half and double") {
    const MixInput in[] = {{&a, 0.5F}, {&b, 2.0F}};
    mixFrames(in, out);
    CHECK(out == filled(5000 - 8000));
  }
  SECTION("muted, NaN and null inputs contribute nothing") {
    const MixInput in[] = {{&a, 0.0F},
                           {&b, std::numeric_limits<float>::quiet_NaN()},
                           {nullptr, 1.0F}};
    mixFrames(in, out);
    CHECK(out == filled(0));
  }
  SECTION("absurd gains are capped at +18 dB") {
    const AudioFrame quiet = filled(100);
    const MixInput in[] = {{&quiet, 1000.0F}};
    mixFrames(in, out);
    CHECK(out == filled(800));
  }
  SECTION("applyGain saturates too") {
    AudioFrame loud = filled(-20000);
    applyGain(loud, 4.0F);
    CHECK(loud == filled(-32768));
    AudioFrame ramp{};
    for (std::size_t i = 0; i < ramp.size(); ++i)
      ramp[i] = static_cast<std::int16_t>(i * 30);
    AudioFrame expected = ramp;
    applyGain(ramp, 1.0F);
    CHECK(ramp == expected);
  }
}

}  // namespace parley::media
