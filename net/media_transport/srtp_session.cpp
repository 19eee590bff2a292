#include "net/media_transport/srtp_session.h"

#include <srtp2/srtp.h>

#include <cstring>
#include <limits>
#include <mutex>
#include <string>

namespace parley::net {
namespace {

// libsrtp keeps global state (its crypto kernel); srtp_init() must run once
// before the first session, from any thread.
Result<void> ensureSrtpInitialized() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  if (status != srtp_err_status_ok) {
    return makeError(ErrorCode::SrtpFailed,
                     "libsrtp could not start (status " + std::to_string(status) + ")");
  }
  return {};
}

std::string describe(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_auth_fail:
      return "authentication tag does not match (forged, corrupted or wrong key)";
    case srtp_err_status_replay_fail:
      return "replayed packet";
    case srtp_err_status_replay_old:
      return "packet older than the replay window";
    case srtp_err_status_bad_param:
      return "malformed packet";
    case srtp_err_status_no_ctx:
      return "no stream for this SSRC";
    default:
      return "libsrtp status " + std::to_string(status);
  }
}

}  // namespace

Result<MediaKeys> splitMediaKeys(std::span<const std::byte> exported) {
  if (exported.size() != kMediaKeyingBytes) {
    return makeError(ErrorCode::SrtpFailed,
                     "media keying material has " + std::to_string(exported.size()) +
                         " bytes, expected " + std::to_string(kMediaKeyingBytes));
  }
  MediaKeys keys;
  auto take = [&exported](std::size_t offset, std::size_t n, std::byte* out) {
    std::memcpy(out, exported.data() + offset, n);
  };
  // RFC 5764 section 4.2 order: client key, server key, client salt, server salt.
  take(0, kSrtpKeyBytes, keys.client_write.key_and_salt.data());
  take(kSrtpKeyBytes, kSrtpKeyBytes, keys.server_write.key_and_salt.data());
  take(2 * kSrtpKeyBytes, kSrtpSaltBytes, keys.client_write.key_and_salt.data() + kSrtpKeyBytes);
  take(2 * kSrtpKeyBytes + kSrtpSaltBytes, kSrtpSaltBytes,
       keys.server_write.key_and_salt.data() + kSrtpKeyBytes);
  return keys;
}

Result<SrtpSession> SrtpSession::create(Direction direction, const SrtpKey& key,
                                        unsigned replay_window) {
  if (auto ok = ensureSrtpInitialized(); !ok) {
    return makeError(std::move(ok).error());
  }
  if (replay_window < 64 || replay_window > 0x7fff) {
    return makeError(ErrorCode::InvalidArgument, "SRTP replay window must be 64..32767");
  }
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
  srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
  policy.ssrc.type = direction == Direction::Outbound ? ssrc_any_outbound : ssrc_any_inbound;
  // libsrtp reads the key but its API takes a non-const pointer.
  auto key_copy = key.key_and_salt;
  policy.key = reinterpret_cast<unsigned char*>(key_copy.data());
  // libsrtp keeps a replay bitmap of window_size bits in every stream (one per
  // SSRC) of both directions. An outbound stream only uses it to refuse
  // sending one index twice, so it gets libsrtp's minimum: parleyd's
  // outbound session to each receiver holds a stream per speaker it forwarded.
  policy.window_size = direction == Direction::Outbound ? kOutboundReplayWindow : replay_window;
  policy.allow_repeat_tx = 0;
  policy.next = nullptr;
  srtp_t ctx = nullptr;
  const auto status = srtp_create(&ctx, &policy);
  std::memset(key_copy.data(), 0, key_copy.size());
  if (status != srtp_err_status_ok) {
    return makeError(ErrorCode::SrtpFailed, "cannot create SRTP session: " + describe(status));
  }
  return SrtpSession(direction, ctx);
}

SrtpSession::SrtpSession(SrtpSession&& other) noexcept
    : direction_(other.direction_), ctx_(other.ctx_) {
  other.ctx_ = nullptr;
}

SrtpSession& SrtpSession::operator=(SrtpSession&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) {
      srtp_dealloc(ctx_);
    }
    direction_ = other.direction_;
    ctx_ = other.ctx_;
    other.ctx_ = nullptr;
  }
  return *this;
}

SrtpSession::~SrtpSession() {
  if (ctx_ != nullptr) {
    srtp_dealloc(ctx_);
  }
}

Result<void> SrtpSession::protectRtp(std::vector<std::byte>& packet) {
  return protect(packet, false);
}
Result<void> SrtpSession::protectRtcp(std::vector<std::byte>& packet) {
  return protect(packet, true);
}
Result<std::size_t> SrtpSession::unprotectRtp(std::span<std::byte> packet) {
  return unprotect(packet, false);
}
Result<std::size_t> SrtpSession::unprotectRtcp(std::span<std::byte> packet) {
  return unprotect(packet, true);
}

Result<void> SrtpSession::protect(std::vector<std::byte>& packet, bool rtcp) {
  if (ctx_ == nullptr || direction_ != Direction::Outbound) {
    return makeError(ErrorCode::Internal, "protect on an inbound or moved-from SRTP session");
  }
  // RTP needs at least its fixed header, RTCP its common header plus the sender SSRC.
  const std::size_t minimum = rtcp ? 8 : 12;
  if (packet.size() < minimum ||
      packet.size() >
          static_cast<std::size_t>(std::numeric_limits<int>::max()) - SRTP_MAX_TRAILER_LEN) {
    return makeError(ErrorCode::MediaMalformedPacket, "packet too short or too long to protect");
  }
  const std::size_t plain = packet.size();
  packet.resize(plain + SRTP_MAX_TRAILER_LEN);
  int len = static_cast<int>(plain);
  const auto status =
      rtcp ? srtp_protect_rtcp(ctx_, packet.data(), &len) : srtp_protect(ctx_, packet.data(), &len);
  if (status != srtp_err_status_ok) {
    packet.resize(plain);
    return makeError(ErrorCode::SrtpFailed, "cannot protect packet: " + describe(status));
  }
  packet.resize(static_cast<std::size_t>(len));
  return {};
}

Result<std::size_t> SrtpSession::unprotect(std::span<std::byte> packet, bool rtcp) {
  if (ctx_ == nullptr || direction_ != Direction::Inbound) {
    return makeError(ErrorCode::Internal, "unprotect on an outbound or moved-from SRTP session");
  }
  const std::size_t minimum = rtcp ? 8 + 4 + 16 : 12 + 16;
  if (packet.size() < minimum || packet.size() > 65535) {
    return makeError(ErrorCode::SrtpFailed, "packet too short or too long to be SRTP");
  }
  int len = static_cast<int>(packet.size());
  const auto status = rtcp ? srtp_unprotect_rtcp(ctx_, packet.data(), &len)
                           : srtp_unprotect(ctx_, packet.data(), &len);
  if (status != srtp_err_status_ok) {
    return makeError(ErrorCode::SrtpFailed, describe(status));
  }
  return static_cast<std::size_t>(len);
}

}  // namespace parley::net
