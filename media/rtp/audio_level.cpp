#include "media/rtp/audio_level.h"

#include <algorithm>
#include <cmath>

namespace parley::media {

std::optional<AudioLevel> findAudioLevel(const RtpHeader& header, std::uint8_t id) {
  if (!header.extension || header.extension->profile != kOneByteExtensionProfile) {
    return std::nullopt;
  }
  const auto& words = header.extension->words;
  const std::size_t size = words.size() * 4;
  const auto byte_at = [&](std::size_t i) {
    return static_cast<std::uint8_t>(words[i / 4] >> (24 - 8 * (i % 4)));
  };
  std::size_t pos = 0;
  while (pos < size) {
    const std::uint8_t head = byte_at(pos);
    if (head == 0) {  // padding between elements (RFC 8285 section 4.2)
      ++pos;
      continue;
    }
    const std::uint8_t element_id = head >> 4;
    if (element_id == 15) {  // reserved: stop parsing the extension
      return std::nullopt;
    }
    const std::size_t length = (head & 0x0FU) + 1U;
    if (size - pos - 1 < length) {
      return std::nullopt;  // runs past the end: the whole extension is suspect
    }
    if (element_id == id) {
      if (length != 1) {
        return std::nullopt;
      }
      const std::uint8_t value = byte_at(pos + 1);
      return AudioLevel{static_cast<std::uint8_t>(value & 0x7FU), (value & 0x80U) != 0};
    }
    pos += 1 + length;
  }
  return std::nullopt;
}

void setAudioLevel(RtpHeader& header, AudioLevel level, std::uint8_t id) {
  if (!header.extension) {
    header.extension.emplace();
  }
  header.extension->profile = kOneByteExtensionProfile;
  header.extension->words.resize(1);
  const auto value = static_cast<std::uint32_t>((level.voice ? 0x80U : 0U) |
                                                std::min<std::uint8_t>(level.level, 127));
  // ID, length - 1 (0: one byte), the level, two bytes of padding.
  header.extension->words[0] = (static_cast<std::uint32_t>(id & 0x0FU) << 28) | (value << 16);
}

std::uint8_t pcmLevelDbov(std::span<const std::int16_t> samples) {
  if (samples.empty()) {
    return kAudioLevelSilent;
  }
  double sum = 0;
  for (const std::int16_t s : samples) {
    const double x = static_cast<double>(s) / 32768.0;
    sum += x * x;
  }
  const double rms = std::sqrt(sum / static_cast<double>(samples.size()));
  if (rms <= 0) {
    return kAudioLevelSilent;
  }
  const double dbov = -20.0 * std::log10(rms);
  return static_cast<std::uint8_t>(std::clamp(std::lround(dbov), 0L, 127L));
}

}  // namespace parley::media
