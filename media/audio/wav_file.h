#pragma once
// WAV (RIFF/WAVE) files: a bounded parser for untrusted files, conversion to
// Parley's 48 kHz mono int16, and WavWriter, which records 48 kHz mono int16.
// Used by the CLI (play a file into a room, record what the room says) and
// by tests. Plain functions are thread-safe; a WavWriter belongs to the one
// thread that writes it. None of this runs on the audio callback.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "core/base/result.h"

namespace parley::media {

// Largest file readWavAs48kMono() opens, and largest output it produces, so
// a hostile header cannot make us allocate without bound.
inline constexpr std::uint64_t kMaxWavFileBytes = std::uint64_t{1} << 30;  // 1 GiB
inline constexpr std::size_t kMaxWavOutputSamples = std::size_t{1} << 29;  // ~3 h at 48 kHz
inline constexpr int kMaxWavChannels = 32;
inline constexpr std::uint32_t kMinWavSampleRate = 1000;
inline constexpr std::uint32_t kMaxWavSampleRate = 768000;

enum class WavSampleFormat { PcmU8, PcmS16, PcmS24, PcmS32, Float32, Float64 };

// What parseWav() found. `data` points into the buffer given to parseWav()
// and holds `frames` whole interleaved sample frames (a trailing partial frame
// is ignored).
struct ParsedWav {
  WavSampleFormat format = WavSampleFormat::PcmS16;
  int channels = 0;
  std::uint32_t sample_rate = 0;
  std::size_t frames = 0;
  std::span<const std::byte> data;
};

// Parses a whole RIFF/WAVE file held in memory: walks the chunks with every
// size checked against what is present, reads "fmt " (PCM 8/16/24/32-bit,
// IEEE float 32/64-bit, WAVE_FORMAT_EXTENSIBLE of those), finds "data".
// Errors: MediaFileInvalid for a malformed or truncated file,
// MediaUnsupported for a well-formed file in a format we do not decode.
// A data chunk size of 0xFFFFFFFF (a writer that never finished) means "to
// the end of the file".
Result<ParsedWav> parseWav(std::span<const std::byte> file);

// Mixes the parsed samples down to mono floats in [-1, 1] (channel average),
// appending to `out`. Never fails; cannot see anything parseWav() did not check.
void appendMonoFloat(const ParsedWav& wav, std::size_t first_frame, std::size_t frame_count,
                     std::vector<float>& out);

// parseWav() + downmix + resample to 48 kHz (libswresample) + int16.
Result<std::vector<std::int16_t>> decodeWavAs48kMono(std::span<const std::byte> file);

// Reads `path` (at most kMaxWavFileBytes) and decodes it as above.
Result<std::vector<std::int16_t>> readWavAs48kMono(const std::filesystem::path& path);

// WavWriter: streams 48 kHz mono int16 samples to a new WAV file. Owned by
// whoever records; one thread. The header is written first with "unknown"
// sizes (0xFFFFFFFF, which parseWav() reads as "to end of file") and fixed on
// close() or destruction, so a recording cut short is still a readable file.
class WavWriter {
 public:
  // Creates or truncates `path`. MediaFileInvalid when it cannot be opened.
  static Result<WavWriter> create(const std::filesystem::path& path);

  WavWriter(WavWriter&&) noexcept = default;
  WavWriter& operator=(WavWriter&& other) noexcept;
  ~WavWriter();  // close(), errors ignored

  Result<void> write(std::span<const std::int16_t> samples);
  // Fixes the header sizes and closes the file. Idempotent.
  Result<void> close();

  [[nodiscard]] std::uint64_t samplesWritten() const { return data_bytes_ / 2; }
  [[nodiscard]] bool isOpen() const { return file_ != nullptr; }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const;
  };
  explicit WavWriter(std::unique_ptr<std::FILE, FileCloser> file);

  std::unique_ptr<std::FILE, FileCloser> file_;
  std::uint64_t data_bytes_ = 0;
};

}  // namespace parley::media
