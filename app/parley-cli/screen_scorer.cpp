#include "app/parley-cli/screen_scorer.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "media/video/image_source.h"
#include "media/video/video_quality.h"

namespace parley::cli {

Result<std::unique_ptr<ScreenScorer>> ScreenScorer::create(const std::string& reference_png,
                                                           std::string out_json) {
  // The same conversion the sender's file: source makes.
  auto source = media::ImageSource::open(reference_png);
  if (!source) {
    return makeError(source.error().code,
                     "--screen-reference " + reference_png + ": " + source.error().detail);
  }
  auto frame = (*source)->nextFrame();
  if (!frame || !*frame) {
    return makeError(ErrorCode::MediaFileInvalid,
                     "--screen-reference " + reference_png + ": no picture");
  }
  return std::unique_ptr<ScreenScorer>(new ScreenScorer(std::move(**frame), std::move(out_json)));
}

void ScreenScorer::onFrame(bool screen, const media::VideoFrame& frame) {
  if (!screen) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  auto score = media::psnr(reference_, frame);
  std::lock_guard lock(mu_);
  if (!first_) {
    first_ = now;
  }
  const double ms = std::chrono::duration<double, std::milli>(now - *first_).count();
  if (!score) {
    ++other_size_;  // another layer's size: shown, but not comparable
    scores_.emplace_back(ms, std::nullopt);
    return;
  }
  scores_.emplace_back(ms, score->y);
}

Result<void> ScreenScorer::write() const {
  nlohmann::json out;
  {
    std::lock_guard lock(mu_);
    out["frames"] = scores_.size() - other_size_;
    out["other_size"] = other_size_;
    auto& ms = out["ms"] = nlohmann::json::array();
    auto& psnr = out["psnr_y"] = nlohmann::json::array();
    for (const auto& [t, db] : scores_) {
      ms.push_back(t);
      psnr.push_back(db ? nlohmann::json(*db) : nlohmann::json());
    }
  }
  std::ofstream file(out_);
  file << out.dump() << '\n';
  if (!file) {
    return makeError(ErrorCode::Io, "--screen-scores " + out_ + ": cannot write");
  }
  return {};
}

}  // namespace parley::cli
