#pragma once
// ReceiverVideoForwarding: for one receiver, which simulcast layer of each
// video source it gets, so a slow receiver gets the small layer (or none)
// while everyone else keeps the full one. The sender always sends both
// layers; nothing is transcoded and nobody else is slowed.
//
//   plan(budget, rates)   every ~500 ms: screens first, then cameras: the
//                         full layer if it fits in what is left of the
//                         budget, else the small one, else nothing (audio
//                         was taken out of the budget before). A layer fits
//                         by its rate and by its key frame: one that takes
//                         longer than kMaxKeyFrameBurst to pass at the
//                         budget does not (see there).
//   onPacket(...)         per video packet: forward only the current layer;
//                         a change of layer waits for a key frame of the new
//                         one (asked for at once, at most every 500 ms), so
//                         the receiver never gets a frame it cannot decode.
//
// Value type owned by the receiver's media leg, on the media strand; time
// injected. Pure logic, no I/O (unit-tested in tests/core/server).

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/base/clock.h"
#include "media/congestion/loss_based_controller.h"
#include "media/rtp/rtcp_packet.h"

namespace parley::server {

// ReceiverBudget: what the server may send one receiver in total (audio and
// video), the sender half of GCC with the server as the sender: the
// receiver's delay-based estimate (REMB) caps a loss-based target driven by
// its receiver reports. The loss half is what catches a link with a short
// drop-tail queue (a home router, tc tbf): the queue fills within a few
// frames and then only drops, so the delay never trends and the estimate can
// sit at its start for seconds while most of the video is lost. Value type
// owned by the receiver's media leg, on the media strand; time injected.
class ReceiverBudget {
 public:
  explicit ReceiverBudget(std::uint64_t start_bps);

  // The report blocks of one RTCP receiver (or sender) report from the
  // receiver, about the streams the server forwards it. Their losses count
  // weighted by each stream's packets since its previous block, so a thin
  // stream that lost one packet of three does not read as a lossy link.
  // `forwarded_bps`: what the server sends this receiver now. A loss-free
  // report raises the budget only while it is within reach of that (GCC's
  // throughput limit): a receiver stepped down to small layers sends no
  // loss because it gets little, which says nothing about a bigger layer.
  void onReportBlocks(Clock::TimePoint now, const std::vector<media::ReportBlock>& blocks,
                      std::uint64_t forwarded_bps);
  void onRemb(std::uint64_t bps);
  [[nodiscard]] std::uint64_t bps() const;
  // The loss of the latest report that counted (0..1), for logs and tests.
  [[nodiscard]] double lastLoss() const { return last_loss_; }

  // Fewer packets than this in a report's interval say nothing about loss.
  static constexpr std::int64_t kMinPacketsPerReport = 10;
  // The throughput limit: 1.5 x what is forwarded, plus room for a layer.
  static constexpr double kThroughputFactor = 1.5;
  static constexpr std::uint64_t kThroughputSlackBps = 100'000;

 private:
  media::LossBasedController controller_;
  std::unordered_map<std::uint32_t, std::uint32_t> last_highest_seq_;
  double last_loss_ = 0;
};

enum class VideoLayer : std::uint8_t { None, Low, High };
const char* videoLayerName(VideoLayer layer);

struct VideoSourceRates {
  std::uint32_t high_ssrc = 0;  // identifies the source
  std::uint32_t low_ssrc = 0;
  bool screen = false;
  std::uint64_t high_bps = 0;  // measured arrival rates of each layer
  std::uint64_t low_bps = 0;
  // Size of each layer's latest key frame, in bits (0: none seen yet).
  std::uint64_t high_key_bits = 0;
  std::uint64_t low_key_bits = 0;
};

class ReceiverVideoForwarding {
 public:
  struct Decision {
    bool forward = false;
    // Ask the sender for a key frame on this SSRC (a layer switch waits on it).
    std::optional<std::uint32_t> request_key_frame;
  };

  // New targets from the receiver's video budget (bit/s). Returns the SSRCs
  // to ask for a key frame (layers newly wanted).
  std::vector<std::uint32_t> plan(std::uint64_t budget_bps,
                                  const std::vector<VideoSourceRates>& sources,
                                  Clock::TimePoint now);

  // One packet of layer `ssrc` of source `high_ssrc`; `key_frame_start`: the
  // first packet of a key frame.
  Decision onPacket(std::uint32_t high_ssrc, std::uint32_t low_ssrc, std::uint32_t ssrc,
                    bool key_frame_start, Clock::TimePoint now);

  void forgetSource(std::uint32_t high_ssrc) { sources_.erase(high_ssrc); }
  [[nodiscard]] VideoLayer currentLayer(std::uint32_t high_ssrc) const;
  [[nodiscard]] VideoLayer targetLayer(std::uint32_t high_ssrc) const;

  static constexpr std::chrono::milliseconds kKeyFrameRequestInterval{500};
  // A key frame leaves the sender as one burst and is forwarded as it comes:
  // it queues at the receiver's bottleneck ahead of the voice, or (a short
  // home-router queue) is mostly dropped, asked for again, dropped again. A
  // static 1080p screen averages little but its key frame is ~100 KB: on a
  // 1 Mbit/s link it can never arrive whole. So a layer whose key frame
  // needs longer than this at the receiver's budget is not chosen.
  static constexpr std::chrono::milliseconds kMaxKeyFrameBurst{500};

 private:
  struct Source {
    // Until the first plan, a new source starts on the small layer: cheap to
    // start, and the plan moves it up within half a second when it fits.
    VideoLayer current = VideoLayer::None;
    VideoLayer target = VideoLayer::Low;
    std::uint32_t low_ssrc = 0;
    Clock::TimePoint last_request{};
    double high_avg = 0;  // smoothed layer rates, bit/s
    double low_avg = 0;
  };
  Source& sourceFor(std::uint32_t high_ssrc, std::uint32_t low_ssrc);

  std::unordered_map<std::uint32_t, Source> sources_;
};

}  // namespace parley::server
