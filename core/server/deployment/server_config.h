#pragma once
// ServerConfig: parleyd's one TOML file, parsed and validated. Every error
// names the key and what is wrong with it; unknown keys are errors (a typo
// must not silently fall back to a default). Relative paths are resolved
// against the config file's directory. Pure functions, any thread.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace parley::server {

struct Endpoint {
  std::string address;  // numeric IPv4 or IPv6, no brackets
  std::uint16_t port = 0;
  [[nodiscard]] std::string toString() const;  // "1.2.3.4:5" or "[::1]:5"
};

// "ADDR:PORT" or "[V6]:PORT". Port 0 (ephemeral) is allowed.
Result<Endpoint> parseEndpoint(std::string_view text);

enum class Synchronous { Normal, Full };
enum class StoreBackend { Sqlite, Postgresql };

struct ServerConfig {
  std::filesystem::path config_file;
  // [server]
  std::string name = "parley";
  std::vector<Endpoint> tcp = {{"0.0.0.0", 443}, {"0.0.0.0", 5228}};
  Endpoint udp = {"0.0.0.0", 5228};
  unsigned threads = 0;  // 0 = number of cores
  // Connections not yet signed in (TCP accepted, in the TLS handshake, or
  // before a successful sign-in), per source (IPv4 address or IPv6 /64) and
  // in total. Past either, new connections are closed right after accept.
  std::uint32_t max_unauthenticated_per_address = 32;
  std::uint32_t max_unauthenticated = 1024;
  // [tls]
  std::filesystem::path certificate;
  std::filesystem::path private_key;
  std::filesystem::path ca_certificate;
  // [store]
  StoreBackend store_backend = StoreBackend::Sqlite;
  std::filesystem::path store_path;               // SQLite
  Synchronous synchronous = Synchronous::Normal;  // SQLite
  std::string store_postgresql;                   // PostgreSQL: a libpq connection string
  // [rooms]
  std::chrono::seconds idle_timeout{120};
  std::chrono::seconds keepalive_interval{20};
  std::uint32_t history_on_join = 200;
  // [accounts]
  // Defaults equal libsodium's crypto_pwhash_*_INTERACTIVE (checked in the .cpp).
  std::uint64_t argon2_opslimit = 2;
  std::uint64_t argon2_memlimit_kib = 64 * 1024;
  // Wrong passwords for one account from one source (IPv4 address or IPv6
  // /64) before that pair is refused for a while. Per pair, not per
  // account: strangers elsewhere must not be able to lock the owner out.
  std::uint32_t max_failures = 5;
  // Failures one source address may make across all accounts before it is
  // slowed too. Higher than max_failures: people behind one NAT or proxy
  // share an address, and one of them mistyping must not lock out the rest.
  std::uint32_t address_max_failures = 20;
  // The first lockout past a threshold; each further failure doubles it.
  std::chrono::seconds lockout_first{1};
  std::chrono::seconds lockout_max{300};
  // Wrong passwords for one account from all sources together before its
  // sign-ins are slowed (never refused): 100 ms, doubled per further
  // failure, at most account_delay_max (kept far below the 10 s handshake
  // deadline). A sign-in from where the account signed in before is exempt.
  std::uint32_t account_slow_after = 10;
  std::chrono::milliseconds account_delay_max{2000};
  // How long a resume token stays valid after it is issued (each sign-in
  // issues a fresh one); 0 = the server issues none and every sign-in pays
  // the password hash (docs/security.md, "Resume tokens").
  std::chrono::hours resume_token_lifetime{14 * 24};
  // [limits] Messages per signed-in participant: a token bucket per kind,
  // refilled at *_per_s and holding at most *_burst. A person typing or
  // pasting never gets near them; docs/server-admin.md says what happens
  // past them.
  std::uint32_t chat_per_s = 5;
  std::uint32_t chat_burst = 30;
  std::uint32_t presence_per_s = 10;
  std::uint32_t presence_burst = 40;
  std::uint32_t signal_per_s = 20;
  std::uint32_t signal_burst = 120;
  // Messages refused or dropped in a row (none let through between) after
  // which the participant is disconnected with a fatal rate_limited; 0 = never.
  std::uint32_t flood_disconnect_after = 1000;
  // [log]
  std::string log_level = "info";
  // Where log lines go besides stderr (the journal under systemd).
  enum class Syslog { Off, Local, Udp };
  Syslog syslog = Syslog::Off;
  Endpoint syslog_collector;               // Udp: RFC 5424 datagrams to this address
  std::string syslog_socket = "/dev/log";  // Local: the syslog daemon's datagram socket
  std::string syslog_facility = "daemon";  // RFC 5424 facility name
  // [metrics] Prometheus text over HTTP; off unless enabled, loopback by default.
  bool metrics_enabled = false;
  Endpoint metrics_address = {"127.0.0.1", 9464};
  // [media] The per-stream budget (kbit/s on the wire; docs/server-admin.md).
  // Only `parleyd network-requirements` reads these, to plan bandwidth: the
  // forwarder passes on what clients send, and each client sets its own rates
  // under its 2.5 Mbit/s cap (docs/media.md, "Bandwidth").
  std::uint32_t audio_kbps = 120;        // Opus voice, about 15 KB/s a stream
  std::uint32_t video_kbps = 880;        // camera
  std::uint32_t screen_kbps = 1500;      // screen sharing, one presenter at a time
  std::uint32_t max_upload_kbps = 2500;  // what one client sends at most, in total
  // The forwarder sends on only this many voices per room, the loudest (by
  // the RFC 6464 level clients send); 0: every voice (docs/media.md).
  std::uint32_t max_forwarded_speakers = 3;
  // [interconnect] Servers that share rooms with this one (docs/interconnect.md).
  // This server's relay pair: media (UDP) on `port`, the TLS control link
  // (TCP) on `control_port`; both bound on [server] udp's address.
  std::uint16_t interconnect_port = 5564;
  std::uint16_t interconnect_control_port = 5565;
  struct InterconnectPeer {
    std::string name;           // that server's [server] name, as it says in its hello
    std::string address;        // numeric
    std::uint16_t port = 5564;  // its relay pair
    std::uint16_t control_port = 5565;
    // How the two authenticate each other: a secret both configs hold (at
    // least 32 characters), or that server's certificate (PEM), or both.
    std::string secret;
    std::filesystem::path certificate;
  };
  std::vector<InterconnectPeer> interconnect_peers;
  // [peer] Peer-to-peer paths for two-person rooms (docs/media.md). Off: no
  // client is ever asked to try one, so no peer traffic at all.
  bool peer_enabled = true;
  std::optional<Endpoint> peer_stun;  // handed to clients; numeric address
  struct TurnServer {
    std::string transport;  // "udp", "tcp", "tls"
    Endpoint endpoint;      // numeric address
  };
  std::vector<TurnServer> peer_turn;
  // coturn's static-auth-secret (use-auth-secret): clients get time-limited
  // credentials made from it, never a long-term TURN password.
  std::string peer_turn_secret;
  std::chrono::seconds peer_turn_ttl{3600};

  // Worker count after resolving 0 to the number of cores.
  [[nodiscard]] unsigned effectiveThreads() const;
};

// Reads and validates `path`. Errors are ConfigInvalid (or Io when unreadable)
// with "FILE: [section] key: what is wrong".
Result<ServerConfig> loadServerConfig(const std::filesystem::path& path);

// Parses TOML text; `base_dir` resolves relative paths, `source` names the
// text in errors.
Result<ServerConfig> parseServerConfig(std::string_view toml_text,
                                       const std::filesystem::path& base_dir,
                                       const std::string& source);

// The commented file `parleyd init` writes (relative paths to its siblings).
// `store_path` empty = "parley.db" beside the config.
std::string renderDefaultConfig(const std::string& name, const std::vector<Endpoint>& tcp,
                                const Endpoint& udp, const std::string& store_path = "");

// "daemon", "local0".."local7", "user": the RFC 5424 facility number, or -1.
int syslogFacilityNumber(std::string_view name);

}  // namespace parley::server
