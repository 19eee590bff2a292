#include "media/rtp/audio_level.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tests/media/rtp/packet_bytes.h"

using parley::media::AudioLevel;
using parley::media::findAudioLevel;
using parley::media::kOneByteExtensionProfile;
using parley::media::parseRtp;
using parley::media::pcmLevelDbov;
using parley::media::RtpExtension;
using parley::media::RtpHeader;
using parley::media::setAudioLevel;
using parley::media::writeRtp;
using parley::media::test::bytes;

namespace {

RtpHeader withWords(std::vector<std::uint32_t> words,
                    std::uint16_t profile = kOneByteExtensionProfile) {
  RtpHeader h;
  h.extension = RtpExtension{profile, std::move(words)};
  return h;
}

}  // namespace

TEST_CASE("Audio level: the RFC 6464 example bytes as they go on the wire") {
  // X=1, PT 111, then 0xBEDE, 1 word: ID 1, L 0, V=1 level 42, padding.
  const auto packet = bytes({0x90, 0x6F, 0x00, 0x01, 0,    0,    0,         0,    0,    0,   0,
                             7,    0xBE, 0xDE, 0x00, 0x01, 0x10, 0x80 | 42, 0x00, 0x00, 'o', 'p'});
  const auto view = parseRtp(packet);
  REQUIRE(view);
  const auto level = findAudioLevel(view->header);
  REQUIRE(level);
  CHECK(level->level == 42);
  CHECK(level->voice);
  CHECK(view->payload.size() == 2);
}

TEST_CASE("Audio level: setAudioLevel and findAudioLevel round trip through the packet") {
  for (const AudioLevel in : {AudioLevel{0, true}, AudioLevel{127, false}, AudioLevel{63, true}}) {
    RtpHeader h;
    h.payload_type = 111;
    h.ssrc = 9;
    setAudioLevel(h, in);
    std::vector<std::byte> out;
    const auto payload = bytes({1, 2, 3});
    writeRtp(h, payload, out);
    const auto view = parseRtp(out);
    REQUIRE(view);
    CHECK(findAudioLevel(view->header) == in);
    CHECK(view->payload.size() == 3);
  }
}

TEST_CASE("Audio level: setAudioLevel reuses the header's extension") {
  RtpHeader h;
  setAudioLevel(h, AudioLevel{10, true});
  const auto* storage = h.extension->words.data();
  setAudioLevel(h, AudioLevel{90, false});
  CHECK(h.extension->words.data() == storage);
  CHECK(findAudioLevel(h) == AudioLevel{90, false});
}

TEST_CASE("Audio level: found among other elements and padding") {
  // ID 2 (two bytes), padding byte, ID 1 level 20 (no V), padding.
  const auto h = withWords({0x21AABB00U, 0x10140000U});
  const auto level = findAudioLevel(h);
  REQUIRE(level);
  CHECK(level->level == 20);
  CHECK_FALSE(level->voice);
}

TEST_CASE("Audio level: absent or malformed extensions give nothing") {
  CHECK_FALSE(findAudioLevel(RtpHeader{}));                            // no extension
  CHECK_FALSE(findAudioLevel(withWords({0x10800000U}, 0x1000)));       // two-byte form
  CHECK_FALSE(findAudioLevel(withWords({})));                          // no elements
  CHECK_FALSE(findAudioLevel(withWords({0x00000000U})));               // only padding
  CHECK_FALSE(findAudioLevel(withWords({0x20010000U})));               // another ID only
  CHECK_FALSE(findAudioLevel(withWords({0x11808000U})));               // level of two bytes
  CHECK_FALSE(findAudioLevel(withWords({0x2F000000U, 0x10800000U})));  // ID 2 runs past the end
  CHECK_FALSE(findAudioLevel(withWords({0xF0000000U, 0x10800000U})));  // ID 15 stops parsing
  CHECK_FALSE(findAudioLevel(withWords({0x0000001FU})));               // element header at the end
}

TEST_CASE("Audio level: PCM level in -dBov") {
  std::vector<std::int16_t> pcm(960, 0);
  CHECK(pcmLevelDbov(pcm) == 127);
  CHECK(pcmLevelDbov({}) == 127);
  std::fill(pcm.begin(), pcm.end(), std::int16_t{-32768});
  CHECK(pcmLevelDbov(pcm) == 0);  // a full-scale square wave
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    pcm[i] = static_cast<std::int16_t>(3277 * std::sin(static_cast<double>(i) * 0.1));
  }
  CHECK(pcmLevelDbov(pcm) == 23);  // 0.1 of full scale, sine: -20 - 3 dBov
}
