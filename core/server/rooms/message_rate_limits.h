#pragma once
// MessageRateLimits: what one signed-in participant may send per second, by
// kind of message, so a participant who floods is held back on its own
// connection's strand before anything reaches the room (whose strand every
// member shares): one flooder cannot delay the others' messages.
//
// One token bucket per kind, refilled at `per_second` and holding at most
// `burst` tokens; a message takes one token or is over the limit. What the
// caller does then depends on the kind (docs/server-admin.md, "Limits"):
// chat is refused with rate_limited, presence and signalling are dropped.
// A participant whose messages are over the limit `disconnect_after` times
// in a row (nothing let through between) is flooding on purpose and may be
// disconnected; 0 turns that off.
//
// Threads: none of its own; owned by one ClientConnection and used only on
// its strand. Time comes from the injected Clock.

#include <array>
#include <chrono>
#include <cstdint>

#include "core/base/clock.h"

namespace parley::server {

// In the order of ServerMetrics::kMessageKindLabels.
enum class MessageKind { Chat, Presence, Signal };

class TokenBucket {
 public:
  TokenBucket(std::uint32_t per_second, std::uint32_t burst, Clock::TimePoint now);
  // Takes one token when there is one.
  [[nodiscard]] bool take(Clock::TimePoint now);

 private:
  void refill(Clock::TimePoint now);

  // Tokens in millionths, so a low rate still refills between messages.
  static constexpr std::int64_t kScale = 1000000;
  const std::int64_t per_second_;
  const std::int64_t capacity_;
  std::int64_t tokens_;
  Clock::TimePoint last_;
};

class MessageRateLimits {
 public:
  struct Limits {
    std::uint32_t chat_per_s = 5;
    std::uint32_t chat_burst = 30;
    std::uint32_t presence_per_s = 10;
    std::uint32_t presence_burst = 40;
    std::uint32_t signal_per_s = 20;
    std::uint32_t signal_burst = 120;
    std::uint32_t disconnect_after = 1000;
  };
  enum class Verdict { Allow, OverLimit, Disconnect };

  MessageRateLimits(const Clock& clock, const Limits& limits);

  Verdict admit(MessageKind kind);

 private:
  const Clock& clock_;
  const std::uint32_t disconnect_after_;
  std::array<TokenBucket, 3> buckets_;
  std::uint32_t over_in_a_row_ = 0;
};

}  // namespace parley::server
