#include "media/audio/speech_metrics.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace parley::media {
namespace {

// A signal prepared for many correlations: samples plus prefix sums of their
// squares, so the energy of any overlap costs O(1).
struct Prepared {
  std::vector<double> x;
  std::vector<double> energy;  // energy[i] = sum of x[k]^2 for k < i
};

Prepared prepare(std::span<const std::int16_t> in, std::size_t factor) {
  // Box-filter decimation: crude, but it only has to keep the envelope and
  // low formants for the coarse search; the fine search runs undecimated.
  Prepared p;
  const std::size_t n = in.size() / factor;
  p.x.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double sum = 0;
    for (std::size_t k = 0; k < factor; ++k) {
      sum += in[i * factor + k];
    }
    p.x[i] = sum / static_cast<double>(factor);
  }
  p.energy.resize(n + 1);
  p.energy[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    p.energy[i + 1] = p.energy[i] + p.x[i] * p.x[i];
  }
  return p;
}

double ncc(const Prepared& a, const Prepared& b, std::ptrdiff_t lag) {
  const auto na = static_cast<std::ptrdiff_t>(a.x.size());
  const auto nb = static_cast<std::ptrdiff_t>(b.x.size());
  const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, -lag);
  const std::ptrdiff_t hi = std::min(na, nb - lag);
  if (hi <= lo) {
    return 0.0;
  }
  double dot = 0;
  const double* pa = a.x.data();
  const double* pb = b.x.data() + lag;
  for (std::ptrdiff_t n = lo; n < hi; ++n) {
    dot += pa[n] * pb[n];
  }
  const auto ulo = static_cast<std::size_t>(lo);
  const auto uhi = static_cast<std::size_t>(hi);
  const double ea = a.energy[uhi] - a.energy[ulo];
  const double eb =
      b.energy[static_cast<std::size_t>(hi + lag)] - b.energy[static_cast<std::size_t>(lo + lag)];
  if (ea <= 0 || eb <= 0) {
    return 0.0;
  }
  return dot / std::sqrt(ea * eb);
}

// Best lag in [from, to] (in units of the prepared signals) stepping by 1.
Alignment scan(const Prepared& a, const Prepared& b, std::ptrdiff_t from, std::ptrdiff_t to) {
  Alignment best{from, -2.0};
  for (std::ptrdiff_t lag = from; lag <= to; ++lag) {
    const double c = ncc(a, b, lag);
    if (c > best.correlation) {
      best = {lag, c};
    }
  }
  return best;
}

}  // namespace

double correlationAtLag(std::span<const std::int16_t> reference,
                        std::span<const std::int16_t> recorded, std::ptrdiff_t lag) {
  return ncc(prepare(reference, 1), prepare(recorded, 1), lag);
}

Alignment bestAlignment(std::span<const std::int16_t> reference,
                        std::span<const std::int16_t> recorded, std::size_t max_lag_samples) {
  if (reference.empty() || recorded.empty()) {
    return {};
  }
  const auto max_lag = static_cast<std::ptrdiff_t>(max_lag_samples);
  // Coarse factor chosen so the coarse pass costs about 2e7 multiply-adds.
  const double work = 2.0 * static_cast<double>(max_lag_samples + 1) *
                      static_cast<double>(std::max(reference.size(), recorded.size()));
  const auto coarse =
      static_cast<std::size_t>(std::clamp(std::ceil(std::sqrt(work / 2e7)), 1.0, 64.0));
  const Prepared ref1 = prepare(reference, 1);
  const Prepared rec1 = prepare(recorded, 1);
  if (coarse == 1) {
    Alignment best = scan(ref1, rec1, -max_lag, max_lag);
    return best.correlation < -1.0 ? Alignment{} : best;
  }

  // Coarse: keep the few best local maxima, since periodic or high-pitched
  // signals can put the true peak slightly below a decimation artefact.
  const Prepared ref_c = prepare(reference, coarse);
  const Prepared rec_c = prepare(recorded, coarse);
  const auto c_lag = max_lag / static_cast<std::ptrdiff_t>(coarse);
  std::vector<double> values(static_cast<std::size_t>(2 * c_lag + 1));
  for (std::ptrdiff_t lag = -c_lag; lag <= c_lag; ++lag) {
    values[static_cast<std::size_t>(lag + c_lag)] = ncc(ref_c, rec_c, lag);
  }
  std::vector<std::pair<double, std::ptrdiff_t>> peaks;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const bool left = i == 0 || values[i] >= values[i - 1];
    const bool right = i + 1 == values.size() || values[i] >= values[i + 1];
    if (left && right) {
      peaks.emplace_back(values[i], static_cast<std::ptrdiff_t>(i) - c_lag);
    }
  }
  constexpr std::size_t kCandidates = 5;
  const std::size_t keep = std::min(kCandidates, peaks.size());
  std::partial_sort(peaks.begin(), peaks.begin() + static_cast<std::ptrdiff_t>(keep), peaks.end(),
                    [](const auto& x, const auto& y) { return x.first > y.first; });
  peaks.resize(keep);

  // Middle: a factor of 8 finer around each candidate.
  const std::size_t mid = std::max<std::size_t>(1, coarse / 8);
  const Prepared ref_m = prepare(reference, mid);
  const Prepared rec_m = prepare(recorded, mid);
  const auto span_m = static_cast<std::ptrdiff_t>(2 * coarse / mid);
  const auto lim_m = max_lag / static_cast<std::ptrdiff_t>(mid);
  Alignment best_mid{0, -2.0};
  for (const auto& peak : peaks) {
    const std::ptrdiff_t centre =
        peak.second * static_cast<std::ptrdiff_t>(coarse) / static_cast<std::ptrdiff_t>(mid);
    const Alignment a =
        scan(ref_m, rec_m, std::max(-lim_m, centre - span_m), std::min(lim_m, centre + span_m));
    if (a.correlation > best_mid.correlation) {
      best_mid = a;
    }
  }
  // Fine: sample resolution around the best.
  const std::ptrdiff_t centre = best_mid.lag * static_cast<std::ptrdiff_t>(mid);
  const auto span_f = static_cast<std::ptrdiff_t>(2 * mid);
  Alignment best =
      scan(ref1, rec1, std::max(-max_lag, centre - span_f), std::min(max_lag, centre + span_f));
  return best.correlation < -1.0 ? Alignment{} : best;
}

