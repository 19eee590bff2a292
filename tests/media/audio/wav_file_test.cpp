// WAV parsing (bounded chunk walk, formats, errors), resampling to 48 kHz
// mono, and WavWriter's header fix-up.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "media/audio/speech_metrics.h"
#include "media/audio/wav_file.h"
#include "tests/support/test_dir.h"
#include "tests/support/test_env.h"

namespace parley::media {
namespace {

constexpr double kPi = 3.14159265358979323846;
namespace fs = std::filesystem;

class Bytes {
 public:
  Bytes& tag(const char* t) {
    for (int i = 0; i < 4; ++i)
      data_.push_back(static_cast<std::byte>(t[i]));
    return *this;
  }
  Bytes& u16(std::uint32_t v) {
    data_.push_back(static_cast<std::byte>(v & 0xFF));
    data_.push_back(static_cast<std::byte>((v >> 8) & 0xFF));
    return *this;
  }
  Bytes& u32(std::uint32_t v) { return u16(v & 0xFFFF).u16(v >> 16); }
  Bytes& raw(const std::vector<std::byte>& b) {
    data_.insert(data_.end(), b.begin(), b.end());
    return *this;
  }
  std::vector<std::byte>& data() { return data_; }

 private:
  std::vector<std::byte> data_;
};

struct Fmt {
  std::uint16_t tag = 1;
  std::uint16_t channels = 1;
  std::uint32_t rate = 48000;
  std::uint16_t bits = 16;
  int block_align = -1;  // computed when negative
};

std::vector<std::byte> fmtChunk(const Fmt& f) {
  const std::uint16_t align = f.block_align >= 0
                                  ? static_cast<std::uint16_t>(f.block_align)
                                  : static_cast<std::uint16_t>(f.channels * f.bits / 8);
  Bytes b;
  b.tag("fmt ")
      .u32(16)
      .u16(f.tag)
      .u16(f.channels)
      .u32(f.rate)
      .u32(f.rate * align)
      .u16(align)
      .u16(f.bits);
  return b.data();
}

std::vector<std::byte> wav(const Fmt& f, const std::vector<std::byte>& samples,
                           const std::vector<std::byte>& extra_before_data = {}) {
  Bytes b;
  const std::vector<std::byte> fmt = fmtChunk(f);
  b.tag("RIFF").u32(
      static_cast<std::uint32_t>(4 + fmt.size() + extra_before_data.size() + 8 + samples.size()));
  b.tag("WAVE").raw(fmt).raw(extra_before_data);
  b.tag("data").u32(static_cast<std::uint32_t>(samples.size())).raw(samples);
  return b.data();
}

std::vector<std::byte> s16Bytes(const std::vector<std::int16_t>& samples) {
  Bytes b;
  for (std::int16_t s : samples)
    b.u16(static_cast<std::uint16_t>(s));
  return b.data();
}

std::vector<std::int16_t> sine(double hz, double rate, std::size_t n, double amp = 12000) {
  std::vector<std::int16_t> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = static_cast<std::int16_t>(std::lround(amp * std::sin(2 * kPi * hz * i / rate)));
  }
  return out;
}

// Frequency from sign changes: two per period.
double zeroCrossingHz(std::span<const std::int16_t> s, double rate) {
  int crossings = 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    crossings += ((s[i - 1] < 0) != (s[i] < 0)) ? 1 : 0;
  }
  return crossings / 2.0 / (static_cast<double>(s.size()) / rate);
}

using parley::testing::TempDir;

std::vector<std::byte> readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(chars.size());
  std::memcpy(out.data(), chars.data(), chars.size());
  return out;
}

std::uint32_t le32At(const std::vector<std::byte>& b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = (v << 8) | std::to_integer<std::uint32_t>(b[at + i]);
  return v;
}

}  // namespace

TEST_CASE("wav: WavWriter output reads back sample for sample", "[wav]") {
  TempDir dir;
  const auto path = dir.file("round_trip.wav");
  const auto samples = sine(440, 48000, 48000);
  {
    auto writer = WavWriter::create(path);
    REQUIRE(writer.has_value());
    // Several writes, as a recorder does frame by frame.
    std::span<const std::int16_t> rest(samples);
    while (!rest.empty()) {
      const std::size_t n = std::min<std::size_t>(rest.size(), 7777);
      REQUIRE(writer->write(rest.first(n)).has_value());
      rest = rest.subspan(n);
    }
    CHECK(writer->samplesWritten() == samples.size());
    REQUIRE(writer->close().has_value());
    CHECK_FALSE(writer->isOpen());
    CHECK(writer->close().has_value());  // idempotent
  }
  const auto bytes = readAll(path);
  REQUIRE(bytes.size() == 44 + 2 * samples.size());
  CHECK(le32At(bytes, 4) == 36 + 2 * samples.size());
  CHECK(le32At(bytes, 40) == 2 * samples.size());

  auto back = readWavAs48kMono(path);
  REQUIRE(back.has_value());
  CHECK(*back == samples);
}

