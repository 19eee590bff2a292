// bestAlignment / snrDb / rms on synthetic signals with known answers.

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "media/audio/speech_metrics.h"

namespace parley::media {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Speech-like: gliding harmonics under a syllable envelope, plus noise, so
// there is one clear correlation peak.
std::vector<std::int16_t> voiceLike(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 300);
  std::vector<std::int16_t> out(n);
  double phase = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / 48000.0;
    phase += 2 * kPi * (140 + 60 * std::sin(2 * kPi * 2.7 * t)) / 48000.0;
    double v = 0;
    for (int h = 1; h <= 6; ++h)
      v += std::sin(h * phase) / h;
    const double env = std::max(0.0, std::sin(2 * kPi * 3.1 * t));
    out[i] = static_cast<std::int16_t>(std::lround(7000 * env * v + noise(rng)));
  }
  return out;
}

std::vector<std::int16_t> delayed(const std::vector<std::int16_t>& x, std::ptrdiff_t lag) {
  std::vector<std::int16_t> out(x.size(), 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto j = static_cast<std::ptrdiff_t>(i) + lag;
    if (j >= 0 && j < static_cast<std::ptrdiff_t>(x.size()))
      out[static_cast<std::size_t>(j)] = x[i];
  }
  return out;
}

}  // namespace

TEST_CASE("speech metrics: alignment finds the lag", "[metrics]") {
  const auto ref = voiceLike(48000 * 2, 1);
  struct Case {
    const char* name;
    std::ptrdiff_t lag;
    std::size_t max_lag;
  };
  const std::vector<Case> cases = {
      {"identical", 0, 4800},           {"late by 1234", 1234, 4800},  {"early by 500", -500, 4800},
      {"late by 300 ms", 14400, 48000}, {"small search range", 7, 16},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const auto rec = delayed(ref, c.lag);
    const Alignment a = bestAlignment(ref, rec, c.max_lag);
    CHECK(a.lag == c.lag);
    CHECK(a.correlation > 0.8);
    CHECK(a.correlation <= 1.0 + 1e-9);
    CHECK(correlationAtLag(ref, rec, c.lag) == Approx(a.correlation));
  }
}

TEST_CASE("speech metrics: 5 s of audio with noise, attenuation and a 1 s range", "[metrics]") {
  const auto ref = voiceLike(48000 * 5, 2);
  auto rec = delayed(ref, 20011);
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 800);
  for (auto& s : rec)
    s = static_cast<std::int16_t>(std::lround(0.5 * s + noise(rng)));
  const Alignment a = bestAlignment(ref, rec, 48000);
  CHECK(a.lag == 20011);
  CHECK(a.correlation > 0.7);
  // An unrelated signal does not correlate.
  std::vector<std::int16_t> other(ref.size());
  std::uniform_int_distribution<int> white(-8000, 8000);
  for (auto& s : other)
    s = static_cast<std::int16_t>(white(rng));
  CHECK(bestAlignment(ref, other, 4800).correlation < 0.2);
  CHECK(bestAlignment({}, rec, 100).correlation == 0.0);
}

TEST_CASE("speech metrics: SNR and RMS", "[metrics]") {
  const auto ref = voiceLike(48000, 4);
  CHECK(snrDb(ref, ref, 0) == 100.0);
  CHECK(snrDb(ref, delayed(ref, 10), 10) == 100.0);
  // Additive noise with a tenth of the signal's power: 10 dB.
  std::mt19937 rng(5);
  const double noise_rms = rms(ref) / std::sqrt(10.0);
  std::normal_distribution<double> noise(0, noise_rms);
  std::vector<std::int16_t> noisy = ref;
  for (auto& s : noisy)
    s = static_cast<std::int16_t>(std::lround(s + noise(rng)));
  CHECK(snrDb(ref, noisy, 0) == Approx(10.0).margin(0.3));
  // Misaligned comparison is much worse.
  CHECK(snrDb(ref, ref, 200) < 3.0);
  CHECK(snrDb(std::vector<std::int16_t>(100, 0), ref, 0) == -100.0);

  std::vector<std::int16_t> sine(48000);
  for (std::size_t i = 0; i < sine.size(); ++i) {
    sine[i] =
        static_cast<std::int16_t>(std::lround(32767 * std::sin(2 * kPi * 1000 * i / 48000.0)));
  }
  CHECK(rms(sine) == Approx(32767 / std::sqrt(2.0)).epsilon(0.001));
  CHECK(rmsDbfs(sine) == Approx(-3.01).margin(0.02));
  CHECK(rms({}) == 0.0);
  CHECK(rmsDbfs(std::vector<std::int16_t>(10, 0)) == -120.0);
}

}  // namespace parley::media
