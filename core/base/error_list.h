// The one catalogue of Parley error codes. Append only: a number, once used,
// is never reused or renumbered, because codes appear in logs, in the wire
// protocol (ServerError.code) and in scripts that read parley-cli's JSON.
//
// Ranges per layer:
//   1-99     generic
//   100-199  protocol and framing
//   200-299  net: connecting, TLS
//   300-399  server: accounts, rooms, store, config
//   400-499  client session
//   500-599  media
//
// Each entry is PARLEY_ERROR(Name, number, "short-name"). The short name is
// what JSON output and the wire carry; it is stable, like the number.

#ifndef PARLEY_ERROR
#error "define PARLEY_ERROR(name, number, slug) before including error_list.h"
#endif

// generic
PARLEY_ERROR(Ok, 0, "ok")
PARLEY_ERROR(Internal, 1, "internal")
PARLEY_ERROR(InvalidArgument, 2, "invalid_argument")
PARLEY_ERROR(Io, 3, "io")
PARLEY_ERROR(Cancelled, 4, "cancelled")
PARLEY_ERROR(TimedOut, 5, "timed_out")
PARLEY_ERROR(NotFound, 6, "not_found")
PARLEY_ERROR(AlreadyExists, 7, "already_exists")
PARLEY_ERROR(ShuttingDown, 8, "shutting_down")
PARLEY_ERROR(Unavailable, 9, "unavailable")  // this system lacks the facility

// protocol and framing
PARLEY_ERROR(FrameTooLarge, 100, "frame_too_large")
PARLEY_ERROR(FrameTruncated, 101, "frame_truncated")
PARLEY_ERROR(MalformedMessage, 102, "malformed_message")
PARLEY_ERROR(UnknownMessage, 103, "unknown_message")
PARLEY_ERROR(UnsupportedVersion, 104, "unsupported_version")
PARLEY_ERROR(UnexpectedMessage, 105, "unexpected_message")
PARLEY_ERROR(HandshakeTimeout, 106, "handshake_timeout")
PARLEY_ERROR(KeepaliveTimeout, 107, "keepalive_timeout")
PARLEY_ERROR(ChatTooLong, 108, "chat_too_long")
PARLEY_ERROR(InvalidRoomName, 109, "invalid_room_name")
PARLEY_ERROR(SlowConsumer, 110, "slow_consumer")
PARLEY_ERROR(InvalidText, 111, "invalid_text")

// net
PARLEY_ERROR(ResolveFailed, 200, "resolve_failed")
PARLEY_ERROR(ConnectFailed, 201, "connect_failed")
PARLEY_ERROR(ConnectionClosed, 202, "connection_closed")
PARLEY_ERROR(TlsHandshakeFailed, 203, "tls_handshake_failed")
PARLEY_ERROR(TlsInspection, 204, "tls_inspection")
PARLEY_ERROR(TlsPolicy, 205, "tls_policy")
PARLEY_ERROR(CertificateGeneration, 206, "certificate_generation")
// connecting through proxies, and the race
PARLEY_ERROR(ConnectionRefused, 207, "connection_refused")
PARLEY_ERROR(ProxyAuthRequired, 208, "proxy_auth_required")
PARLEY_ERROR(ProxyRefused, 209, "proxy_refused")
PARLEY_ERROR(ProxyProtocolError, 210, "proxy_protocol_error")
PARLEY_ERROR(TunnelFailed, 211, "tunnel_failed")
PARLEY_ERROR(SocksRejected, 212, "socks_rejected")
PARLEY_ERROR(PacFailed, 213, "pac_failed")
PARLEY_ERROR(WpadFailed, 214, "wpad_failed")
PARLEY_ERROR(ResponseTooLarge, 215, "response_too_large")
PARLEY_ERROR(HelloFailed, 216, "hello_failed")
PARLEY_ERROR(NetworkUnreachable, 217, "network_unreachable")

// server
PARLEY_ERROR(AuthFailed, 300, "auth_failed")
PARLEY_ERROR(RateLimited, 301, "rate_limited")
PARLEY_ERROR(NotSignedIn, 302, "not_signed_in")
PARLEY_ERROR(NotInRoom, 303, "not_in_room")
PARLEY_ERROR(StoreFailed, 304, "store_failed")
PARLEY_ERROR(ConfigInvalid, 305, "config_invalid")
PARLEY_ERROR(ServerShutdown, 306, "server_shutdown")
PARLEY_ERROR(InvalidUserName, 307, "invalid_user_name")
PARLEY_ERROR(ClientInstanceTaken, 308, "client_instance_taken")
PARLEY_ERROR(RoomLocked, 309, "room_locked")  // the owner locked the room
PARLEY_ERROR(NotInvited, 310, "not_invited")  // the room admits a list; not on it
PARLEY_ERROR(RemovedFromRoom, 311, "removed_from_room")
PARLEY_ERROR(NotRoomOwner, 312, "not_room_owner")  // an owner's action by someone else
PARLEY_ERROR(StoreFull, 313, "store_full")         // the server's disk is full; not stored

// client
PARLEY_ERROR(AllAttemptsFailed, 400, "all_attempts_failed")
PARLEY_ERROR(SessionClosed, 401, "session_closed")
PARLEY_ERROR(OutboxFull, 402, "outbox_full")
PARLEY_ERROR(NetworkChanged, 403, "network_changed")  // the path went away with the network

// media
PARLEY_ERROR(MediaMalformedPacket, 500, "media_malformed_packet")
PARLEY_ERROR(MediaCodecFailed, 501, "media_codec_failed")
PARLEY_ERROR(MediaFileInvalid, 502, "media_file_invalid")
PARLEY_ERROR(SrtpFailed, 503, "srtp_failed")
PARLEY_ERROR(MediaUnsupported, 504, "media_unsupported")
PARLEY_ERROR(CaptureFailed, 505, "capture_failed")

// peer-to-peer paths (ICE, DTLS-SRTP)
PARLEY_ERROR(IceFailed, 600, "ice_failed")
PARLEY_ERROR(IceCandidateInvalid, 601, "ice_candidate_invalid")
PARLEY_ERROR(DtlsFailed, 602, "dtls_failed")
PARLEY_ERROR(PeerFingerprintMismatch, 603, "peer_fingerprint_mismatch")
