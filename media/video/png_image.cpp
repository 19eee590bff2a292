#include "media/video/png_image.h"

#include <png.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

namespace parley::media {
namespace {

// libpng's simplified API (png_image_*) reports errors through the
// png_image rather than longjmp, which would skip C++ destructors.
struct PngImageGuard {
  png_image image{};
  PngImageGuard() {
    image.version = PNG_IMAGE_VERSION;
    image.opaque = nullptr;
  }
  PngImageGuard(const PngImageGuard&) = delete;
  PngImageGuard& operator=(const PngImageGuard&) = delete;
  ~PngImageGuard() { png_image_free(&image); }
};

Unexpected invalid(const std::string& what, const png_image& image) {
  return makeError(ErrorCode::MediaFileInvalid, "PNG " + what + ": " + image.message);
}

}  // namespace

Result<PackedImage> decodePng(std::span<const std::byte> file) {
  static constexpr std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (file.size() < sizeof(kSignature) ||
      std::memcmp(file.data(), kSignature, sizeof(kSignature)) != 0) {
    return makeError(ErrorCode::MediaFileInvalid, "not a PNG file (bad signature)");
  }
  PngImageGuard png;
  if (png_image_begin_read_from_memory(&png.image, file.data(), file.size()) == 0) {
    return invalid("header", png.image);
  }
  if (png.image.width < 1 || png.image.height < 1 ||
      png.image.width > static_cast<png_uint_32>(kMaxVideoDimension) ||
      png.image.height > static_cast<png_uint_32>(kMaxVideoDimension)) {
    return makeError(ErrorCode::MediaFileInvalid,
                     "PNG size out of range (at most " + std::to_string(kMaxVideoDimension) +
                         " each way): " + std::to_string(png.image.width) + "x" +
                         std::to_string(png.image.height));
  }
  png.image.format = PNG_FORMAT_RGBA;
  PackedImage image = PackedImage::allocate(static_cast<int>(png.image.width),
                                            static_cast<int>(png.image.height), PixelFormat::Rgba);
  if (png_image_finish_read(&png.image, nullptr, image.pixels.data(), image.stride(), nullptr) ==
      0) {
    return invalid("data", png.image);
  }
  return image;
}

Result<PackedImage> readPng(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return makeError(ErrorCode::MediaFileInvalid,
                     "cannot open PNG file " + path.string() + ": " + ec.message());
  }
  if (size > kMaxPngFileBytes) {
    return makeError(ErrorCode::MediaFileInvalid,
                     "PNG file too large (" + std::to_string(size) + " bytes): " + path.string());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(ErrorCode::MediaFileInvalid, "cannot open PNG file " + path.string());
  }
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size())) {
    return makeError(ErrorCode::MediaFileInvalid, "cannot read PNG file " + path.string());
  }
  auto image = decodePng(bytes);
  if (!image) {
    Error e = std::move(image).error();
    e.detail += " (" + path.string() + ")";
    return makeError(std::move(e));
  }
  return image;
}

Result<std::vector<std::byte>> encodePng(const PackedImage& image) {
  if (image.width < 1 || image.height < 1 || image.width > kMaxVideoDimension ||
      image.height > kMaxVideoDimension ||
      image.pixels.size() <
          static_cast<std::size_t>(image.stride()) * static_cast<std::size_t>(image.height)) {
    return makeError(ErrorCode::MediaUnsupported, "PNG encode: empty or inconsistent image");
  }
  PngImageGuard png;
  png.image.width = static_cast<png_uint_32>(image.width);
  png.image.height = static_cast<png_uint_32>(image.height);
  switch (image.format) {
    case PixelFormat::Rgb24:
      png.image.format = PNG_FORMAT_RGB;
      break;
    case PixelFormat::Rgba:
      png.image.format = PNG_FORMAT_RGBA;
      break;
    case PixelFormat::Bgra:
      png.image.format = PNG_FORMAT_BGRA;
      break;
  }
  // First call measures, second writes (the documented two-pass use).
  png_alloc_size_t size = 0;
  if (png_image_write_to_memory(&png.image, nullptr, &size, 0, image.pixels.data(), image.stride(),
                                nullptr) == 0) {
    return makeError(ErrorCode::MediaUnsupported, std::string("PNG encode: ") + png.image.message);
  }
  std::vector<std::byte> out(size);
  if (png_image_write_to_memory(&png.image, out.data(), &size, 0, image.pixels.data(),
                                image.stride(), nullptr) == 0) {
    return makeError(ErrorCode::MediaUnsupported, std::string("PNG encode: ") + png.image.message);
  }
  out.resize(size);
  return out;
}

Result<void> writePng(const std::filesystem::path& path, const PackedImage& image) {
  auto bytes = encodePng(image);
  if (!bytes) {
    return makeError(std::move(bytes).error());
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    return makeError(ErrorCode::MediaFileInvalid, "cannot create PNG file " + path.string());
  }
  out.write(reinterpret_cast<const char*>(bytes->data()),
            static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) {
    return makeError(ErrorCode::MediaFileInvalid, "cannot write PNG file " + path.string());
  }
  return {};
}

}  // namespace parley::media
