#include "media/congestion/followed_stream.h"

namespace parley::media {

std::uint32_t FollowedStream::choose(std::span<const StreamRate> streams, Clock::TimePoint now) {
  const StreamRate* biggest = nullptr;
  std::int64_t followed_bps = 0;
  bool followed_present = false;
  for (const auto& s : streams) {
    if (s.bps > 0 && (biggest == nullptr || s.bps > biggest->bps)) {
      biggest = &s;
    }
    if (s.ssrc == ssrc_ && ssrc_ != 0) {
      followed_present = true;
      followed_bps = s.bps;
    }
  }
  if (followed_present && followed_bps > 0) {
    last_heard_ = now;
  }
  const bool alive = followed_present && now - last_heard_ < kSilentFor;
  if (!alive) {
    // Nothing followed yet, or it went away or silent: the biggest now, if any.
    ssrc_ = biggest != nullptr ? biggest->ssrc : 0;
    last_heard_ = now;
    challenger_ = 0;
    return ssrc_;
  }
  if (biggest == nullptr || biggest->ssrc == ssrc_ || biggest->bps < kLeadFactor * followed_bps) {
    challenger_ = 0;
    return ssrc_;
  }
  if (biggest->ssrc != challenger_) {
    challenger_ = biggest->ssrc;
    challenged_since_ = now;
    return ssrc_;
  }
  if (now - challenged_since_ >= kLeadFor) {
    ssrc_ = challenger_;
    last_heard_ = now;
    challenger_ = 0;
  }
  return ssrc_;
}

}  // namespace parley::media
