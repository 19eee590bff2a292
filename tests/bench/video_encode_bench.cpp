// Video encode benchmark: time per 1920x1080 frame of typical desktop
// content for VP9 in screen mode and VP8, on one thread, with the bitrate
// each produced and the quality the receiver sees. Prints a markdown table
// for docs/benchmarks.md. Target (docs/benchmarks.md, (g)): under 30 ms per
// 1080p screen frame on one core.
//
//   video_encode_bench [frames]     (default 150: 10 s at 15 frames/s)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "media/video/video_quality.h"
#include "media/video/vpx_decoder.h"
#include "media/video/vpx_encoder.h"
#include "tests/media/video/desktop_image.h"

namespace {

using namespace parley::media;

struct Row {
  std::string content;
  std::string codec;
  double median_ms = 0;
  double p95_ms = 0;
  double kbps = 0;
  int sent = 0;
  int frames = 0;
  double psnr_y = 0;
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

Row run(const std::string& content, const std::vector<VideoFrame>& frames, VideoCodec codec,
        int fps, int kbps) {
  VpxEncoderConfig config;
  config.codec = codec;
  config.width = frames.front().width();
  config.height = frames.front().height();
  config.target_bitrate_kbps = kbps;
  config.max_framerate = fps;
  config.screen_content = true;
  config.threads = 1;
  auto encoder = VpxEncoder::create(config);
  auto decoder = VpxDecoder::create(codec);
  if (!encoder || !decoder) {
    std::fprintf(stderr, "cannot create the %s codec\n",
                 std::string(videoCodecName(codec)).c_str());
    std::exit(1);
  }
  Row row;
  row.content = content;
  row.codec = std::string(videoCodecName(codec)) + " screen";
  row.frames = static_cast<int>(frames.size());
  std::vector<double> times;
  std::size_t bytes = 0;
  double psnr_sum = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    VideoFrame frame = frames[i].clone();
    frame.setTimestamp(std::chrono::microseconds(static_cast<std::int64_t>(i) * 1000000 / fps));
    const auto start = std::chrono::steady_clock::now();
    auto packets = encoder->encode(frame);
    const auto stop = std::chrono::steady_clock::now();
    if (!packets) {
      std::fprintf(stderr, "encode failed: %s\n", packets.error().toString().c_str());
      std::exit(1);
    }
    times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    for (const auto& p : *packets) {
      bytes += p.bytes.size();
      auto decoded = decoder->decode(p.bytes, p.rtp_timestamp);
      if (decoded && decoded->has_value()) {
        if (auto q = psnr(frame, **decoded)) {
          psnr_sum += q->y;
          ++row.sent;
        }
      }
    }
  }
  row.median_ms = percentile(times, 0.5);
  row.p95_ms = percentile(times, 0.95);
  row.kbps = static_cast<double>(bytes) * 8.0 / (static_cast<double>(frames.size()) / fps) / 1000;
  row.psnr_y = row.sent > 0 ? psnr_sum / row.sent : 0;
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::max(10, std::atoi(argv[1])) : 150;
  constexpr int kFps = 15;
  constexpr int kKbps = 1500;
  FrameConverter converter;
  // Rendered and converted up front: only encode() is timed.
  std::vector<VideoFrame> desktop;
  std::vector<VideoFrame> still;
  for (int i = 0; i < count; ++i) {
    auto frame = converter.toI420(view(test::renderDesktop(1920, 1080, i, true)));
    if (!frame) {
      std::fprintf(stderr, "%s\n", frame.error().toString().c_str());
      return 1;
    }
    desktop.push_back(std::move(frame).value());
    still.push_back(desktop.front().clone());
  }
  std::vector<Row> rows;
  for (VideoCodec codec : {VideoCodec::Vp9, VideoCodec::Vp8}) {
    rows.push_back(
        run("desktop: text, scrolling terminal, moving area", desktop, codec, kFps, kKbps));
    rows.push_back(run("still desktop with text", still, codec, kFps, kKbps));
  }
  std::printf("1920x1080, %d frames at %d frames/s, target %d kbit/s, 1 thread\n\n", count, kFps,
              kKbps);
  std::printf(
      "| content | codec | median ms/frame | p95 ms/frame | kbit/s | frames sent | mean Y PSNR dB "
      "|\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    std::printf("| %s | %s | %.1f | %.1f | %.0f | %d/%d | %.1f |\n", r.content.c_str(),
                r.codec.c_str(), r.median_ms, r.p95_ms, r.kbps, r.sent, r.frames, r.psnr_y);
  }
  return 0;
}