double snrDb(std::span<const std::int16_t> reference, std::span<const std::int16_t> recorded,
             std::ptrdiff_t lag) {
  const auto nr = static_cast<std::ptrdiff_t>(reference.size());
  const auto nx = static_cast<std::ptrdiff_t>(recorded.size());
  const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(0, -lag);
  const std::ptrdiff_t hi = std::min(nr, nx - lag);
  double signal = 0;
  double noise = 0;
  for (std::ptrdiff_t n = lo; n < hi; ++n) {
    const double r = reference[static_cast<std::size_t>(n)];
    const double e = r - recorded[static_cast<std::size_t>(n + lag)];
    signal += r * r;
    noise += e * e;
  }
  if (hi <= lo || signal <= 0) {
    return -100.0;
  }
  if (noise <= 0) {
    return 100.0;
  }
  return std::min(100.0, 10.0 * std::log10(signal / noise));
}

double rms(std::span<const std::int16_t> samples) {
  if (samples.empty()) {
    return 0.0;
  }
  double sum = 0;
  for (const std::int16_t s : samples) {
    sum += static_cast<double>(s) * s;
  }
  return std::sqrt(sum / static_cast<double>(samples.size()));
}

double rmsDbfs(std::span<const std::int16_t> samples) {
  const double r = rms(samples);
  if (r <= 0) {
    return -120.0;
  }
  return std::max(-120.0, 20.0 * std::log10(r / 32768.0));
}

std::size_t PieceAlignment::atLeast(double threshold) const {
  return static_cast<std::size_t>(std::count_if(correlations.begin(), correlations.end(),
                                                [threshold](double c) { return c >= threshold; }));
}

double PieceAlignment::worst() const {
  return correlations.empty() ? 0.0 : *std::min_element(correlations.begin(), correlations.end());
}

PieceAlignment alignPieces(std::span<const std::int16_t> reference,
                           std::span<const std::int16_t> recorded, std::ptrdiff_t lag,
                           std::size_t piece_samples, std::size_t slack_samples,
                           double silence_dbfs) {
  PieceAlignment out;
  if (piece_samples == 0) {
    return out;
  }
  // Coarse (1 ms steps at 48 kHz) then fine, on the stretch of the recording
  // that can hold the piece (correlationAtLag walks whatever it is given).
  constexpr std::ptrdiff_t kStep = 48;
  const auto reach = static_cast<std::ptrdiff_t>(slack_samples) + kStep;
  for (std::size_t at = 0; at + piece_samples <= reference.size(); at += piece_samples) {
    const auto ref = reference.subspan(at, piece_samples);
    if (rmsDbfs(ref) < silence_dbfs) {
      continue;  // a pause between words: nothing to compare
    }
    const std::ptrdiff_t expected = static_cast<std::ptrdiff_t>(at) + lag;
    const std::ptrdiff_t from = std::max<std::ptrdiff_t>(0, expected - reach);
    const std::ptrdiff_t to =
        std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(recorded.size()),
                                 expected + static_cast<std::ptrdiff_t>(piece_samples) + reach);
    double best_c = 0.0;
    if (to > from) {
      const auto rec =
          recorded.subspan(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
      const std::ptrdiff_t centre = expected - from;  // rec[n + lag] lines up with ref[n]
      std::ptrdiff_t best = centre;
      best_c = -1.0;
      for (std::ptrdiff_t l = centre - reach + kStep; l <= centre + reach - kStep; l += kStep) {
        if (const double v = correlationAtLag(ref, rec, l); v > best_c) {
          best_c = v;
          best = l;
        }
      }
      for (std::ptrdiff_t l = best - kStep; l <= best + kStep; ++l) {
        best_c = std::max(best_c, correlationAtLag(ref, rec, l));
      }
    }
    out.correlations.push_back(best_c);
  }
  return out;
}

}  // namespace parley::media
