#include "media/engine/swappable_audio_device.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

namespace parley::media {
namespace {

// An input whose every sample is its own mark, so a frame tells which device
// it came from.
class MarkedInput final : public AudioInput {
 public:
  explicit MarkedInput(std::int16_t mark) : mark_(mark) {}
  bool read(AudioFrame& frame) override {
    frame.fill(mark_);
    return true;
  }
  void idle() override { ++idles; }
  int idles = 0;

 private:
  std::int16_t mark_;
};

class CountingOutput final : public AudioOutput {
 public:
  void write(const AudioFrame& frame) override {
    ++writes;
    last = frame[0];
  }
  int writes = 0;
  std::int16_t last = 0;
};

}  // namespace

TEST_CASE("SwappableAudioInput reads the device in place and follows a replacement",
          "[engine][devices]") {
  auto first = std::make_unique<MarkedInput>(1);
  auto* first_raw = first.get();
  SwappableAudioInput input(std::move(first));
  AudioFrame frame{};
  REQUIRE(input.read(frame));
  CHECK(frame[0] == 1);
  input.idle();
  CHECK(first_raw->idles == 1);

  auto old = input.replace(std::make_unique<MarkedInput>(2));
  CHECK(old.get() == first_raw);
  REQUIRE(input.read(frame));
  CHECK(frame[0] == 2);

  // No device: nothing to send, as with no microphone at all.
  (void)input.replace(nullptr);
  CHECK_FALSE(input.hasDevice());
  CHECK_FALSE(input.read(frame));
  input.idle();  // harmless
}

TEST_CASE("SwappableAudioOutput plays to the device in place and drops with none",
          "[engine][devices]") {
  auto speakers = std::make_unique<CountingOutput>();
  auto* speakers_raw = speakers.get();
  SwappableAudioOutput output(std::move(speakers));
  AudioFrame frame{};
  frame.fill(7);
  output.write(frame);
  CHECK(speakers_raw->writes == 1);

  auto headset = std::make_unique<CountingOutput>();
  auto* headset_raw = headset.get();
  auto old = output.replace(std::move(headset));
  REQUIRE(old.get() == speakers_raw);
  output.write(frame);
  CHECK(speakers_raw->writes == 1);
  CHECK(headset_raw->writes == 1);
  CHECK(headset_raw->last == 7);

  (void)output.replace(nullptr);
  output.write(frame);  // goes nowhere
  CHECK_FALSE(output.hasDevice());
}

TEST_CASE("SwappableAudioInput: reads race replacements without tearing a frame",
          "[engine][devices]") {
  SwappableAudioInput input(std::make_unique<MarkedInput>(1));
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::thread audio([&] {
    AudioFrame frame{};
    // Bounded: as many reads as the replacing side needs, at most 200000.
    for (int i = 0; i < 200000 && !done.load(); ++i) {
      if (input.read(frame) && frame.front() != frame.back()) {
        ++torn;
      }
    }
  });
  for (int i = 0; i < 2000; ++i) {
    auto old = input.replace(std::make_unique<MarkedInput>(static_cast<std::int16_t>(i % 100)));
    CHECK(old != nullptr);
  }
  done = true;
  audio.join();
  CHECK(torn == 0);
}

}  // namespace parley::media