TEST_CASE("wav: a recording cut short is still a valid file", "[wav]") {
  TempDir dir;
  const auto samples = sine(300, 48000, 4800);
  SECTION("destructor fixes the header") {
    const auto path = dir.file("dtor.wav");
    {
      auto writer = WavWriter::create(path);
      REQUIRE(writer.has_value());
      REQUIRE(writer->write(samples).has_value());
    }
    auto back = readWavAs48kMono(path);
    REQUIRE(back.has_value());
    CHECK(*back == samples);
    CHECK(le32At(readAll(path), 40) == 2 * samples.size());
  }
  SECTION("header never fixed (process killed): sizes are 0xFFFFFFFF, read to end") {
    Bytes b;
    b.tag("RIFF").u32(0xFFFFFFFF).tag("WAVE").raw(fmtChunk({}));
    b.tag("data").u32(0xFFFFFFFF).raw(s16Bytes(samples));
    b.data().push_back(std::byte{0x12});  // half a sample: ignored
    auto back = decodeWavAs48kMono(b.data());
    REQUIRE(back.has_value());
    CHECK(*back == samples);
  }
}

TEST_CASE("wav: 22050 Hz stereo is downmixed and resampled to 48 kHz", "[wav]") {
  const auto left = sine(1000, 22050, 22050);
  std::vector<std::int16_t> interleaved;
  for (std::int16_t s : left) {
    interleaved.push_back(s);
    interleaved.push_back(s);
  }
  auto out = decodeWavAs48kMono(wav({.channels = 2, .rate = 22050}, s16Bytes(interleaved)));
  REQUIRE(out.has_value());
  // One second in, one second out (within the resampler's edges).
  CHECK(std::abs(static_cast<long>(out->size()) - 48000) < 100);
  // Frequency kept: zero crossings, away from the filter's start-up.
  const std::span<const std::int16_t> middle(out->data() + 2400, 43200);
  CHECK(zeroCrossingHz(middle, 48000) == Approx(1000).epsilon(0.01));
  // And the waveform matches a 1 kHz sine generated at 48 kHz.
  const auto expected = sine(1000, 48000, 48000);
  const Alignment a =
      bestAlignment(std::span<const std::int16_t>(expected.data() + 2400, 43200), middle, 480);
  CHECK(a.correlation > 0.99);
  CHECK(std::abs(rms(middle) - rms(std::span<const std::int16_t>(expected))) < 300);

  SECTION("opposite channels cancel in the downmix") {
    std::vector<std::int16_t> opposite;
    for (std::int16_t s : left) {
      opposite.push_back(s);
      opposite.push_back(static_cast<std::int16_t>(-s));
    }
    auto mixed = decodeWavAs48kMono(wav({.channels = 2, .rate = 22050}, s16Bytes(opposite)));
    REQUIRE(mixed.has_value());
    CHECK(rms(*mixed) < 2.0);
  }
}

TEST_CASE("wav: 8-bit, 24-bit, 32-bit float and extensible formats decode", "[wav]") {
  SECTION("8-bit unsigned") {
    std::vector<std::byte> data = {std::byte{128}, std::byte{255}, std::byte{0}, std::byte{192}};
    auto out = decodeWavAs48kMono(wav({.bits = 8}, data));
    REQUIRE(out.has_value());
    CHECK(*out == std::vector<std::int16_t>{0, 32512, -32768, 16384});
  }
  SECTION("24-bit signed") {
    Bytes b;  // +0.5, -0.5, -1 full scale
    b.u16(0x0000).raw({std::byte{0x40}}).u16(0x0000).raw({std::byte{0xC0}});
    b.u16(0x0000).raw({std::byte{0x80}});
    auto out = decodeWavAs48kMono(wav({.bits = 24}, b.data()));
    REQUIRE(out.has_value());
    CHECK(*out == std::vector<std::int16_t>{16384, -16384, -32768});
  }
  SECTION("32-bit float, out-of-range and NaN samples tamed") {
    const float values[] = {0.25F, -0.5F, 3.0F, std::nanf("")};
    std::vector<std::byte> data(sizeof values);
    std::memcpy(data.data(), values, sizeof values);
    auto out = decodeWavAs48kMono(wav({.tag = 3, .bits = 32}, data));
    REQUIRE(out.has_value());
    CHECK(*out == std::vector<std::int16_t>{8192, -16384, 32767, 0});
  }
  SECTION("WAVE_FORMAT_EXTENSIBLE with the PCM sub-format, and an odd chunk before data") {
    Bytes b;
    b.tag("RIFF").u32(0).tag("WAVE");
    b.tag("fmt ").u32(40).u16(0xFFFE).u16(1).u32(48000).u32(96000).u16(2).u16(16);
    b.u16(22).u16(16).u32(4).u16(1);  // cbSize, valid bits, channel mask, sub-format tag
    for (int v :
         {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}) {
      b.raw({static_cast<std::byte>(v)});
    }
    b.tag("LIST").u32(3).raw({std::byte{1}, std::byte{2}, std::byte{3}, std::byte{0}});
    b.tag("data").u32(4).u16(1000).u16(0xFFFF);
    auto out = decodeWavAs48kMono(b.data());
    REQUIRE(out.has_value());
    CHECK(*out == std::vector<std::int16_t>{1000, -1});
  }
}

