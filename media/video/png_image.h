#pragma once
// PNG files: reading (any PNG libpng understands, into 8-bit RGBA) and
// writing RGB, RGBA or BGRA images. Used by the `file:IMAGE.png` screen share
// source, by `parley-cli --dump-video` and by tests. Files are untrusted:
// every size is bounded before anything is allocated, and a truncated or
// corrupt file gives MediaFileInvalid. Plain functions, thread-safe (libpng's
// simplified API keeps its state per call).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "core/base/result.h"
#include "media/video/frame_convert.h"  // PackedImage

namespace parley::media {

// Largest file readPng() opens. An 8192x8192 RGBA PNG of noise is ~256 MiB.
inline constexpr std::uint64_t kMaxPngFileBytes = std::uint64_t{300} << 20;

// Decodes a PNG held in memory into RGBA (palette, grey, 16-bit and
// interlaced files are converted; gamma is left alone). Errors:
// MediaFileInvalid for a malformed or truncated file or one larger than
// kMaxVideoDimension either way.
Result<PackedImage> decodePng(std::span<const std::byte> file);

// Reads `path` (at most kMaxPngFileBytes) and decodes it as above.
Result<PackedImage> readPng(const std::filesystem::path& path);

// Encodes `image` as an 8-bit RGB or RGBA PNG (Bgra is written as RGBA).
// Fails with MediaUnsupported for an empty image or inconsistent pixels.
Result<std::vector<std::byte>> encodePng(const PackedImage& image);

// encodePng() and writes the file (replacing it); MediaFileInvalid when the
// file cannot be written.
Result<void> writePng(const std::filesystem::path& path, const PackedImage& image);

}  // namespace parley::media
