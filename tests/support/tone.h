#pragma once
// A test tone and the longest hole in its recording, for the tests that
// check media crosses a path switch without a gap.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "media/audio/wav_file.h"

namespace parley::test {

inline constexpr int kToneRate = 48000;

// A second of silence, then a steady 440 Hz tone: Opus never skips a tone
// as silence (DTX), so any hole in the recording is a hole in the path.
inline std::string makeTone(const std::string& dir, int seconds) {
  const std::string path = dir + "/tone.wav";
  auto writer = parley::media::WavWriter::create(path);
  REQUIRE(writer);
  std::vector<std::int16_t> samples(static_cast<std::size_t>(kToneRate) * (seconds + 1), 0);
  for (std::size_t i = kToneRate; i < samples.size(); ++i) {
    samples[i] = static_cast<std::int16_t>(
        8000 * std::sin(2 * M_PI * 440.0 * static_cast<double>(i) / kToneRate));
  }
  REQUIRE(writer->write(samples));
  REQUIRE(writer->close());
  return path;
}

struct Gap {
  double longest_ms = 0;
  double tone_seconds = 0;
};

// The longest stretch of near-silence (5 ms windows under a tenth of the
// tone's level) between the first and the last loud window.
inline Gap longestGap(const std::vector<std::int16_t>& samples) {
  constexpr std::size_t kWindow = kToneRate / 200;
  std::vector<bool> loud;
  for (std::size_t start = 0; start + kWindow <= samples.size(); start += kWindow) {
    int peak = 0;
    for (std::size_t i = start; i < start + kWindow; ++i) {
      peak = std::max(peak, std::abs(static_cast<int>(samples[i])));
    }
    loud.push_back(peak > 800);
  }
  const auto first = std::find(loud.begin(), loud.end(), true);
  const auto last = std::find(loud.rbegin(), loud.rend(), true);
  Gap gap;
  if (first == loud.end()) {
    return gap;
  }
  const auto begin = static_cast<std::size_t>(first - loud.begin());
  const auto end = loud.size() - static_cast<std::size_t>(last - loud.rbegin());
  std::size_t run = 0;
  std::size_t longest = 0;
  for (std::size_t i = begin; i < end; ++i) {
    run = loud[i] ? 0 : run + 1;
    longest = std::max(longest, run);
  }
  gap.longest_ms = static_cast<double>(longest) * 5.0;
  gap.tone_seconds = static_cast<double>(end - begin) * 0.005;
  return gap;
}

}  // namespace parley::test
