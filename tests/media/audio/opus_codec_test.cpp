// OpusEncoder / OpusDecoder: quality of a round trip, FEC against PLC, DTX,
// settings, and hostile payloads.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "media/audio/audio_format.h"
#include "media/audio/opus_decoder.h"
#include "media/audio/opus_encoder.h"
#include "media/audio/speech_metrics.h"

namespace parley::media {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<std::int16_t> tone(double hz, std::size_t samples, double amplitude = 10000) {
  std::vector<std::int16_t> out(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    out[i] = static_cast<std::int16_t>(
        std::lround(amplitude * std::sin(2 * kPi * hz * static_cast<double>(i) / 48000.0)));
  }
  return out;
}

// Voiced-speech-like: harmonics of a pitch that glides up and down quickly,
// under a syllable-rate envelope. Hard to extrapolate, so PLC does poorly.
std::vector<std::int16_t> voiceLike(std::size_t samples) {
  std::vector<std::int16_t> out(samples);
  double phase = 0;
  for (std::size_t i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / 48000.0;
    const double pitch = 160 + 70 * std::sin(2 * kPi * 3.3 * t);
    phase += 2 * kPi * pitch / 48000.0;
    double v = 0;
    for (int h = 1; h <= 8; ++h) {
      v += std::sin(h * phase + h) / h;
    }
    const double envelope = 0.55 + 0.45 * std::sin(2 * kPi * 4.1 * t);
    out[i] = static_cast<std::int16_t>(std::lround(6000 * envelope * v));
  }
  return out;
}

AudioFrame frameAt(const std::vector<std::int16_t>& signal, std::size_t index) {
  AudioFrame frame{};
  std::copy_n(signal.begin() + static_cast<std::ptrdiff_t>(index * kAudioFrameSamples),
              kAudioFrameSamples, frame.begin());
  return frame;
}

using Packet = std::vector<std::byte>;

std::vector<Packet> encodeAll(OpusEncoder& encoder, const std::vector<std::int16_t>& signal) {
  std::vector<Packet> packets;
  std::array<std::byte, kMaxOpusPacketBytes> buffer{};
  for (std::size_t f = 0; f < signal.size() / kAudioFrameSamples; ++f) {
    auto n = encoder.encode(frameAt(signal, f), buffer);
    REQUIRE(n.has_value());
    packets.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*n));
  }
  return packets;
}

void append(std::vector<std::int16_t>& out, const AudioFrame& frame) {
  out.insert(out.end(), frame.begin(), frame.end());
}

double snrOfFrames(const std::vector<std::int16_t>& reference,
                   const std::vector<std::int16_t>& test, std::size_t first_frame,
                   std::size_t frames) {
  const auto begin = static_cast<std::ptrdiff_t>(first_frame * kAudioFrameSamples);
  const auto end = begin + static_cast<std::ptrdiff_t>(frames * kAudioFrameSamples);
  const std::vector<std::int16_t> ref(reference.begin() + begin, reference.begin() + end);
  const std::vector<std::int16_t> got(test.begin() + begin, test.begin() + end);
  return snrDb(ref, got, 0);
}

}  // namespace

TEST_CASE("opus: a 440 Hz tone survives encode and decode", "[opus]") {
  auto encoder = OpusEncoder::create();
  REQUIRE(encoder.has_value());
  auto decoder = OpusDecoder::create();
  REQUIRE(decoder.has_value());

  const auto signal = tone(440, 50 * kAudioFrameSamples);
  const auto packets = encodeAll(*encoder, signal);
  std::vector<std::int16_t> decoded;
  std::size_t bytes = 0;
  for (const Packet& p : packets) {
    REQUIRE(p.size() <= kMaxOpusPacketBytes);
    bytes += p.size();
    auto frame = decoder->decode(p);
    REQUIRE(frame.has_value());
    append(decoded, *frame);
  }
  // About 24 kbit/s: 60 bytes a frame on average (the first frames are larger).
  CHECK(bytes / packets.size() < 100);

  // Skip the first 100 ms while the codec settles; Opus delays by ~6.5 ms.
  const std::span<const std::int16_t> ref(signal.data() + 4800, 38400);
  const std::span<const std::int16_t> got(decoded.data() + 4800, 38400);
  // A pure tone aligns at any whole period, so only the match is checked.
  const Alignment a = bestAlignment(ref, got, 960);
  CHECK(a.correlation > 0.95);
  CHECK(std::abs(rmsDbfs(got) - rmsDbfs(ref)) < 3.0);
}

