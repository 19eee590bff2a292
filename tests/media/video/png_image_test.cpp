#include "media/video/png_image.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>

#include "tests/media/video/desktop_image.h"
#include "tests/support/test_env.h"

namespace parley::media {
namespace {

std::filesystem::path tempPath(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("parley_png_" + std::to_string(testing::processId()) + "_" + name);
}

std::uint32_t crc32(const std::uint8_t* data, std::size_t size) {
  std::uint32_t crc = 0xffffffffU;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) {
      crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1U)));
    }
  }
  return ~crc;
}

void putBe32(std::vector<std::byte>& out, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    out[at + static_cast<std::size_t>(i)] = static_cast<std::byte>(v >> (24 - 8 * i));
  }
}

TEST_CASE("PNG round trip keeps every pixel, RGB and RGBA", "[video][png]") {
  for (PixelFormat format : {PixelFormat::Rgba, PixelFormat::Rgb24, PixelFormat::Bgra}) {
    PackedImage img = test::renderDesktop(320, 200, 0, false, format);
    const auto path = tempPath("round_trip.png");
    REQUIRE(writePng(path, img));
    auto back = readPng(path);
    std::filesystem::remove(path);
    REQUIRE(back);
    REQUIRE(back->width == 320);
    REQUIRE(back->height == 200);
    REQUIRE(back->format == PixelFormat::Rgba);
    const int bpp = bytesPerPixel(format);
    bool same = true;
    for (int i = 0; i < 320 * 200 && same; ++i) {
      const std::uint8_t* src = img.pixels.data() + i * bpp;
      const std::uint8_t* got = back->pixels.data() + i * 4;
      const std::uint8_t r = format == PixelFormat::Bgra ? src[2] : src[0];
      const std::uint8_t b = format == PixelFormat::Bgra ? src[0] : src[2];
      same = got[0] == r && got[1] == src[1] && got[2] == b && got[3] == 255;
    }
    CHECK(same);
  }
}

TEST_CASE("Bad PNG files give MediaFileInvalid, never a crash", "[video][png]") {
  PackedImage img = test::renderDesktop(64, 64);
  auto encoded = encodePng(img);
  REQUIRE(encoded);
  const std::vector<std::byte> good = *encoded;
  REQUIRE(decodePng(good));

  SECTION("not a PNG") {
    const std::vector<std::byte> junk(100, std::byte{0x42});
    CHECK(decodePng(junk).error().code == ErrorCode::MediaFileInvalid);
    CHECK(decodePng({}).error().code == ErrorCode::MediaFileInvalid);
  }
  SECTION("truncated at every length") {
    // Up to the IEND chunk (12 bytes): after it nothing is missing.
    for (std::size_t n = 0; n + 12 < good.size(); n += std::max<std::size_t>(1, good.size() / 97)) {
      auto r = decodePng(std::span<const std::byte>(good.data(), n));
      INFO("length " << n);
      CHECK_FALSE(r);
      if (!r) {
        CHECK(r.error().code == ErrorCode::MediaFileInvalid);
      }
    }
  }
  SECTION("corrupt image data (CRC and zlib)") {
    std::vector<std::byte> bad = good;
    for (std::size_t i = 60; i < bad.size() - 20; i += 7) {
      bad[i] ^= std::byte{0x5a};
    }
    CHECK(decodePng(bad).error().code == ErrorCode::MediaFileInvalid);
  }
  SECTION("absurd dimensions with a valid header CRC") {
    std::vector<std::byte> huge = good;
    // IHDR data starts at byte 16 (signature 8, length 4, type 4).
    putBe32(huge, 16, 100000);
    putBe32(huge, 20, 100000);
    const std::uint32_t crc =
        crc32(reinterpret_cast<const std::uint8_t*>(huge.data()) + 12, 4 + 13);
    putBe32(huge, 29, crc);
    auto r = decodePng(huge);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::MediaFileInvalid);
    CHECK(r.error().detail.find("out of range") != std::string::npos);
  }
  SECTION("missing file") {
    auto r = readPng(tempPath("does_not_exist.png"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::MediaFileInvalid);
  }
  SECTION("writing an inconsistent image") {
    PackedImage broken = PackedImage::allocate(10, 10, PixelFormat::Rgba);
    broken.pixels.resize(20);
    CHECK(encodePng(broken).error().code == ErrorCode::MediaUnsupported);
    CHECK(writePng("/nonexistent-dir/x.png", img).error().code == ErrorCode::MediaFileInvalid);
  }
}

}  // namespace
}  // namespace parley::media
