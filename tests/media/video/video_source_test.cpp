
#include <catch2/catch.hpp>

#include "media/video/image_source.h"
#include "media/video/png_image.h"
#include "media/video/synthetic_source.h"
#include "media/video/video_quality.h"
#include "tests/media/video/desktop_image.h"
#include "tests/support/test_env.h"

namespace parley::media {
namespace {

TEST_CASE("SyntheticSource is deterministic, moves, and carries its frame number",
          "[video][source]") {
  auto a = SyntheticSource::create(640, 360, 30);
  auto b = SyntheticSource::create(640, 360, 30);
  REQUIRE(a);
  REQUIRE(b);
  CHECK((*a)->width() == 640);
  CHECK((*a)->name() == "synthetic 640x360");
  for (int i = 0; i < 3; ++i) {
    auto fa = (*a)->nextFrame();
    auto fb = (*b)->nextFrame();
    REQUIRE(fa);
    REQUIRE(fb);
    REQUIRE(fa->has_value());
    auto p = psnr(**fa, **fb);
    REQUIRE(p);
    CHECK(p->total == kMaxPsnrDb);
    CHECK((*fa)->timestamp() == std::chrono::microseconds(i * 1000000 / 30));
    CHECK(SyntheticSource::readFrameNumber(**fa) == static_cast<std::uint32_t>(i));
  }
  // The box moves: frame 0 and frame 10 differ.
  auto p = psnr((*a)->render(0), (*a)->render(10));
  REQUIRE(p);
  CHECK(p->y < 40.0);
  CHECK(SyntheticSource::readFrameNumber((*a)->render(123456)) == 123456U);
  CHECK(SyntheticSource::create(8, 8).error().code == ErrorCode::MediaUnsupported);
  CHECK(SyntheticSource::create(64, 64, 0).error().code == ErrorCode::MediaUnsupported);
}

TEST_CASE("ImageSource shares the same still picture every frame", "[video][source]") {
  PackedImage desktop = test::renderDesktop(800, 600);
  const auto path = std::filesystem::temp_directory_path() /
                    ("parley_image_source_" + std::to_string(testing::processId()) + ".png");
  REQUIRE(writePng(path, desktop));
  auto source = ImageSource::open(path, 10);
  std::filesystem::remove(path);
  REQUIRE(source);
  CHECK((*source)->width() == 800);
  CHECK((*source)->height() == 600);
  CHECK((*source)->name() == "file:" + path.string());
  auto f0 = (*source)->nextFrame();
  auto f1 = (*source)->nextFrame();
  REQUIRE(f0);
  REQUIRE(f1);
  REQUIRE(f0->has_value());
  REQUIRE(f1->has_value());
  CHECK((*f1)->timestamp() - (*f0)->timestamp() == std::chrono::milliseconds(100));
  auto same = psnr(**f0, **f1);
  REQUIRE(same);
  CHECK(same->total == kMaxPsnrDb);
  // Exactly what a direct conversion of the picture gives.
  FrameConverter converter;
  auto direct = converter.toI420(view(desktop));
  REQUIRE(direct);
  auto vs_direct = psnr(*direct, **f0);
  REQUIRE(vs_direct);
  CHECK(vs_direct->total == kMaxPsnrDb);

  CHECK(ImageSource::open("/nonexistent/picture.png").error().code == ErrorCode::MediaFileInvalid);
  CHECK(
      ImageSource::fromImage(PackedImage::allocate(1, 1, PixelFormat::Rgba), "tiny").error().code ==
      ErrorCode::MediaUnsupported);
}

}  // namespace
}  // namespace parley::media
