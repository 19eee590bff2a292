#include "media/audio/wav_file.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <system_error>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
}

#include "media/audio/audio_format.h"

namespace parley::media {
namespace {

// fopen by path: Windows paths are wide, and its fopen would read them as
// the ANSI code page.
std::FILE* openFile(const std::filesystem::path& path, bool for_writing) {
#ifdef _WIN32
  return ::_wfopen(path.c_str(), for_writing ? L"wb" : L"rb");
#else
  return std::fopen(path.c_str(), for_writing ? "wb" : "rb");
#endif
}

static_assert(std::endian::native == std::endian::little,
              "WAV sample decoding assumes a little-endian host");

constexpr std::uint32_t kUnknownSize = 0xFFFFFFFFU;
constexpr std::uint16_t kFormatPcm = 0x0001;
constexpr std::uint16_t kFormatFloat = 0x0003;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;
// KSDATAFORMAT_SUBTYPE_* GUIDs share these 14 bytes after the 2-byte tag.
constexpr std::array<std::uint8_t, 14> kGuidTail = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                                    0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
constexpr std::size_t kChunkFrames = 4096;  // conversion batch, bounds scratch memory

std::uint16_t le16(std::span<const std::byte> b, std::size_t at) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(b[at]) |
                                    (std::to_integer<unsigned>(b[at + 1]) << 8U));
}

std::uint32_t le32(std::span<const std::byte> b, std::size_t at) {
  return std::to_integer<std::uint32_t>(b[at]) | (std::to_integer<std::uint32_t>(b[at + 1]) << 8U) |
         (std::to_integer<std::uint32_t>(b[at + 2]) << 16U) |
         (std::to_integer<std::uint32_t>(b[at + 3]) << 24U);
}

bool tagIs(std::span<const std::byte> b, std::size_t at, const char (&tag)[5]) {
  return std::memcmp(b.data() + at, tag, 4) == 0;
}

std::string chunkName(std::span<const std::byte> b, std::size_t at) {
  std::string name;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto c = std::to_integer<unsigned char>(b[at + i]);
    name += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  return name;
}

Unexpected invalid(std::string detail) {
  return makeError(ErrorCode::MediaFileInvalid, "WAV: " + std::move(detail));
}

Unexpected unsupported(std::string detail) {
  return makeError(ErrorCode::MediaUnsupported, "WAV: " + std::move(detail));
}

struct Format {
  WavSampleFormat format;
  int channels;
  std::uint32_t sample_rate;
  std::size_t block_align;
};

Result<Format> parseFmt(std::span<const std::byte> body) {
  if (body.size() < 16) {
    return invalid("fmt chunk is " + std::to_string(body.size()) + " bytes, needs 16");
  }
  std::uint16_t tag = le16(body, 0);
  const std::uint16_t channels = le16(body, 2);
  const std::uint32_t rate = le32(body, 4);
  const std::uint16_t block_align = le16(body, 12);
  const std::uint16_t bits = le16(body, 14);
  if (tag == kFormatExtensible) {
    if (body.size() < 40 || le16(body, 16) < 22) {
      return invalid("WAVE_FORMAT_EXTENSIBLE fmt chunk too short");
    }
    if (std::memcmp(body.data() + 26, kGuidTail.data(), kGuidTail.size()) != 0) {
      return unsupported("WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID");
    }
    tag = le16(body, 24);
  }
  if (channels == 0) {
    return invalid("fmt chunk declares 0 channels");
  }
  if (channels > kMaxWavChannels) {
    return unsupported(std::to_string(channels) + " channels (at most " +
                       std::to_string(kMaxWavChannels) + ")");
  }
  if (rate == 0) {
    return invalid("fmt chunk declares a sample rate of 0");
  }
  if (rate < kMinWavSampleRate || rate > kMaxWavSampleRate) {
    return unsupported("sample rate " + std::to_string(rate) + " Hz out of range");
  }
  WavSampleFormat format{};
  if (tag == kFormatPcm) {
    switch (bits) {
      case 8:
        format = WavSampleFormat::PcmU8;
        break;
      case 16:
        format = WavSampleFormat::PcmS16;
        break;
      case 24:
        format = WavSampleFormat::PcmS24;
        break;
      case 32:
        format = WavSampleFormat::PcmS32;
        break;
      default:
        return unsupported(std::to_string(bits) + "-bit integer PCM");
    }
  } else if (tag == kFormatFloat) {
    if (bits == 32) {
      format = WavSampleFormat::Float32;
    } else if (bits == 64) {
      format = WavSampleFormat::Float64;
    } else {
      return unsupported(std::to_string(bits) + "-bit float samples");
    }
  } else {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%04X", static_cast<unsigned>(tag));
    return unsupported(std::string("format tag ") + hex +
                       " (compressed or unknown; only PCM and IEEE float)");
  }
  const std::size_t expected_align = std::size_t{channels} * (bits / 8U);
  if (block_align != expected_align) {
    return invalid("block align " + std::to_string(block_align) + " does not match " +
                   std::to_string(channels) + " channels of " + std::to_string(bits) + " bits");
  }
  return Format{format, channels, rate, expected_align};
}

