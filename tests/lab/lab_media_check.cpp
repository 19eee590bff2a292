// lab_media_check: the measuring end of the lab's media tests (tests/lab/media.py,
// docs/lab.md). Small commands, one JSON object on stdout each, exit 0 when
// the measurement was made (judging is the caller's), 2 on bad usage or an
// unreadable file:
//
//   lab_media_check wav-compare REFERENCE.wav RECORDED.wav [MAX_LAG_S [SLACK_MS]]
//       {"lag_samples", "lag_s", "correlation", "snr_db", "reference_s",
//        "recorded_s", "recorded_rms_dbfs", "voiced_pieces", "good_pieces",
//        "worst_piece", "pieces"}: where the reference sits in the recording
//       (media/audio/speech_metrics.h, the code the integration tests trust),
//       how well the whole correlates there, and each voiced half second's
//       correlation when aligned on its own within SLACK_MS (default 60) of
//       that lag; "good" means >= 0.5.
//   lab_media_check desktop OUT.png [WIDTH HEIGHT]
//       writes the desktop-like test picture (tests/media/video/desktop_image.h)
//   lab_media_check psnr REFERENCE.png RECEIVED.png
//       {"width", "height", "psnr_y"}; sizes must match
//
// One thread, no network; runs wherever the caller runs it.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "media/audio/speech_metrics.h"
#include "media/audio/wav_file.h"
#include "media/video/frame_convert.h"
#include "media/video/png_image.h"
#include "media/video/video_quality.h"
#include "tests/media/video/desktop_image.h"

namespace {

namespace media = parley::media;
constexpr double kRate = 48000.0;

int usage() {
  std::fprintf(stderr,
               "usage: lab_media_check wav-compare REF.wav REC.wav [MAX_LAG_S [SLACK_MS]]\n"
               "       lab_media_check desktop OUT.png [WIDTH HEIGHT]\n"
               "       lab_media_check psnr REF.png RECEIVED.png\n");
  return 2;
}

int fail(const std::string& what, const parley::Error& error) {
  std::fprintf(stderr, "lab_media_check: %s: %s\n", what.c_str(), error.detail.c_str());
  return 2;
}

int wavCompare(const std::string& ref_path, const std::string& rec_path, double max_lag_s,
               double slack_ms) {
  auto reference = media::readWavAs48kMono(ref_path);
  if (!reference) {
    return fail(ref_path, reference.error());
  }
  auto recorded = media::readWavAs48kMono(rec_path);
  if (!recorded) {
    return fail(rec_path, recorded.error());
  }
  const auto alignment =
      media::bestAlignment(*reference, *recorded, static_cast<std::size_t>(max_lag_s * kRate));
  const double snr = media::snrDb(*reference, *recorded, alignment.lag);
  // Each voiced half second aligned on its own within SLACK_MS of the global
  // lag (speech_metrics.h says why).
  const auto aligned =
      media::alignPieces(*reference, *recorded, alignment.lag, static_cast<std::size_t>(kRate / 2),
                         static_cast<std::size_t>(kRate * slack_ms / 1000.0));
  std::string pieces;
  for (const double c : aligned.correlations) {
    char text[16];
    std::snprintf(text, sizeof text, "%s%.2f", pieces.empty() ? "" : ", ", c);
    pieces += text;
  }
  const int voiced = static_cast<int>(aligned.voiced());
  const int good = static_cast<int>(aligned.atLeast(0.5));
  const double worst = aligned.worst();
  std::printf(
      "{\"lag_samples\": %td, \"lag_s\": %.3f, \"correlation\": %.4f, \"snr_db\": %.2f, "
      "\"reference_s\": %.2f, \"recorded_s\": %.2f, \"recorded_rms_dbfs\": %.1f, "
      "\"voiced_pieces\": %d, \"good_pieces\": %d, \"worst_piece\": %.3f, "
      "\"pieces\": [%s]}\n",
      alignment.lag, static_cast<double>(alignment.lag) / kRate, alignment.correlation, snr,
      static_cast<double>(reference->size()) / kRate, static_cast<double>(recorded->size()) / kRate,
      media::rmsDbfs(*recorded), voiced, good, voiced > 0 ? worst : 0.0, pieces.c_str());
  return 0;
}

int desktop(const std::string& out, int width, int height) {
  if (auto ok = media::writePng(out, media::test::renderDesktop(width, height)); !ok) {
    return fail(out, ok.error());
  }
  std::printf("{\"path\": \"%s\", \"width\": %d, \"height\": %d}\n", out.c_str(), width, height);
  return 0;
}

int psnr(const std::string& ref_path, const std::string& got_path) {
  auto reference = media::readPng(ref_path);
  if (!reference) {
    return fail(ref_path, reference.error());
  }
  auto received = media::readPng(got_path);
  if (!received) {
    return fail(got_path, received.error());
  }
  media::FrameConverter converter;
  auto ref = converter.toI420(media::view(*reference));
  auto got = converter.toI420(media::view(*received));
  if (!ref || !got) {
    return fail("conversion", !ref ? ref.error() : got.error());
  }
  auto score = media::psnr(*ref, *got);
  if (!score) {
    return fail("psnr", score.error());
  }
  std::printf("{\"width\": %d, \"height\": %d, \"psnr_y\": %.2f}\n", received->width,
              received->height, score->y);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "wav-compare" && argc >= 4 && argc <= 6) {
    return wavCompare(argv[2], argv[3], argc >= 5 ? std::atof(argv[4]) : 8.0,
                      argc == 6 ? std::atof(argv[5]) : 60.0);
  }
  if (command == "desktop" && (argc == 3 || argc == 5)) {
    return desktop(argv[2], argc == 5 ? std::atoi(argv[3]) : 1920,
                   argc == 5 ? std::atoi(argv[4]) : 1080);
  }
  if (command == "psnr" && argc == 4) {
    return psnr(argv[2], argv[3]);
  }
  return usage();
}
