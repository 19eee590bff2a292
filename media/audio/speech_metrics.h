#pragma once
// Signal comparison for tests and the CLI's integration tests: find where a
// reference signal sits inside a recording (time alignment by normalized
// cross-correlation), then measure how faithfully it came through (SNR) and
// how loud something is (RMS). Pure functions, thread-safe; they allocate, so
// keep them off the audio callback.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace parley::media {

struct Alignment {
  // recorded[n + lag] lines up with reference[n]; positive = recording is late.
  std::ptrdiff_t lag = 0;
  // Normalized cross-correlation at `lag` over the overlapping part, in
  // [-1, 1]; 0 when either side is silent or there is no overlap.
  double correlation = 0.0;
};

// Best alignment for lags in [-max_lag_samples, +max_lag_samples]. Coarse
// search on decimated signals (a few candidate peaks kept), then a fine
// search around each; about a second for 5 s of 48 kHz audio and a 1 s
// range in a debug build.
Alignment bestAlignment(std::span<const std::int16_t> reference,
                        std::span<const std::int16_t> recorded, std::size_t max_lag_samples);

// Normalized cross-correlation of the two at one lag (as in Alignment).
double correlationAtLag(std::span<const std::int16_t> reference,
                        std::span<const std::int16_t> recorded, std::ptrdiff_t lag);

// 10 log10(sum ref^2 / sum (ref - rec)^2) over the overlap at `lag`, without
// gain fitting (a level change counts as error). +inf for identical signals
// is reported as 100 dB; -100 dB when the reference is silent or there is no
// overlap.
double snrDb(std::span<const std::int16_t> reference, std::span<const std::int16_t> recorded,
             std::ptrdiff_t lag);

// Piece by piece: each voiced piece (`piece_samples` long, louder than
// `silence_dbfs`) of the reference aligned on its own within `slack_samples`
// of `lag`. A jitter buffer holds or skips frames to follow the network's
// delay, so a playout drifts by tens of milliseconds over a sentence and one
// global lag understates a faithful recording; a lost stretch still shows as
// a bad piece.
struct PieceAlignment {
  std::vector<double> correlations;  // one per voiced piece, in order
  [[nodiscard]] std::size_t voiced() const { return correlations.size(); }
  [[nodiscard]] std::size_t atLeast(double threshold) const;
  [[nodiscard]] double worst() const;
};
PieceAlignment alignPieces(std::span<const std::int16_t> reference,
                           std::span<const std::int16_t> recorded, std::ptrdiff_t lag,
                           std::size_t piece_samples, std::size_t slack_samples,
                           double silence_dbfs = -40.0);

// Root mean square, in sample units (0..32768); 0 for an empty span.
double rms(std::span<const std::int16_t> samples);
// RMS relative to full scale, in dB (-inf clamped to -120 dBFS).
double rmsDbfs(std::span<const std::int16_t> samples);

}  // namespace parley::media