float sampleAt(WavSampleFormat format, const std::byte* p) {
  switch (format) {
    case WavSampleFormat::PcmU8:
      return (static_cast<float>(std::to_integer<int>(p[0])) - 128.0F) / 128.0F;
    case WavSampleFormat::PcmS16: {
      std::int16_t v;
      std::memcpy(&v, p, 2);
      return static_cast<float>(v) / 32768.0F;
    }
    case WavSampleFormat::PcmS24: {
      // Placed in the top 24 bits of an int32 so the sign comes for free.
      const std::uint32_t u = (std::to_integer<std::uint32_t>(p[0]) << 8U) |
                              (std::to_integer<std::uint32_t>(p[1]) << 16U) |
                              (std::to_integer<std::uint32_t>(p[2]) << 24U);
      return static_cast<float>(static_cast<double>(static_cast<std::int32_t>(u)) / 2147483648.0);
    }
    case WavSampleFormat::PcmS32: {
      std::int32_t v;
      std::memcpy(&v, p, 4);
      return static_cast<float>(static_cast<double>(v) / 2147483648.0);
    }
    case WavSampleFormat::Float32: {
      float v;
      std::memcpy(&v, p, 4);
      // Files in the wild hold NaN and values past full scale.
      return std::isfinite(v) ? std::clamp(v, -1.0F, 1.0F) : 0.0F;
    }
    case WavSampleFormat::Float64: {
      double v;
      std::memcpy(&v, p, 8);
      return std::isfinite(v) ? static_cast<float>(std::clamp(v, -1.0, 1.0)) : 0.0F;
    }
  }
  return 0.0F;
}

std::size_t bytesPerSample(WavSampleFormat format) {
  switch (format) {
    case WavSampleFormat::PcmU8:
      return 1;
    case WavSampleFormat::PcmS16:
      return 2;
    case WavSampleFormat::PcmS24:
      return 3;
    case WavSampleFormat::PcmS32:
    case WavSampleFormat::Float32:
      return 4;
    case WavSampleFormat::Float64:
      return 8;
  }
  return 1;
}

std::int16_t floatToS16(float v) {
  // The same 32768 scale as on input, so 16-bit samples survive unchanged.
  const float scaled = std::round(v * 32768.0F);
  return static_cast<std::int16_t>(std::clamp(scaled, -32768.0F, 32767.0F));
}

struct SwrFree {
  void operator()(SwrContext* ctx) const { swr_free(&ctx); }
};

Result<std::unique_ptr<SwrContext, SwrFree>> makeResampler(std::uint32_t in_rate) {
  AVChannelLayout mono;
  av_channel_layout_default(&mono, 1);
  SwrContext* raw = nullptr;
  int rc = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_S16, kAudioSampleRateHz, &mono,
                               AV_SAMPLE_FMT_FLT, static_cast<int>(in_rate), 0, nullptr);
  std::unique_ptr<SwrContext, SwrFree> ctx(raw);
  if (rc < 0 || !ctx) {
    return makeError(ErrorCode::MediaCodecFailed, "swresample: cannot configure resampler");
  }
  if (swr_init(ctx.get()) < 0) {
    return makeError(ErrorCode::MediaCodecFailed, "swresample: init failed");
  }
  return ctx;
}

}  // namespace