TEST_CASE("opus: a voice-like signal comes back with the codec's small delay", "[opus]") {
  auto encoder = OpusEncoder::create();
  auto decoder = OpusDecoder::create();
  REQUIRE((encoder && decoder));
  const auto signal = voiceLike(100 * kAudioFrameSamples);
  std::vector<std::int16_t> decoded;
  for (const Packet& p : encodeAll(*encoder, signal)) {
    append(decoded, *decoder->decode(p));
  }
  const std::span<const std::int16_t> ref(signal.data() + 4800, 72000);
  const std::span<const std::int16_t> got(decoded.data() + 4800, 72000);
  const Alignment a = bestAlignment(ref, got, 4800);
  INFO("lag " << a.lag << ", correlation " << a.correlation);
  // Opus's algorithmic delay is 6.5 ms (312 samples at 48 kHz).
  CHECK(a.lag >= 0);
  CHECK(a.lag < 480);
  CHECK(a.correlation > 0.8);
  CHECK(snrDb(ref, got, a.lag) > 3.0);
}

TEST_CASE("opus: FEC recovers a dropped frame better than concealment", "[opus]") {
  OpusEncoderConfig config;
  config.expected_loss_percent = 20;
  auto encoder = OpusEncoder::create(config);
  REQUIRE(encoder.has_value());
  const auto signal = voiceLike(60 * kAudioFrameSamples);
  const auto packets = encodeAll(*encoder, signal);

  auto clean_dec = OpusDecoder::create();
  auto fec_dec = OpusDecoder::create();
  auto plc_dec = OpusDecoder::create();
  REQUIRE((clean_dec && fec_dec && plc_dec));
  std::vector<std::int16_t> clean, fec, plc;
  int fec_wins = 0;
  const std::vector<std::size_t> dropped = {20, 30, 40, 50};
  for (std::size_t i = 0; i < packets.size(); ++i) {
    append(clean, *clean_dec->decode(packets[i]));
    const bool drop = std::find(dropped.begin(), dropped.end(), i) != dropped.end();
    if (drop) {
      auto recovered = fec_dec->decodeFec(packets[i + 1]);
      REQUIRE(recovered.has_value());
      append(fec, *recovered);
      append(plc, plc_dec->conceal());
    } else {
      append(fec, *fec_dec->decode(packets[i]));
      append(plc, *plc_dec->decode(packets[i]));
    }
  }
  // Against the loss-free decode, over the lost frame and the one after it
  // (where concealment's error carries over).
  for (const std::size_t i : dropped) {
    const double snr_fec = snrOfFrames(clean, fec, i, 2);
    const double snr_plc = snrOfFrames(clean, plc, i, 2);
    INFO("frame " << i << ": FEC " << snr_fec << " dB, PLC " << snr_plc << " dB");
    CHECK(snr_fec > 3.0);
    fec_wins += snr_fec > snr_plc + 3.0 ? 1 : 0;
  }
  CHECK(fec_wins == static_cast<int>(dropped.size()));
}

TEST_CASE("opus: DTX turns silence into tiny packets", "[opus]") {
  auto encoder = OpusEncoder::create();
  REQUIRE(encoder.has_value());
  std::vector<std::int16_t> signal = tone(300, 20 * kAudioFrameSamples);
  signal.resize(100 * kAudioFrameSamples, 0);
  const auto packets = encodeAll(*encoder, signal);
  int tiny_during_tone = 0;
  int tiny_during_silence = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const bool tiny = OpusEncoder::isDtxPacket(packets[i].size());
    (i < 20 ? tiny_during_tone : tiny_during_silence) += tiny ? 1 : 0;
  }
  CHECK(tiny_during_tone == 0);
  // Opus keeps a short hangover and sends a comfort-noise update every 400 ms.
  CHECK(tiny_during_silence >= 60);

  // A DTX frame still decodes (to near silence).
  auto decoder = OpusDecoder::create();
  REQUIRE(decoder.has_value());
  for (const Packet& p : packets) {
    REQUIRE(decoder->decode(p).has_value());
  }
}