TEST_CASE("wav: malformed and unsupported files give clear errors", "[wav]") {
  const auto pcm = s16Bytes(sine(440, 48000, 480));
  struct Bad {
    const char* name;
    std::vector<std::byte> file;
    ErrorCode code;
    const char* detail;  // must appear in the message
  };
  auto truncated = wav({}, pcm);
  // erase, not resize: GCC 12 at -O1 cannot see that size() >= 100 here and
  // reports resize's fill as a huge memset (-Wstringop-overflow).
  truncated.erase(truncated.end() - 100, truncated.end());
  auto huge_chunk = [&] {
    Bytes b;
    b.tag("RIFF").u32(100).tag("WAVE").raw(fmtChunk({})).tag("LIST").u32(0x7FFFFFF0).u32(0);
    return b.data();
  }();
  auto data_first = [&] {
    Bytes b;
    b.tag("RIFF").u32(100).tag("WAVE").tag("data").u32(4).u32(0).raw(fmtChunk({}));
    return b.data();
  }();
  auto no_data = [&] {
    Bytes b;
    b.tag("RIFF").u32(100).tag("WAVE").raw(fmtChunk({}));
    return b.data();
  }();
  auto short_fmt = [&] {
    Bytes b;
    b.tag("RIFF").u32(100).tag("WAVE").tag("fmt ").u32(8).u32(0).u32(0).tag("data").u32(0);
    return b.data();
  }();
  const std::vector<Bad> cases = {
      {"empty", {}, ErrorCode::MediaFileInvalid, "too short"},
      {"not RIFF", std::vector<std::byte>(64, std::byte{'x'}), ErrorCode::MediaFileInvalid,
       "not a RIFF"},
      {"truncated data", truncated, ErrorCode::MediaFileInvalid, "truncated"},
      {"chunk size past the end", huge_chunk, ErrorCode::MediaFileInvalid, "truncated"},
      {"data before fmt", data_first, ErrorCode::MediaFileInvalid, "before fmt"},
      {"no data chunk", no_data, ErrorCode::MediaFileInvalid, "no data"},
      {"short fmt chunk", short_fmt, ErrorCode::MediaFileInvalid, "fmt chunk"},
      {"zero channels", wav({.channels = 0}, pcm), ErrorCode::MediaFileInvalid, "0 channels"},
      {"zero rate", wav({.rate = 0}, pcm), ErrorCode::MediaFileInvalid, "sample rate"},
      {"absurd rate", wav({.rate = 4000000}, pcm), ErrorCode::MediaUnsupported, "sample rate"},
      {"too many channels", wav({.channels = 300}, pcm), ErrorCode::MediaUnsupported, "channels"},
      {"bad block align", wav({.block_align = 3}, pcm), ErrorCode::MediaFileInvalid, "block align"},
      {"ADPCM", wav({.tag = 2, .bits = 4}, pcm), ErrorCode::MediaUnsupported, "format tag 0x0002"},
      {"12-bit PCM", wav({.bits = 12, .block_align = 2}, pcm), ErrorCode::MediaUnsupported,
       "12-bit"},
      {"16-bit float", wav({.tag = 3, .bits = 16}, pcm), ErrorCode::MediaUnsupported, "float"},
  };
  for (const Bad& c : cases) {
    INFO(c.name);
    auto r = decodeWavAs48kMono(c.file);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == c.code);
    CHECK_THAT(r.error().detail, Catch::Contains(c.detail));
  }
}

TEST_CASE("wav: files over 1 GiB and missing files are refused before reading", "[wav]") {
  TempDir dir;
  const auto big = dir.file("big.wav");
  { std::ofstream(big, std::ios::binary) << "RIFF"; }
  fs::resize_file(big, kMaxWavFileBytes + 1);  // sparse: costs no disk
  auto r = readWavAs48kMono(big);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == ErrorCode::MediaFileInvalid);
  CHECK_THAT(r.error().detail, Catch::Contains("1 GiB"));

  auto missing = readWavAs48kMono(dir.file("missing.wav"));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == ErrorCode::MediaFileInvalid);

  auto unwritable = WavWriter::create(dir.file("no/such/dir/out.wav"));
  CHECK_FALSE(unwritable.has_value());
}

TEST_CASE("wav: real speech from espeak-ng resamples cleanly", "[wav][.espeak]") {
  // Tagged hidden: needs espeak-ng on the machine. Run with [espeak].
  TempDir dir;
  const auto path = dir.file("speech.wav");
  const std::string cmd = "espeak-ng -w '" + path.string() + "' 'Parley voice test' 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto out = readWavAs48kMono(path);
  REQUIRE(out.has_value());
  CHECK(out->size() > 48000 / 2);
  CHECK(rmsDbfs(*out) > -40.0);
}

}  // namespace parley::media