Result<ParsedWav> parseWav(std::span<const std::byte> file) {
  if (file.size() < 12) {
    return invalid("file is " + std::to_string(file.size()) + " bytes, too short for a header");
  }
  if (tagIs(file, 0, "RF64")) {
    return unsupported("RF64 (64-bit WAV) files");
  }
  if (!tagIs(file, 0, "RIFF") || !tagIs(file, 8, "WAVE")) {
    return invalid("not a RIFF/WAVE file");
  }
  // The RIFF size is often wrong (0 or 0xFFFFFFFF from streaming writers,
  // too large in files cut short), so chunks are bounded by the bytes
  // actually present instead and the RIFF size is not trusted at all.
  std::optional<Format> format;
  std::size_t pos = 12;
  while (file.size() - pos >= 8) {
    const std::uint32_t size = le32(file, pos + 4);
    const std::size_t body = pos + 8;
    const std::size_t remaining = file.size() - body;
    if (tagIs(file, pos, "data")) {
      if (!format) {
        return invalid("data chunk before fmt chunk");
      }
      std::size_t data_bytes = size;
      if (size == kUnknownSize) {
        data_bytes = remaining;
      } else if (size > remaining) {
        return invalid("truncated: data chunk declares " + std::to_string(size) +
                       " bytes, file holds " + std::to_string(remaining));
      }
      ParsedWav out;
      out.format = format->format;
      out.channels = format->channels;
      out.sample_rate = format->sample_rate;
      out.frames = data_bytes / format->block_align;
      out.data = file.subspan(body, out.frames * format->block_align);
      return out;
    }
    if (size > remaining) {
      return invalid("truncated: chunk '" + chunkName(file, pos) + "' declares " +
                     std::to_string(size) + " bytes, file holds " + std::to_string(remaining));
    }
    if (tagIs(file, pos, "fmt ")) {
      if (format) {
        return invalid("second fmt chunk");
      }
      auto parsed = parseFmt(file.subspan(body, size));
      if (!parsed) {
        return makeError(std::move(parsed).error());
      }
      format = *parsed;
    }
    // Chunks are padded to even sizes; a missing final pad byte is harmless.
    const std::size_t advance = std::size_t{size} + (size & 1U);
    if (advance >= remaining) {
      break;
    }
    pos = body + advance;
  }
  return invalid(format ? "no data chunk" : "no fmt chunk");
}

void appendMonoFloat(const ParsedWav& wav, std::size_t first_frame, std::size_t frame_count,
                     std::vector<float>& out) {
  if (wav.channels <= 0 || first_frame >= wav.frames) {
    return;
  }
  frame_count = std::min(frame_count, wav.frames - first_frame);
  const std::size_t sample_bytes = bytesPerSample(wav.format);
  const std::size_t frame_bytes = sample_bytes * static_cast<std::size_t>(wav.channels);
  if (wav.data.size() < (first_frame + frame_count) * frame_bytes) {
    return;  // not from parseWav(); refuse rather than read past the span
  }
  const float scale = 1.0F / static_cast<float>(wav.channels);
  const std::byte* p = wav.data.data() + first_frame * frame_bytes;
  for (std::size_t f = 0; f < frame_count; ++f) {
    float sum = 0.0F;
    for (int c = 0; c < wav.channels; ++c) {
      sum += sampleAt(wav.format, p);
      p += sample_bytes;
    }
    out.push_back(sum * scale);
  }
}

Result<std::vector<std::int16_t>> decodeWavAs48kMono(std::span<const std::byte> file) {
  auto parsed = parseWav(file);
  if (!parsed) {
    return makeError(std::move(parsed).error());
  }
  const ParsedWav& wav = *parsed;
  const std::uint64_t expected_out =
      static_cast<std::uint64_t>(wav.frames) * kAudioSampleRateHz / wav.sample_rate + 1;
  if (expected_out > kMaxWavOutputSamples) {
    return unsupported("decoded audio would be " + std::to_string(expected_out) +
                       " samples, more than the limit");
  }
  std::vector<std::int16_t> out;
  out.reserve(static_cast<std::size_t>(expected_out) + 64);
  std::vector<float> mono;
  mono.reserve(kChunkFrames);

  if (wav.sample_rate == static_cast<std::uint32_t>(kAudioSampleRateHz)) {
    for (std::size_t f = 0; f < wav.frames; f += kChunkFrames) {
      mono.clear();
      appendMonoFloat(wav, f, kChunkFrames, mono);
      std::transform(mono.begin(), mono.end(), std::back_inserter(out), floatToS16);
    }
    return out;
  }

  auto resampler = makeResampler(wav.sample_rate);
  if (!resampler) {
    return makeError(std::move(resampler).error());
  }
  SwrContext* swr = resampler->get();
  auto convert = [&](const float* in, int in_count) -> Result<void> {
    const int capacity = swr_get_out_samples(swr, in_count);
    if (capacity < 0) {
      return makeError(ErrorCode::MediaCodecFailed, "swresample: cannot size output");
    }
    const std::size_t old_size = out.size();
    out.resize(old_size + static_cast<std::size_t>(capacity));
    auto* dst = reinterpret_cast<std::uint8_t*>(out.data() + old_size);
    const auto* src = reinterpret_cast<const std::uint8_t*>(in);
    const int n = swr_convert(swr, &dst, capacity, in ? &src : nullptr, in_count);
    if (n < 0) {
      return makeError(ErrorCode::MediaCodecFailed, "swresample: convert failed");
    }
    out.resize(old_size + static_cast<std::size_t>(n));
    return {};
  };
  for (std::size_t f = 0; f < wav.frames; f += kChunkFrames) {
    mono.clear();
    appendMonoFloat(wav, f, kChunkFrames, mono);
    if (auto r = convert(mono.data(), static_cast<int>(mono.size())); !r) {
      return makeError(std::move(r).error());
    }
  }
  // Drains the samples still inside the filter.
  if (auto r = convert(nullptr, 0); !r) {
    return makeError(std::move(r).error());
  }
  return out;
}

