#pragma once
// Picture quality measures for tests, benchmarks and `--stats`: PSNR between
// two I420 frames, and between a source RGB image and a decoded frame (the
// "does the shared screen arrive sharp" check). Plain functions,
// thread-safe.

#include "core/base/result.h"
#include "media/video/frame_convert.h"
#include "media/video/video_frame.h"

namespace parley::media {

// PSNR of identical pictures is infinite; report this instead so results
// stay finite numbers in JSON and tables.
inline constexpr double kMaxPsnrDb = 100.0;

struct Psnr {
  double y = 0;  // luma only, what people notice most
  double u = 0;
  double v = 0;
  double total = 0;  // over all samples of all three planes (4:2:0 weights)
};

// Fails with MediaUnsupported when the sizes differ or a frame is empty.
Result<Psnr> psnr(const VideoFrame& reference, const VideoFrame& test);

// Converts `decoded` to RGB (libswscale, as the GUI shows it) and returns
// the PSNR over the R, G and B samples against `reference` (alpha ignored).
// Fails with MediaUnsupported when the sizes differ.
Result<double> psnrRgb(const PackedImage& reference, const VideoFrame& decoded);

}  // namespace parley::media
