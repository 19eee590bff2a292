#pragma once
// ServerMetrics: the counters parleyd exposes in Prometheus text format
// (`GET /metrics`, see MetricsHttpServer). One instance per running server,
// owned by the ServerContext. Threads: every method is safe from any thread;
// counters are relaxed atomics (a scrape needs no cross-counter consistency),
// the per-port map is guarded by its mutex.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/thread_check.h"

namespace parley::server {

class ServerMetrics {
 public:
  // A TCP connection accepted on the listener with local port `port`. The
  // port alone cannot tell how the client got there (by the race's design,
  // 443 carries direct and web-proxy clients, 5228 direct and SOCKS); the
  // method each client names in its hello is counted by helloReceived().
  void connectionAccepted(std::uint16_t port);
  void tlsHandshakeFailed(std::uint16_t port);
  // A connection closed right after accept because its source ("per_address")
  // or the server ("total") already had as many unauthenticated connections
  // as allowed. Not counted as accepted.
  void connectionRefused(bool per_address);
  // A connection said hello; `method` is its ClientHello.connection_method.
  // Counted under a bounded set of labels: the protocol's methods, "unknown"
  // (empty: an older client or a connector that cannot tell) and "other"
  // (anything else; a client's string never becomes a label).
  void helloReceived(std::string_view method);
  static constexpr std::array<const char*, 7> kMethodLabels = {"direct",  "http_proxy", "socks4",
                                                               "socks4a", "socks5",     "unknown",
                                                               "other"};
  void signInSucceeded();
  // reason: "wrong_password" (or unknown user), "rate_limited", "store".
  void signInFailed(const std::string& reason);
  // A sign-in waited for its account's backoff (AccountBackoff).
  void signInSlowed();
  // A password was checked with Argon2 (on the hash pool).
  void passwordHashed();
  // A sign-in succeeded with a resume token (no Argon2).
  void resumeTokenSignIn();
  // A signed-in participant's message over its rate limit (refused or
  // dropped), by kind: an index into kMessageKindLabels.
  static constexpr std::array<const char*, 3> kMessageKindLabels = {"chat", "presence", "signal"};
  void messageOverLimit(std::size_t kind);
  // A participant disconnected for flooding far past its limits.
  void floodDisconnected();
  void participantJoined();
  void participantLeft();
  // One frame (control or, later, media) forwarded to one room member.
  void forwarded(std::uint64_t bytes);
  // A packet the media port refused (docs/media.md, "The media port").
  enum class MediaDrop : std::uint8_t {
    Auth,                // bad tag, replay, or keys that are not the SSRC owner's
    UnknownSsrc,         // no participant has it (e.g. forged by a stranger)
    ForeignSsrc,         // a participant's own keys, someone else's SSRC
    Malformed,           // too short, too long, unparseable
    UnconfirmedAddress,  // genuine, but from an address not confirmed yet
  };
  static constexpr std::array<const char*, 5> kMediaDropLabels = {"auth", "unknown_ssrc",
                                                                  "foreign_ssrc", "malformed",
                                                                  "unconfirmed_address"};
  void mediaDropped(MediaDrop reason);
  // The media port's address checks: sent, and answered (an address moved).
  void mediaAddressCheckSent();
  void mediaAddressConfirmed();

  // Gauges the registry does not own are passed in at render time.
  struct Gauges {
    std::uint64_t connections_open = 0;
    std::uint64_t rooms_open = 0;
    std::uint64_t unauthenticated = 0;
    // heapInUseBytes(); left out of the page where the allocator cannot tell.
    std::optional<std::uint64_t> heap_in_use_bytes;
    // Of that, what SQLite holds (its page cache, bounded by cache_size).
    std::uint64_t store_memory_bytes = 0;
  };
  // Prometheus text exposition format 0.0.4.
  [[nodiscard]] std::string renderPrometheus(const Gauges& gauges,
                                             const std::string& version) const;

 private:
  struct PortCounters {
    std::uint64_t accepted = 0;
    std::uint64_t tls_failed = 0;
  };
  // Guards ports_ and sign_in_failures_; held only to update or copy them.
  mutable std::mutex mu_;
  std::map<std::uint16_t, PortCounters> ports_ PARLEY_GUARDED_BY(mu_);
  std::map<std::string, std::uint64_t> sign_in_failures_ PARLEY_GUARDED_BY(mu_);
  std::array<std::atomic<std::uint64_t>, kMethodLabels.size()> by_method_{};
  std::atomic<std::uint64_t> sign_ins_{0};
  std::atomic<std::uint64_t> sign_ins_slowed_{0};
  std::atomic<std::uint64_t> passwords_hashed_{0};
  std::atomic<std::uint64_t> resume_token_sign_ins_{0};
  std::array<std::atomic<std::uint64_t>, kMessageKindLabels.size()> over_limit_{};
  std::atomic<std::uint64_t> flood_disconnects_{0};
  std::atomic<std::uint64_t> refused_per_address_{0};
  std::atomic<std::uint64_t> refused_total_{0};
  std::atomic<std::int64_t> participants_{0};
  std::atomic<std::uint64_t> forwarded_packets_{0};
  std::atomic<std::uint64_t> forwarded_bytes_{0};
  std::array<std::atomic<std::uint64_t>, kMediaDropLabels.size()> media_dropped_{};
  std::atomic<std::uint64_t> media_checks_sent_{0};
  std::atomic<std::uint64_t> media_addresses_confirmed_{0};
};

}  // namespace parley::server