Result<std::vector<std::int16_t>> readWavAs48kMono(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return invalid("cannot read " + path.string() + ": " + ec.message());
  }
  if (size > kMaxWavFileBytes) {
    return invalid(path.string() + " is " + std::to_string(size) + " bytes, more than 1 GiB");
  }
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(openFile(path, false));
  if (!file) {
    return invalid("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  const std::size_t got = std::fread(bytes.data(), 1, bytes.size(), file.get());
  // A file that shrank while we read it is parsed as what we got.
  bytes.resize(got);
  return decodeWavAs48kMono(bytes);
}

// --- WavWriter ---

namespace {

void putLe16(unsigned char* p, std::uint16_t v) {
  p[0] = static_cast<unsigned char>(v & 0xFFU);
  p[1] = static_cast<unsigned char>(v >> 8U);
}

void putLe32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    p[i] = static_cast<unsigned char>((v >> (8 * i)) & 0xFFU);
  }
}

constexpr std::size_t kHeaderBytes = 44;
// Data must fit the 32-bit RIFF size along with the 36 header bytes it counts.
constexpr std::uint64_t kMaxDataBytes = 0xFFFFFFFFULL - 36 - 1;

std::array<unsigned char, kHeaderBytes> makeHeader(std::uint32_t riff_size,
                                                   std::uint32_t data_size) {
  std::array<unsigned char, kHeaderBytes> h{};
  std::memcpy(h.data(), "RIFF", 4);
  putLe32(h.data() + 4, riff_size);
  std::memcpy(h.data() + 8, "WAVEfmt ", 8);
  putLe32(h.data() + 16, 16);
  putLe16(h.data() + 20, kFormatPcm);
  putLe16(h.data() + 22, 1);
  putLe32(h.data() + 24, kAudioSampleRateHz);
  putLe32(h.data() + 28, kAudioSampleRateHz * 2);
  putLe16(h.data() + 32, 2);
  putLe16(h.data() + 34, 16);
  std::memcpy(h.data() + 36, "data", 4);
  putLe32(h.data() + 40, data_size);
  return h;
}

}  // namespace

void WavWriter::FileCloser::operator()(std::FILE* file) const { std::fclose(file); }

WavWriter::WavWriter(std::unique_ptr<std::FILE, FileCloser> file) : file_(std::move(file)) {}

WavWriter& WavWriter::operator=(WavWriter&& other) noexcept {
  if (this != &other) {
    (void)close();
    file_ = std::move(other.file_);
    data_bytes_ = other.data_bytes_;
  }
  return *this;
}

WavWriter::~WavWriter() { (void)close(); }

Result<WavWriter> WavWriter::create(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, FileCloser> file(openFile(path, true));
  if (!file) {
    return invalid("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  const auto header = makeHeader(kUnknownSize, kUnknownSize);
  if (std::fwrite(header.data(), 1, header.size(), file.get()) != header.size()) {
    return invalid("cannot write header to " + path.string());
  }
  return WavWriter(std::move(file));
}

Result<void> WavWriter::write(std::span<const std::int16_t> samples) {
  if (!file_) {
    return invalid("write after close");
  }
  if (data_bytes_ + samples.size() * 2 > kMaxDataBytes) {
    return unsupported("recording longer than a WAV file can hold (4 GiB)");
  }
  std::array<unsigned char, 4096> buffer;
  while (!samples.empty()) {
    const std::size_t n = std::min(samples.size(), buffer.size() / 2);
    for (std::size_t i = 0; i < n; ++i) {
      putLe16(buffer.data() + 2 * i, static_cast<std::uint16_t>(samples[i]));
    }
    if (std::fwrite(buffer.data(), 1, 2 * n, file_.get()) != 2 * n) {
      return invalid(std::string("write failed: ") + std::strerror(errno));
    }
    data_bytes_ += 2 * n;
    samples = samples.subspan(n);
  }
  return {};
}

Result<void> WavWriter::close() {
  if (!file_) {
    return {};
  }
  std::unique_ptr<std::FILE, FileCloser> file = std::move(file_);
  const auto header = makeHeader(static_cast<std::uint32_t>(36 + data_bytes_),
                                 static_cast<std::uint32_t>(data_bytes_));
  if (std::fseek(file.get(), 0, SEEK_SET) != 0 ||
      std::fwrite(header.data(), 1, header.size(), file.get()) != header.size()) {
    return invalid(std::string("cannot fix header: ") + std::strerror(errno));
  }
  std::FILE* raw = file.release();
  if (std::fclose(raw) != 0) {
    return invalid(std::string("close failed: ") + std::strerror(errno));
  }
  return {};
}

}  // namespace parley::media
