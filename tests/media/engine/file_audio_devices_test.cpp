#include "media/engine/file_audio_devices.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "media/audio/wav_file.h"
#include "tests/support/test_dir.h"

namespace parley::media {
namespace {

namespace fs = std::filesystem;

using parley::testing::TempDir;

// 0, 1, 2, ... so every sample says where it came from.
std::vector<std::int16_t> ramp(std::size_t count) {
  std::vector<std::int16_t> samples(count);
  std::iota(samples.begin(), samples.end(), std::int16_t{0});
  return samples;
}

AudioFrame rampFrame(std::int16_t first) {
  AudioFrame frame{};
  std::iota(frame.begin(), frame.end(), first);
  return frame;
}

}  // namespace

TEST_CASE("WavFileInput plays the file in frames, pads the last, then reports the end",
          "[engine][devices]") {
  // Two and a half frames.
  WavFileInput input(ramp(kAudioFrameSamples * 5 / 2), false);
  AudioFrame frame{};
  REQUIRE(input.read(frame));
  CHECK(frame == rampFrame(0));
  REQUIRE(input.read(frame));
  CHECK(frame.front() == static_cast<std::int16_t>(kAudioFrameSamples));
  REQUIRE(input.read(frame));
  CHECK(frame[kAudioFrameSamples / 2 - 1] ==
        static_cast<std::int16_t>(kAudioFrameSamples * 5 / 2 - 1));
  CHECK(frame[kAudioFrameSamples / 2] == 0);  // past the end: silence
  CHECK(frame.back() == 0);
  CHECK_FALSE(input.finished());
  CHECK_FALSE(input.read(frame));
  CHECK(input.finished());
  CHECK_FALSE(input.read(frame));
}

TEST_CASE("WavFileInput in a loop starts over inside a frame", "[engine][devices]") {
  const std::size_t count = kAudioFrameSamples + 100;
  WavFileInput input(ramp(count), true);
  AudioFrame frame{};
  REQUIRE(input.read(frame));
  REQUIRE(input.read(frame));
  // 100 samples of the end, then the beginning again.
  CHECK(frame[0] == static_cast<std::int16_t>(kAudioFrameSamples));
  CHECK(frame[99] == static_cast<std::int16_t>(count - 1));
  CHECK(frame[100] == 0);
  CHECK(frame[101] == 1);
  for (int i = 0; i < 10; ++i) {
    REQUIRE(input.read(frame));
  }
  CHECK_FALSE(input.finished());
}

TEST_CASE("WavFileInput keeps its place while idle, and an empty one has nothing",
          "[engine][devices]") {
  WavFileInput input(ramp(kAudioFrameSamples * 2), false);
  for (int i = 0; i < 5; ++i) {
    input.idle();  // no call yet: the recording waits for it
  }
  AudioFrame frame{};
  REQUIRE(input.read(frame));
  CHECK(frame == rampFrame(0));

  WavFileInput empty({}, true);
  CHECK_FALSE(empty.read(frame));
  CHECK(empty.finished());
}

TEST_CASE("WavFileOutput records frames that WavFileInput plays back", "[engine][devices]") {
  TempDir dir;
  const auto path = dir.file("recorded.wav");
  {
    auto output = WavFileOutput::create(path);
    REQUIRE(output);
    for (int i = 0; i < 3; ++i) {
      (*output)->write(rampFrame(static_cast<std::int16_t>(i * 1000)));
    }
    CHECK((*output)->framesWritten() == 3);
    REQUIRE((*output)->close());
    (*output)->write(rampFrame(0));  // after close(): ignored
    CHECK((*output)->framesWritten() == 3);
    CHECK((*output)->close());  // again: nothing to do
  }
  auto input = WavFileInput::open(path);
  REQUIRE(input);
  CHECK((*input)->sampleCount() == 3 * kAudioFrameSamples);
  AudioFrame frame{};
  for (int i = 0; i < 3; ++i) {
    REQUIRE((*input)->read(frame));
    CHECK(frame == rampFrame(static_cast<std::int16_t>(i * 1000)));
  }
  CHECK_FALSE((*input)->read(frame));
}

TEST_CASE("WavFileOutput destroyed without close() still leaves a whole file",
          "[engine][devices]") {
  TempDir dir;
  const auto path = dir.file("cut.wav");
  {
    auto output = WavFileOutput::create(path);
    REQUIRE(output);
    (*output)->write(rampFrame(7));
    (*output)->write(rampFrame(9));
  }
  auto samples = readWavAs48kMono(path);
  REQUIRE(samples);
  REQUIRE(samples->size() == 2 * kAudioFrameSamples);
  CHECK((*samples)[0] == 7);
  CHECK((*samples)[kAudioFrameSamples] == 9);
}

TEST_CASE("file audio devices refuse paths they cannot use", "[engine][devices]") {
  TempDir dir;
  auto missing = WavFileInput::open(dir.file("missing.wav"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::MediaFileInvalid);
  auto unwritable = WavFileOutput::create(dir.file("no-such-dir") / "out.wav");
  REQUIRE_FALSE(unwritable);
  CHECK(unwritable.error().code == ErrorCode::MediaFileInvalid);
}

TEST_CASE("SilentInput has nothing to send", "[engine][devices]") {
  SilentInput input;
  AudioFrame frame = rampFrame(1);
  CHECK_FALSE(input.read(frame));
  CHECK(frame == rampFrame(1));  // left as it was: the engine sends nothing
}

}  // namespace parley::media
