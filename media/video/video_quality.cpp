#include "media/video/video_quality.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace parley::media {
namespace {

double toDb(double sse, double samples) {
  if (samples <= 0) {
    return 0;
  }
  if (sse <= 0) {
    return kMaxPsnrDb;
  }
  const double mse = sse / samples;
  return std::min(kMaxPsnrDb, 10.0 * std::log10(255.0 * 255.0 / mse));
}

double planeSse(const VideoFrame& a, const VideoFrame& b, Plane plane) {
  double sse = 0;
  const int w = a.planeWidth(plane);
  for (int y = 0; y < a.planeHeight(plane); ++y) {
    const std::uint8_t* ra = a.row(plane, y);
    const std::uint8_t* rb = b.row(plane, y);
    std::int64_t row = 0;
    for (int x = 0; x < w; ++x) {
      const int d = ra[x] - rb[x];
      row += d * d;
    }
    sse += static_cast<double>(row);
  }
  return sse;
}

}  // namespace

Result<Psnr> psnr(const VideoFrame& reference, const VideoFrame& test) {
  if (reference.empty() || test.empty() || reference.width() != test.width() ||
      reference.height() != test.height()) {
    return makeError(ErrorCode::MediaUnsupported,
                     "PSNR: frame sizes differ: " + std::to_string(reference.width()) + "x" +
                         std::to_string(reference.height()) + " vs " +
                         std::to_string(test.width()) + "x" + std::to_string(test.height()));
  }
  const double sse_y = planeSse(reference, test, Plane::Y);
  const double sse_u = planeSse(reference, test, Plane::U);
  const double sse_v = planeSse(reference, test, Plane::V);
  const double n_y = static_cast<double>(reference.width()) * reference.height();
  const double n_c = static_cast<double>(reference.chromaWidth()) * reference.chromaHeight();
  Psnr out;
  out.y = toDb(sse_y, n_y);
  out.u = toDb(sse_u, n_c);
  out.v = toDb(sse_v, n_c);
  out.total = toDb(sse_y + sse_u + sse_v, n_y + 2 * n_c);
  return out;
}

Result<double> psnrRgb(const PackedImage& reference, const VideoFrame& decoded) {
  if (decoded.empty() || reference.width != decoded.width() ||
      reference.height != decoded.height() ||
      reference.pixels.size() < static_cast<std::size_t>(reference.stride()) *
                                    static_cast<std::size_t>(reference.height)) {
    return makeError(ErrorCode::MediaUnsupported,
                     "PSNR: image and frame sizes differ: " + std::to_string(reference.width) +
                         "x" + std::to_string(reference.height) + " vs " +
                         std::to_string(decoded.width()) + "x" + std::to_string(decoded.height()));
  }
  FrameConverter converter;
  auto rgb = converter.fromI420(decoded, PixelFormat::Rgb24);
  if (!rgb) {
    return makeError(std::move(rgb).error());
  }
  // Channel offsets of R, G, B in the reference's layout.
  int r_off = 0;
  int b_off = 2;
  if (reference.format == PixelFormat::Bgra) {
    r_off = 2;
    b_off = 0;
  }
  const int bpp = bytesPerPixel(reference.format);
  double sse = 0;
  for (int y = 0; y < reference.height; ++y) {
    const std::uint8_t* ref =
        reference.pixels.data() + static_cast<std::size_t>(reference.stride()) * y;
    const std::uint8_t* got = rgb->pixels.data() + static_cast<std::size_t>(rgb->stride()) * y;
    std::int64_t row = 0;
    for (int x = 0; x < reference.width; ++x) {
      const int dr = ref[x * bpp + r_off] - got[x * 3];
      const int dg = ref[x * bpp + 1] - got[x * 3 + 1];
      const int db = ref[x * bpp + b_off] - got[x * 3 + 2];
      row += dr * dr + dg * dg + db * db;
    }
    sse += static_cast<double>(row);
  }
  return toDb(sse, 3.0 * reference.width * reference.height);
}

}  // namespace parley::media
