// Fuzzes the WAV parser (media/audio/wav_file.h): parseWav() on arbitrary
// bytes, then the downmix of whatever it accepted.
//
// Properties checked:
//  - no crash, no sanitizer report, no read outside the input;
//  - an accepted file's sample data lies inside the input and holds exactly
//    `frames` whole frames of a sane format;
//  - every downmixed sample is finite and within [-1, 1].
// Needs parley_media (wav_file.cpp; it links libswresample, unused here).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "media/audio/wav_file.h"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

std::size_t bytesPerSample(parley::media::WavSampleFormat f) {
  using F = parley::media::WavSampleFormat;
  switch (f) {
    case F::PcmU8:
      return 1;
    case F::PcmS16:
      return 2;
    case F::PcmS24:
      return 3;
    case F::PcmS32:
    case F::Float32:
      return 4;
    case F::Float64:
      return 8;
  }
  fail("unknown sample format");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = std::as_bytes(std::span<const std::uint8_t>(data, size));
  auto parsed = parley::media::parseWav(input);
  if (!parsed) {
    return 0;
  }
  const parley::media::ParsedWav& wav = *parsed;
  if (wav.channels < 1 || wav.channels > parley::media::kMaxWavChannels) {
    fail("channel count out of range");
  }
  if (wav.sample_rate < parley::media::kMinWavSampleRate ||
      wav.sample_rate > parley::media::kMaxWavSampleRate) {
    fail("sample rate out of range");
  }
  const std::size_t frame_bytes =
      bytesPerSample(wav.format) * static_cast<std::size_t>(wav.channels);
  if (wav.data.size() != wav.frames * frame_bytes) {
    fail("data size is not frames * frame size");
  }
  if (!wav.data.empty() &&
      (wav.data.data() < input.data() || wav.data.data() + wav.data.size() > input.data() + size)) {
    fail("data span outside the input");
  }
  std::vector<float> mono;
  parley::media::appendMonoFloat(wav, 0, wav.frames, mono);
  if (mono.size() != wav.frames) {
    fail("downmix produced the wrong number of samples");
  }
  for (const float v : mono) {
    if (!std::isfinite(v) || v < -1.0F || v > 1.0F) {
      fail("downmixed sample out of range");
    }
  }
  return 0;
}
