// Screen capture from a real X server: Xvfb started by the test (it picks a
// free display itself through -displayfd), a known picture drawn with
// libX11, captured through x11grab and compared by PSNR.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "media/video/screen_capture.h"
#include "media/video/synthetic_source.h"
#include "media/video/video_quality.h"
#include "media/video/vpx_decoder.h"
#include "media/video/vpx_encoder.h"
#include "tests/media/video/desktop_image.h"
#include "tests/support/xvfb_server.h"

namespace parley::media {
namespace {

VideoFrame captureOne(ScreenCapture& capture) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto frame = capture.nextFrame();
    INFO((frame ? "" : frame.error().toString()));
    REQUIRE(frame);
    if (frame->has_value()) {
      return std::move(**frame);
    }
  }
  FAIL("x11grab returned no frame");
  return {};
}

TEST_CASE("x11grab captures a known picture from Xvfb", "[video][capture][xvfb]") {
  // Throws (a failure, with Xvfb's output) when Xvfb is installed but does not come up.
  parley::test::XvfbServer server;
  if (!server.error().empty()) {
    WARN("SKIPPED: x11grab screen capture is NOT tested here: " << server.error());
    return;
  }
  const PackedImage desktop = test::renderDesktop(1920, 1080, 0, false, PixelFormat::Bgra);
  auto shown_desktop =
      parley::test::ShownImage::show(server.display(), desktop, 0, 0, "parley desktop");
  REQUIRE(shown_desktop);
  auto synthetic = SyntheticSource::create(640, 360);
  REQUIRE(synthetic);
  FrameConverter converter;
  auto small_rgb = converter.fromI420((*synthetic)->render(7), PixelFormat::Bgra);
  REQUIRE(small_rgb);
  auto shown_small =
      parley::test::ShownImage::show(server.display(), *small_rgb, 300, 200, "parley test window");
  REQUIRE(shown_small);
  const auto small = shown_small->window();

  SECTION("the list of shareable targets has the screen and the windows") {
    auto targets = listShareableTargets(server.display());
    REQUIRE(targets);
    REQUIRE(targets->size() >= 3);
    CHECK(targets->front().kind == ShareableTarget::Kind::Screen);
    CHECK(targets->front().geometry.width == 1920);
    CHECK(targets->front().geometry.height == 1080);
    bool found = false;
    for (const auto& t : *targets) {
      if (t.kind == ShareableTarget::Kind::Window && t.id == small) {
        found = true;
        CHECK(t.name == "parley test window");
        CHECK(t.geometry.x == 300);
        CHECK(t.geometry.y == 200);
        CHECK(t.geometry.width == 640);
        CHECK(t.geometry.height == 360);
      }
    }
    CHECK(found);
  }

  SECTION("whole screen, then through VP9 screen mode at 1.5 Mbit/s") {
    ScreenCaptureOptions options;
    options.display = server.display();
    options.framerate = 15;
    options.draw_mouse = false;
    auto capture = ScreenCapture::open(options);
    INFO((capture ? "" : capture.error().toString()));
    REQUIRE(capture);
    CHECK((*capture)->width() == 1920);
    CHECK((*capture)->height() == 1080);

    // What the screen shows: the desktop with the small window on top.
    PackedImage expected = desktop;
    for (int y = 0; y < 360; ++y) {
      std::memcpy(expected.pixels.data() + static_cast<std::size_t>(200 + y) * expected.stride() +
                      300 * 4,
                  small_rgb->pixels.data() + static_cast<std::size_t>(y) * small_rgb->stride(),
                  640 * 4);
    }
    VideoFrame frame = captureOne(**capture);
    REQUIRE(frame.width() == 1920);
    // x11grab must deliver exactly what was drawn: against a direct
    // conversion of the picture, only rounding differs.
    auto luma = converter.toI420(view(expected));
    REQUIRE(luma);
    auto captured = psnr(*luma, frame);
    REQUIRE(captured);
    INFO("captured vs drawn: Y " << captured->y << " dB, all " << captured->total << " dB");
    CHECK(captured->total >= 45.0);

    VpxEncoderConfig config;
    config.codec = VideoCodec::Vp9;
    config.width = 1920;
    config.height = 1080;
    config.target_bitrate_kbps = 1500;
    config.max_framerate = 15;
    config.screen_content = true;
    auto encoder = VpxEncoder::create(config);
    REQUIRE(encoder);
    auto decoder = VpxDecoder::create(VideoCodec::Vp9);
    REQUIRE(decoder);
    std::optional<VideoFrame> last;
    for (int i = 0; i < 10; ++i) {
      VideoFrame f = i == 0 ? std::move(frame) : captureOne(**capture);
      // x11grab stamps a frame with when it was grabbed: on a busy machine
      // two grabs can come close together and the encoder would drop one as
      // faster than 15/s, so how many frames get encoded (and the quality
      // reached) would depend on the load. The picture is still: put every
      // frame on the 15/s grid.
      f.setTimestamp(std::chrono::microseconds(i * 1000000LL / 15));
      auto packets = encoder->encode(f);
      REQUIRE(packets);
      for (const auto& p : *packets) {
        auto decoded = decoder->decode(p.bytes, p.rtp_timestamp);
        REQUIRE(decoded);
        if (decoded->has_value()) {
          last = std::move(**decoded);
        }
      }
    }
    REQUIRE(last.has_value());
    auto p = psnr(*luma, *last);
    REQUIRE(p);
    auto through_codec = psnrRgb(expected, *last);
    REQUIRE(through_codec);
    auto ceiling = psnrRgb(expected, *luma);
    REQUIRE(ceiling);
    INFO("drawn vs decoded after 10 frames: Y " << p->y << " dB, all " << p->total << " dB, RGB "
                                                << *through_codec << " dB (I420 ceiling "
                                                << *ceiling << " dB)");
    CHECK(p->y >= 35.0);
    CHECK(p->total >= 35.0);
    CHECK(*through_codec >= *ceiling - 3.0);
  }

  SECTION("one window by id, and a region") {
    ScreenCaptureOptions options;
    options.display = server.display();
    options.window_id = small;
    options.draw_mouse = false;
    auto capture = ScreenCapture::open(options);
    INFO((capture ? "" : capture.error().toString()));
    REQUIRE(capture);
    CHECK((*capture)->width() == 640);
    CHECK((*capture)->height() == 360);
    CHECK((*capture)->name().find("window 0x") == 0);
    VideoFrame frame = captureOne(**capture);
    auto p = psnr((*synthetic)->render(7), frame);
    REQUIRE(p);
    CHECK(p->y >= 40.0);
    CHECK(SyntheticSource::readFrameNumber(frame) == 7U);

    ScreenCaptureOptions region;
    region.display = server.display();
    region.region = CaptureRegion{300, 200, 640, 360};
    auto by_region = ScreenCapture::open(region);
    REQUIRE(by_region);
    VideoFrame region_frame = captureOne(**by_region);
    auto same = psnr(frame, region_frame);
    REQUIRE(same);
    CHECK(same->y >= 45.0);
  }

  SECTION("a window that does not exist") {
    ScreenCaptureOptions options;
    options.display = server.display();
    options.window_id = 0x7fffff;
    auto capture = ScreenCapture::open(options);
    REQUIRE_FALSE(capture);
    CHECK(capture.error().code == ErrorCode::CaptureFailed);
  }
}

TEST_CASE("Capturing a display that is not there fails clearly", "[video][capture]") {
  ScreenCaptureOptions options;
  options.display = ":4093";  // nothing listens there on a test machine
  auto capture = ScreenCapture::open(options);
  REQUIRE_FALSE(capture);
  CHECK(capture.error().code == ErrorCode::CaptureFailed);
  CHECK(capture.error().detail.find(":4093") != std::string::npos);
  auto targets = listShareableTargets(":4093");
  REQUIRE_FALSE(targets);
  CHECK(targets.error().code == ErrorCode::CaptureFailed);
}

}  // namespace
}  // namespace parley::media