TEST_CASE("opus: settings are range-checked and bitrate changes packet size", "[opus]") {
  auto encoder = OpusEncoder::create();
  REQUIRE(encoder.has_value());
  CHECK(encoder->config().bitrate_bps == 24000);
  CHECK_FALSE(encoder->setBitrate(1000).has_value());
  CHECK(encoder->setBitrate(1000).error().code == ErrorCode::MediaCodecFailed);
  CHECK_FALSE(encoder->setComplexity(11).has_value());
  CHECK_FALSE(encoder->setExpectedLossPercent(-1).has_value());
  REQUIRE(encoder->setComplexity(5).has_value());
  CHECK(encoder->config().complexity == 5);

  const auto signal = voiceLike(50 * kAudioFrameSamples);
  auto low = OpusEncoder::create(OpusEncoderConfig{.bitrate_bps = 12000});
  auto high = OpusEncoder::create(OpusEncoderConfig{.bitrate_bps = 64000});
  REQUIRE((low && high));
  std::size_t low_bytes = 0, high_bytes = 0;
  for (const Packet& p : encodeAll(*low, signal))
    low_bytes += p.size();
  for (const Packet& p : encodeAll(*high, signal))
    high_bytes += p.size();
  CHECK(high_bytes > 3 * low_bytes);
  CHECK_FALSE(OpusEncoder::create(OpusEncoderConfig{.bitrate_bps = 0}).has_value());
}

TEST_CASE("opus: bad payloads give errors, never crashes", "[opus]") {
  auto decoder = OpusDecoder::create();
  REQUIRE(decoder.has_value());
  auto bytes = [](std::initializer_list<int> v) {
    std::vector<std::byte> out;
    for (int b : v)
      out.push_back(static_cast<std::byte>(b));
    return out;
  };
  // Empty; code-3 packet declaring zero frames; a 60 ms SILK frame; a 10 ms
  // CELT frame; code-3 with 48 frames (past the 120 ms limit).
  const std::vector<std::vector<std::byte>> bad = {{},
                                                   bytes({0x03, 0x00}),
                                                   bytes({0x18, 0x01, 0x02, 0x03}),
                                                   bytes({0xF0, 0x11, 0x22, 0x33}),
                                                   bytes({0x03, 0x30, 0x00})};
  for (const auto& payload : bad) {
    auto frame = decoder->decode(payload);
    REQUIRE_FALSE(frame.has_value());
    CHECK(frame.error().code == ErrorCode::MediaCodecFailed);
    CHECK_FALSE(decoder->decodeFec(payload).has_value());
  }
  const std::vector<std::byte> too_big(kMaxAudioPayloadBytes + 1, std::byte{0x08});
  CHECK_FALSE(decoder->decode(too_big).has_value());

  // Random bytes: whatever libopus makes of them, we get a frame or an error.
  std::mt19937 rng(1234);
  int errors = 0;
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::byte> payload(1 + rng() % 200);
    for (auto& b : payload)
      b = static_cast<std::byte>(rng());
    auto frame = (i % 2 == 0) ? decoder->decode(payload) : decoder->decodeFec(payload);
    if (!frame) {
      ++errors;
      CHECK(frame.error().code == ErrorCode::MediaCodecFailed);
    }
  }
  CHECK(errors > 0);

  // The decoder is still usable afterwards.
  auto encoder = OpusEncoder::create();
  REQUIRE(encoder.has_value());
  const auto packets = encodeAll(*encoder, tone(440, 5 * kAudioFrameSamples));
  for (const Packet& p : packets) {
    CHECK(decoder->decode(p).has_value());
  }
  const AudioFrame concealed = decoder->conceal();
  CHECK(concealed.size() == kAudioFrameSamples);
}

}  // namespace parley::media
