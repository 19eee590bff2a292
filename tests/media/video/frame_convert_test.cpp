#include "media/video/frame_convert.h"

#include <catch2/catch.hpp>

#include "media/video/video_frame.h"
#include "media/video/video_quality.h"
#include "tests/media/video/desktop_image.h"

namespace parley::media {
namespace {

TEST_CASE("VideoFrame allocates aligned planes, moves cheaply and clones explicitly",
          "[video][frame]") {
  auto frame = VideoFrame::create(641, 361, std::chrono::microseconds(5));
  REQUIRE(frame);
  CHECK(frame->chromaWidth() == 321);
  CHECK(frame->chromaHeight() == 181);
  CHECK(frame->stride(Plane::Y) >= 641);
  CHECK(frame->stride(Plane::Y) % 64 == 0);
  for (Plane p : {Plane::Y, Plane::U, Plane::V}) {
    CHECK(reinterpret_cast<std::uintptr_t>(frame->data(p)) % 64 == 0);
  }
  frame->fill(10, 20, 30);
  const std::uint8_t* y = frame->data(Plane::Y);
  VideoFrame moved = std::move(frame).value();
  CHECK(moved.data(Plane::Y) == y);  // no copy
  VideoFrame copy = moved.clone();
  CHECK(copy.data(Plane::Y) != y);
  CHECK(copy.timestamp() == std::chrono::microseconds(5));
  CHECK(copy.row(Plane::V, 180)[320] == 30);
  auto same = psnr(moved, copy);
  REQUIRE(same);
  CHECK(same->total == kMaxPsnrDb);

  CHECK(VideoFrame::create(0, 10).error().code == ErrorCode::MediaUnsupported);
  CHECK(VideoFrame::create(10, kMaxVideoDimension + 1).error().code == ErrorCode::MediaUnsupported);
}

TEST_CASE("PSNR follows the mean squared error", "[video][quality]") {
  auto a = VideoFrame::create(64, 64);
  auto b = VideoFrame::create(64, 64);
  REQUIRE(a);
  REQUIRE(b);
  a->fill(100, 128, 128);
  b->fill(110, 128, 128);  // error 10 on every luma sample: MSE 100
  auto p = psnr(*a, *b);
  REQUIRE(p);
  CHECK(p->y == Approx(10 * std::log10(255.0 * 255.0 / 100.0)).epsilon(1e-9));
  CHECK(p->u == kMaxPsnrDb);
  CHECK(p->total > p->y);
  auto c = VideoFrame::create(32, 64);
  REQUIRE(c);
  CHECK(psnr(*a, *c).error().code == ErrorCode::MediaUnsupported);
}

TEST_CASE("RGB to I420 uses BT.601 limited range for every packed format", "[video][convert]") {
  FrameConverter converter;
  for (PixelFormat format : {PixelFormat::Rgba, PixelFormat::Bgra, PixelFormat::Rgb24}) {
    PackedImage img = PackedImage::allocate(64, 48, format);
    test::fillRect(img, 0, 0, 64, 48, 200, 40, 90);
    auto frame = converter.toI420(view(img));
    REQUIRE(frame);
    const Yuv expected = rgbToYuv(200, 40, 90);
    CHECK(std::abs(frame->row(Plane::Y, 10)[10] - expected.y) <= 1);
    CHECK(std::abs(frame->row(Plane::U, 10)[10] - expected.u) <= 1);
    CHECK(std::abs(frame->row(Plane::V, 10)[10] - expected.v) <= 1);
  }
  CHECK(converter.cachedContextCountForTest() == 3);
}

TEST_CASE("RGB round trip through I420 keeps a desktop readable", "[video][convert]") {
  FrameConverter converter;
  PackedImage desktop = test::renderDesktop(1280, 720);
  auto frame = converter.toI420(view(desktop));
  REQUIRE(frame);
  auto rgb_psnr = psnrRgb(desktop, *frame);
  REQUIRE(rgb_psnr);
  // Only 4:2:0 chroma subsampling (of coloured edges) is lost.
  CHECK(*rgb_psnr > 30.0);
  auto back = converter.fromI420(*frame, PixelFormat::Rgba);
  REQUIRE(back);
  CHECK(back->width == 1280);
  CHECK(back->format == PixelFormat::Rgba);
  CHECK(back->pixels[3] == 255);

  // Grey content has no chroma to lose: nearly exact.
  PackedImage grey = PackedImage::allocate(320, 240, PixelFormat::Rgb24);
  test::fillRect(grey, 0, 0, 320, 240, 255, 255, 255);
  test::drawText(grey, 4, 4, "grey text survives the trip", 1, 0, 0, 0);
  auto grey_frame = converter.toI420(view(grey));
  REQUIRE(grey_frame);
  auto grey_psnr = psnrRgb(grey, *grey_frame);
  REQUIRE(grey_psnr);
  CHECK(*grey_psnr > 40.0);

  // The contexts are reused: converting the same shapes again adds none.
  const std::size_t cached = converter.cachedContextCountForTest();
  REQUIRE(converter.toI420(view(desktop)));
  CHECK(converter.cachedContextCountForTest() == cached);
}

TEST_CASE("I420 scaling makes a smaller layer with the same picture", "[video][convert]") {
  FrameConverter converter;
  PackedImage desktop = test::renderDesktop(1920, 1080);
  auto full = converter.toI420(view(desktop));
  REQUIRE(full);
  full->setTimestamp(std::chrono::microseconds(1234));
  auto half = converter.scale(*full, 960, 540);
  REQUIRE(half);
  CHECK(half->width() == 960);
  CHECK(half->height() == 540);
  CHECK(half->timestamp() == std::chrono::microseconds(1234));
  // Scaling back up and comparing: blurrier text, same picture.
  auto up = converter.scale(*half, 1920, 1080);
  REQUIRE(up);
  auto p = psnr(*full, *up);
  REQUIRE(p);
  CHECK(p->y > 18.0);
  CHECK(p->y < 60.0);
  // Direct scaled conversion from RGB gives the same size.
  auto direct = converter.toI420(view(desktop), 640, 360);
  REQUIRE(direct);
  CHECK(direct->width() == 640);

  CHECK(converter.scale(*full, 0, 10).error().code == ErrorCode::MediaUnsupported);
  PackedImageView bad{nullptr, 10, 10, 40, PixelFormat::Rgba};
  CHECK(converter.toI420(bad).error().code == ErrorCode::MediaUnsupported);
  PackedImageView short_stride{desktop.pixels.data(), 100, 10, 100, PixelFormat::Rgba};
  CHECK(converter.toI420(short_stride).error().code == ErrorCode::MediaUnsupported);
}

}  // namespace
}  // namespace parley::media

