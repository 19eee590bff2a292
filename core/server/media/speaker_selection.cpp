#include "core/server/media/speaker_selection.h"

#include <algorithm>

namespace parley::server {
namespace {

// Per 20 ms packet: a voice that starts is followed within two packets, one
// that stops fades over about half a second (the gaps between words).
constexpr double kAttack = 0.5;
constexpr double kRelease = 0.05;

}  // namespace

double SpeakerSelection::loudnessAt(const Stream& s, Clock::TimePoint now) const {
  return now - s.last > kSilentAfter ? 0.0 : s.loudness;
}

bool SpeakerSelection::onPacket(std::uint64_t stream, std::optional<media::AudioLevel> level,
                                Clock::TimePoint now) {
  if (max_speakers_ == 0 || !level) {
    return true;
  }
  Stream& s = streams_[stream];
  const double current = loudnessAt(s, now);
  // The V bit: a sender that says "no voice" (noise, silence) is not a speaker.
  const double heard = level->voice ? 127.0 - level->level : 0.0;
  s.loudness = current + (heard > current ? kAttack : kRelease) * (heard - current);
  s.last = now;
  if (isSelected(stream)) {
    return true;
  }
  if (selected_.size() < max_speakers_) {
    selected_.push_back(stream);
    s.louder = false;
    return true;
  }
  auto quietest = selected_.end();
  double quietest_loudness = 0;
  for (auto it = selected_.begin(); it != selected_.end(); ++it) {
    const auto found = streams_.find(*it);
    const double l = found == streams_.end() ? 0.0 : loudnessAt(found->second, now);
    if (quietest == selected_.end() || l < quietest_loudness) {
      quietest = it;
      quietest_loudness = l;
    }
  }
  if (s.loudness < quietest_loudness + kSwitchMarginDb) {
    s.louder = false;
    return false;
  }
  if (!s.louder) {
    s.louder = true;
    s.louder_since = now;
  }
  if (now - s.louder_since < kSwitchHold) {
    return false;
  }
  *quietest = stream;
  s.louder = false;
  return true;
}

void SpeakerSelection::remove(std::uint64_t stream) {
  streams_.erase(stream);
  std::erase(selected_, stream);
}

bool SpeakerSelection::isSelected(std::uint64_t stream) const {
  return std::find(selected_.begin(), selected_.end(), stream) != selected_.end();
}

}  // namespace parley::server
