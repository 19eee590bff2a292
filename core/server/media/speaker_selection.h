#pragma once
// SpeakerSelection: which voices of one room the server forwards. In a big
// room only the few loudest speakers are sent on (what SFUs call "last N" or
// dominant-speaker forwarding): with 100 open microphones and 1000 listeners
// forwarding everyone is 5 million packets a second; the top 3 are 150,000.
//
// Each packet's RFC 6464 level (media/rtp/audio_level.h) updates the stream's
// smoothed loudness (fast attack, slow release, so a speaker's short pauses
// do not drop them). A stream not selected replaces the quietest selected one
// only while it is louder by a margin for a short hold (hysteresis: two
// speakers of about the same loudness do not flap), which takes 100-140 ms
// for a new loud speaker. A selected stream that sent nothing for a while
// (DTX silence, or gone) counts as silent. While fewer than N streams are
// selected every stream that speaks is taken, so a room with at most N
// speakers forwards everyone as before. Packets without a level (older
// clients) are always forwarded and take no place among the N.
//
// Value type, one owner (the media strand); time is passed in.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/base/clock.h"
#include "media/rtp/audio_level.h"

namespace parley::server {

class SpeakerSelection {
 public:
  // Loudness is 127 - level (in dB above silence); these are its units.
  static constexpr double kSwitchMarginDb = 6.0;
  static constexpr auto kSwitchHold = std::chrono::milliseconds(100);
  static constexpr auto kSilentAfter = std::chrono::milliseconds(300);

  // max_speakers 0: no selection, every packet is forwarded.
  explicit SpeakerSelection(std::size_t max_speakers) : max_speakers_(max_speakers) {}

  // Whether this audio packet of `stream` (a participant) goes to the room.
  bool onPacket(std::uint64_t stream, std::optional<media::AudioLevel> level, Clock::TimePoint now);
  // The participant left: its place is free for the next speaker.
  void remove(std::uint64_t stream);

  [[nodiscard]] bool isSelected(std::uint64_t stream) const;
  [[nodiscard]] const std::vector<std::uint64_t>& selected() const { return selected_; }

 private:
  struct Stream {
    double loudness = 0;  // smoothed
    Clock::TimePoint last{};
    bool louder = false;              // louder than the quietest selected by the margin ...
    Clock::TimePoint louder_since{};  // ... since then
  };
  [[nodiscard]] double loudnessAt(const Stream& s, Clock::TimePoint now) const;

  std::size_t max_speakers_;
  std::unordered_map<std::uint64_t, Stream> streams_;
  std::vector<std::uint64_t> selected_;  // at most max_speakers_
};

}  // namespace parley::server