namespace parley::media {

TEST_CASE("I420 to RGB scaled in one pass keeps the colours", "[video][convert]") {
  FrameConverter converter;
  PackedImage img = PackedImage::allocate(640, 360, PixelFormat::Rgb24);
  test::fillRect(img, 0, 0, 320, 360, 200, 40, 90);
  test::fillRect(img, 320, 0, 320, 360, 20, 180, 60);
  auto frame = converter.toI420(view(img));
  REQUIRE(frame);
  auto small = converter.fromI420(*frame, PixelFormat::Rgba, 320, 180);
  REQUIRE(small);
  CHECK(small->width == 320);
  CHECK(small->height == 180);
  // Left half red-ish, right half green-ish, each within a few levels.
  const auto* left = small->pixels.data() + 90 * small->stride() + 40 * 4;
  const auto* right = small->pixels.data() + 90 * small->stride() + 280 * 4;
  CHECK(std::abs(left[0] - 200) <= 4);
  CHECK(std::abs(left[1] - 40) <= 4);
  CHECK(std::abs(right[1] - 180) <= 4);
  CHECK(std::abs(right[2] - 60) <= 4);
  CHECK_FALSE(converter.fromI420(*frame, PixelFormat::Rgba, 0, 180));
  CHECK_FALSE(converter.fromI420(*frame, PixelFormat::Rgba, 100000, 180));
}

TEST_CASE("fitWithin keeps the aspect, never grows and stays even", "[video][convert]") {
  CHECK(fitWithin(1280, 720, 0, 0) == PictureSize{1280, 720});
  CHECK(fitWithin(1280, 720, 2000, 2000) == PictureSize{1280, 720});
  CHECK(fitWithin(1280, 720, 640, 640) == PictureSize{640, 360});
  CHECK(fitWithin(1280, 720, 641, 300) == PictureSize{532, 300});
  const auto odd = fitWithin(1280, 720, 333, 333);
  CHECK(odd.width % 2 == 0);
  CHECK(odd.height % 2 == 0);
  CHECK(fitWithin(1280, 720, 4, 4) == PictureSize{16, 16});
}

}  // namespace parley::media
