#pragma once
// SrtpSession: one direction of one SRTP/SRTCP leg (RFC 3711), AES-256-GCM
// with a 16-byte tag (RFC 7714), through libsrtp2. A leg is client <-> server:
// each side holds an outbound session (protect) with its own write key and an
// inbound session (unprotect, with replay protection) with the peer's. Any
// SSRC is accepted (libsrtp's ssrc_any templates), so one session serves
// every stream on the leg: a server's outbound session to one receiver
// carries the streams of every other participant.
//
// Keys come from the TLS channel's exporter (see splitMediaKeys), never from
// the wire, so no second handshake is needed and a leg's keys are as secret
// as its TLS session.
//
// Threads: not thread-safe; each session belongs to one strand. Ownership: by
// value (movable), frees its libsrtp context on destruction.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/base/result.h"

struct srtp_ctx_t_;

namespace parley::net {

inline constexpr std::size_t kSrtpKeyBytes = 32;   // AES-256
inline constexpr std::size_t kSrtpSaltBytes = 12;  // RFC 7714 salt
// What protect() adds to a packet at most: the GCM tag, and for SRTCP the
// 4-byte E-flag/index word.
inline constexpr std::size_t kSrtpMaxOverhead = 16 + 4;
// The exporter output the two directions' keys are cut from.
inline constexpr std::size_t kMediaKeyingBytes = 2 * (kSrtpKeyBytes + kSrtpSaltBytes);
// The outbound sessions' replay window: libsrtp's minimum.
inline constexpr unsigned kOutboundReplayWindow = 64;
inline constexpr const char* kMediaExporterLabel = "EXTRACTOR-parley-srtp";

struct SrtpKey {
  std::array<std::byte, kSrtpKeyBytes + kSrtpSaltBytes> key_and_salt{};
};

struct MediaKeys {
  SrtpKey client_write;  // client protects, server unprotects
  SrtpKey server_write;  // server protects, client unprotects
};

// Cuts the exporter output (kMediaKeyingBytes, RFC 5764 order: client key,
// server key, client salt, server salt) into the two directions' keys.
Result<MediaKeys> splitMediaKeys(std::span<const std::byte> exported);

class SrtpSession {
 public:
  enum class Direction { Outbound, Inbound };

  // replay_window: packets an inbound session accepts out of order (64..32767).
  // Outbound sessions always use kOutboundReplayWindow: a packet forwarded
  // more than that many behind its stream's newest is refused by protect().
  static Result<SrtpSession> create(Direction direction, const SrtpKey& key,
                                    unsigned replay_window = 1024);

  SrtpSession(SrtpSession&& other) noexcept;
  SrtpSession& operator=(SrtpSession&& other) noexcept;
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;
  ~SrtpSession();

  // Outbound: encrypts and authenticates `packet` (a complete RTP or RTCP
  // packet) in place; it grows by at most kSrtpMaxOverhead bytes.
  Result<void> protectRtp(std::vector<std::byte>& packet);
  Result<void> protectRtcp(std::vector<std::byte>& packet);

  // Inbound: checks the tag and the replay window and decrypts in place;
  // returns the plain packet's length (a prefix of `packet`). A bad tag, a
  // replayed or a truncated packet gives SrtpFailed and leaves the session
  // as it was.
  Result<std::size_t> unprotectRtp(std::span<std::byte> packet);
  Result<std::size_t> unprotectRtcp(std::span<std::byte> packet);

  [[nodiscard]] Direction direction() const { return direction_; }

 private:
  SrtpSession(Direction direction, srtp_ctx_t_* ctx) : direction_(direction), ctx_(ctx) {}
  Result<void> protect(std::vector<std::byte>& packet, bool rtcp);
  Result<std::size_t> unprotect(std::span<std::byte> packet, bool rtcp);

  Direction direction_;
  srtp_ctx_t_* ctx_ = nullptr;
};

}  // namespace parley::net
