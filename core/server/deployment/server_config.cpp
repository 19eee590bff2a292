#include "core/server/deployment/server_config.h"

#include <sodium.h>

#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <thread>

#include <toml++/toml.h>
#include <asio/ip/address.hpp>

namespace parley::server {
namespace {

// More voices than anyone can follow at once; the bound keeps a typo from
// meaning "forward everyone" in a 1000-member room.
constexpr std::int64_t kMaxForwardedSpeakersLimit = 32;
constexpr std::size_t kMinInterconnectSecret = 32;

static_assert(crypto_pwhash_OPSLIMIT_INTERACTIVE == 2);
static_assert(crypto_pwhash_MEMLIMIT_INTERACTIVE == 64 * 1024 * 1024);

// Collects the context ("FILE: [section] key") so each error says where.
class Parser {
 public:
  Parser(const toml::table& root, std::filesystem::path base_dir, std::string source)
      : root_(root), base_dir_(std::move(base_dir)), source_(std::move(source)) {}

  Result<ServerConfig> parse() {
    ServerConfig config;
    if (auto ok = checkKeys(root_, "",
                            {"server", "tls", "store", "rooms", "accounts", "limits", "log",
                             "metrics", "media", "interconnect", "peer"});
        !ok) {
      return makeError(std::move(ok).error());
    }
    for (const char* section : {"server", "tls", "store", "rooms", "accounts", "limits", "log",
                                "metrics", "media", "interconnect", "peer"}) {
      if (const auto* node = root_.get(section); node != nullptr && !node->is_table()) {
        return bad(section, "", "must be a table ([" + std::string(section) + "])");
      }
    }
    const toml::table empty;
    auto section = [&](const char* name) -> const toml::table& {
      const auto* t = root_.get_as<toml::table>(name);
      return t != nullptr ? *t : empty;
    };

    // [server]
    const auto& srv = section("server");
    if (auto ok = checkKeys(srv, "server",
                            {"name", "tcp", "udp", "threads", "max_unauthenticated_per_address",
                             "max_unauthenticated"});
        !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto v = string(srv, "server", "name"); !v) {
      return makeError(std::move(v).error());
    } else if (!v->empty()) {
      config.name = *v;
      if (config.name.size() > 64) {
        return bad("server", "name", "must be at most 64 bytes");
      }
    }
    if (const auto* tcp = srv.get("tcp")) {
      const auto* arr = tcp->as_array();
      if (arr == nullptr) {
        return bad("server", "tcp", "must be an array of \"ADDR:PORT\" strings");
      }
      config.tcp.clear();
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto* s = (*arr)[i].as_string();
        if (s == nullptr) {
          return bad("server", "tcp", "entry " + std::to_string(i + 1) + " is not a string");
        }
        auto ep = parseEndpoint(s->get());
        if (!ep) {
          return bad("server", "tcp", ep.error().detail);
        }
        config.tcp.push_back(*ep);
      }
      if (config.tcp.empty()) {
        return bad("server", "tcp", "must list at least one address");
      }
    }
    if (auto v = string(srv, "server", "udp"); !v) {
      return makeError(std::move(v).error());
    } else if (!v->empty()) {
      auto ep = parseEndpoint(*v);
      if (!ep) {
        return bad("server", "udp", ep.error().detail);
      }
      config.udp = *ep;
    }
    if (auto v = integer(srv, "server", "threads", 0, 1024); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.threads = static_cast<unsigned>(*v);
    }
    if (auto v = integer(srv, "server", "max_unauthenticated_per_address", 1, 100000); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.max_unauthenticated_per_address = static_cast<std::uint32_t>(*v);
    }
    if (auto v = integer(srv, "server", "max_unauthenticated", 1, 1000000); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.max_unauthenticated = static_cast<std::uint32_t>(*v);
    }
    if (config.max_unauthenticated_per_address > config.max_unauthenticated) {
      return bad("server", "max_unauthenticated_per_address",
                 "must not exceed max_unauthenticated (" +
                     std::to_string(config.max_unauthenticated) + ")");
    }

    // [tls]
    const auto& tls = section("tls");
    if (auto ok = checkKeys(tls, "tls", {"certificate", "private_key", "ca_certificate"}); !ok) {
      return makeError(std::move(ok).error());
    }
    for (auto [key, target, def] :
         {std::tuple{"certificate", &config.certificate, "server.crt"},
          std::tuple{"private_key", &config.private_key, "server.key"},
          std::tuple{"ca_certificate", &config.ca_certificate, "ca.crt"}}) {
      auto v = path(tls, "tls", key, def);
      if (!v) {
        return makeError(std::move(v).error());
      }
      *target = *v;
    }

    // [store]
    const auto& store = section("store");
    if (auto ok = checkKeys(store, "store", {"backend", "path", "synchronous", "postgresql"});
        !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto v = string(store, "store", "backend"); !v) {
      return makeError(std::move(v).error());
    } else if (*v == "postgresql") {
      config.store_backend = StoreBackend::Postgresql;
    } else if (v->empty() || *v == "sqlite") {
      config.store_backend = StoreBackend::Sqlite;
    } else {
      return bad("store", "backend", "must be \"sqlite\" or \"postgresql\", not \"" + *v + "\"");
    }
    if (auto v = string(store, "store", "postgresql"); !v) {
      return makeError(std::move(v).error());
    } else {
      config.store_postgresql = *v;
    }
    if (config.store_backend == StoreBackend::Postgresql && config.store_postgresql.empty()) {
      return bad("store", "postgresql",
                 "is needed with backend = \"postgresql\": a libpq connection string such as "
                 "\"host=db.example.org dbname=parley user=parley\"");
    }
    if (auto v = path(store, "store", "path", "parley.db"); !v) {
      return makeError(std::move(v).error());
    } else {
      config.store_path = *v;
    }
    if (auto v = string(store, "store", "synchronous"); !v) {
      return makeError(std::move(v).error());
    } else if (*v == "full") {
      config.synchronous = Synchronous::Full;
    } else if (v->empty() || *v == "normal") {
      config.synchronous = Synchronous::Normal;
    } else {
      return bad("store", "synchronous", "must be \"normal\" or \"full\", not \"" + *v + "\"");
    }

    // [rooms]
    const auto& rooms = section("rooms");
    if (auto ok = checkKeys(rooms, "rooms",
                            {"idle_timeout_s", "keepalive_interval_s", "history_on_join"});
        !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto v = integer(rooms, "rooms", "idle_timeout_s", 5, 86400); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.idle_timeout = std::chrono::seconds(*v);
    }
    if (auto v = integer(rooms, "rooms", "keepalive_interval_s", 1, 86400); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.keepalive_interval = std::chrono::seconds(*v);
    }
    if (config.keepalive_interval >= config.idle_timeout) {
      return bad("rooms", "keepalive_interval_s",
                 "must be shorter than idle_timeout_s (" +
                     std::to_string(config.idle_timeout.count()) + ")");
    }
    if (auto v = integer(rooms, "rooms", "history_on_join", 0, 100000); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.history_on_join = static_cast<std::uint32_t>(*v);
    }

    // [accounts]
    const auto& acc = section("accounts");
    if (auto ok = checkKeys(acc, "accounts",
                            {"argon2_opslimit", "argon2_memlimit_kib", "max_failures",
                             "address_max_failures", "lockout_first_s", "lockout_max_s",
                             "account_slow_after", "account_delay_max_ms", "resume_token_days"});
        !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto v = integer(acc, "accounts", "argon2_opslimit", crypto_pwhash_OPSLIMIT_MIN, 64); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.argon2_opslimit = static_cast<std::uint64_t>(*v);
    }
    if (auto v = integer(acc, "accounts", "argon2_memlimit_kib", crypto_pwhash_MEMLIMIT_MIN / 1024,
                         4 * 1024 * 1024);
        !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.argon2_memlimit_kib = static_cast<std::uint64_t>(*v);
    }
    if (auto v = integer(acc, "accounts", "max_failures", 0, 1000); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.max_failures = static_cast<std::uint32_t>(*v);
    }
    if (auto v = integer(acc, "accounts", "address_max_failures", 0, 100000); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.address_max_failures = static_cast<std::uint32_t>(*v);
    }
    if (auto v = integer(acc, "accounts", "lockout_first_s", 1, 86400); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.lockout_first = std::chrono::seconds(*v);
    }
    if (auto v = integer(acc, "accounts", "lockout_max_s", 1, 86400); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.lockout_max = std::chrono::seconds(*v);
    }
    if (auto v = integer(acc, "accounts", "account_slow_after", 1, 100000); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.account_slow_after = static_cast<std::uint32_t>(*v);
    }
    // At most half the handshake deadline: the owner must still get in.
    if (auto v = integer(acc, "accounts", "account_delay_max_ms", 0, 5000); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.account_delay_max = std::chrono::milliseconds(*v);
    }
    if (auto v = integer(acc, "accounts", "resume_token_days", 0, 365); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.resume_token_lifetime = std::chrono::hours(*v * 24);
    }
    if (auto ok = parseLimits(section("limits"), config); !ok) {
      return makeError(std::move(ok).error());
    }

    // [log]
    const auto& log = section("log");
    if (auto ok =
            checkKeys(log, "log",
                      {"level", "syslog", "syslog_collector", "syslog_socket", "syslog_facility"});
        !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto v = string(log, "log", "level"); !v) {
      return makeError(std::move(v).error());
    } else if (!v->empty()) {
      static const std::set<std::string> kLevels = {"trace", "debug",    "info", "warn",
                                                    "error", "critical", "off"};
      if (kLevels.count(*v) == 0) {
        return bad("log", "level",
                   "must be one of trace, debug, info, warn, error, critical, off; not \"" + *v +
                       "\"");
      }
      config.log_level = *v;
    }
    if (auto ok = parseSyslog(log, config); !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto ok = parseMetrics(section("metrics"), config); !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto ok = parseMedia(section("media"), config); !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto ok = parseInterconnect(section("interconnect"), config); !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto ok = parsePeer(section("peer"), config); !ok) {
      return makeError(std::move(ok).error());
    }
    return config;
  }

 private:
  Result<void> parseLimits(const toml::table& t, ServerConfig& config) const {
    if (auto ok = checkKeys(t, "limits",
                            {"chat_per_s", "chat_burst", "presence_per_s", "presence_burst",
                             "signal_per_s", "signal_burst", "flood_disconnect_after"});
        !ok) {
      return ok;
    }
    for (auto [key, target] :
         {std::pair{"chat_per_s", &config.chat_per_s}, std::pair{"chat_burst", &config.chat_burst},
          std::pair{"presence_per_s", &config.presence_per_s},
          std::pair{"presence_burst", &config.presence_burst},
          std::pair{"signal_per_s", &config.signal_per_s},
          std::pair{"signal_burst", &config.signal_burst}}) {
      if (auto v = integer(t, "limits", key, 1, 100000); !v) {
        return makeError(std::move(v).error());
      } else if (*v >= 0) {
        *target = static_cast<std::uint32_t>(*v);
      }
    }
    if (auto v = integer(t, "limits", "flood_disconnect_after", 0, 10000000); !v) {
      return makeError(std::move(v).error());
    } else if (*v >= 0) {
      config.flood_disconnect_after = static_cast<std::uint32_t>(*v);
    }
    return {};
  }

  Result<void> parseSyslog(const toml::table& log, ServerConfig& config) const {
    auto mode = string(log, "log", "syslog");
    if (!mode) {
      return makeError(std::move(mode).error());
    }
    auto collector = string(log, "log", "syslog_collector");
    if (!collector) {
      return makeError(std::move(collector).error());
    }
    if (mode->empty() || *mode == "off") {
      config.syslog = ServerConfig::Syslog::Off;
    } else if (*mode == "local") {
      config.syslog = ServerConfig::Syslog::Local;
    } else if (*mode == "udp") {
      config.syslog = ServerConfig::Syslog::Udp;
    } else {
      return bad("log", "syslog", "must be \"off\", \"local\" or \"udp\", not \"" + *mode + "\"");
    }
    if (config.syslog == ServerConfig::Syslog::Udp) {
      if (collector->empty()) {
        return bad("log", "syslog_collector",
                   "is required with syslog = \"udp\" (the collector's \"ADDR:PORT\")");
      }
      auto ep = parseEndpoint(*collector);
      if (!ep) {
        return bad("log", "syslog_collector", ep.error().detail);
      }
      if (ep->port == 0) {
        return bad("log", "syslog_collector", "needs a port (514 is the usual one)");
      }
      config.syslog_collector = *ep;
    } else if (!collector->empty()) {
      return bad("log", "syslog_collector", "is only used with syslog = \"udp\"");
    }
    auto socket = string(log, "log", "syslog_socket");
    if (!socket) {
      return makeError(std::move(socket).error());
    }
    if (!socket->empty()) {
      if (config.syslog != ServerConfig::Syslog::Local) {
        return bad("log", "syslog_socket", "is only used with syslog = \"local\"");
      }
      // 107: what fits in sockaddr_un::sun_path with its terminating NUL.
      if (socket->front() != '/' || socket->size() > 107) {
        return bad("log", "syslog_socket", "must be an absolute path of at most 107 bytes");
      }
      config.syslog_socket = *socket;
    }
    auto facility = string(log, "log", "syslog_facility");
    if (!facility) {
      return makeError(std::move(facility).error());
    }
    if (!facility->empty()) {
      if (syslogFacilityNumber(*facility) < 0) {
        return bad("log", "syslog_facility",
                   "must be daemon, user or local0..local7, not \"" + *facility + "\"");
      }
      config.syslog_facility = *facility;
    }
    return {};
  }

  Result<void> parseMetrics(const toml::table& t, ServerConfig& config) const {
    if (auto ok = checkKeys(t, "metrics", {"enabled", "address"}); !ok) {
      return makeError(std::move(ok).error());
    }
    if (const auto* node = t.get("enabled")) {
      const auto* b = node->as_boolean();
      if (b == nullptr) {
        return bad("metrics", "enabled", "must be true or false");
      }
      config.metrics_enabled = b->get();
    }
    auto address = string(t, "metrics", "address");
    if (!address) {
      return makeError(std::move(address).error());
    }
    if (!address->empty()) {
      auto ep = parseEndpoint(*address);
      if (!ep) {
        return bad("metrics", "address", ep.error().detail);
      }
      config.metrics_address = *ep;
    }
    return {};
  }

  Result<void> parseMedia(const toml::table& t, ServerConfig& config) const {
    if (auto ok = checkKeys(t, "media",
                            {"audio_kbps", "video_kbps", "screen_kbps", "max_upload_kbps",
                             "max_forwarded_speakers"});
        !ok) {
      return makeError(std::move(ok).error());
    }
    auto speakers = integer(t, "media", "max_forwarded_speakers", 0, kMaxForwardedSpeakersLimit);
    if (!speakers) {
      return makeError(std::move(speakers).error());
    }
    if (*speakers >= 0) {
      config.max_forwarded_speakers = static_cast<std::uint32_t>(*speakers);
    }
    for (auto [key, target] :
         {std::pair{"audio_kbps", &config.audio_kbps}, std::pair{"video_kbps", &config.video_kbps},
          std::pair{"screen_kbps", &config.screen_kbps},
          std::pair{"max_upload_kbps", &config.max_upload_kbps}}) {
      auto v = integer(t, "media", key, 1, 1000000);
      if (!v) {
        return makeError(std::move(v).error());
      }
      if (*v >= 0) {
        *target = static_cast<std::uint32_t>(*v);
      }
    }
    if (config.audio_kbps > config.max_upload_kbps) {
      return bad("media", "audio_kbps",
                 "must not exceed max_upload_kbps (" + std::to_string(config.max_upload_kbps) +
                     ")");
    }
    return {};
  }

  // A relay pair: media on `port`, control on `control_port` (default port + 1).
  Result<void> parsePortPair(const toml::table& t, const std::string& section, std::uint16_t& port,
                             std::uint16_t& control_port) const {
    auto p = integer(t, section, "port", 1, 65535);
    if (!p) {
      return makeError(std::move(p).error());
    }
    auto c = integer(t, section, "control_port", 1, 65535);
    if (!c) {
      return makeError(std::move(c).error());
    }
    if (*p >= 0) {
      port = static_cast<std::uint16_t>(*p);
    }
    if (*c >= 0) {
      control_port = static_cast<std::uint16_t>(*c);
    } else if (port == 65535) {
      return bad(section, "control_port", "must be given when port is 65535");
    } else {
      control_port = static_cast<std::uint16_t>(port + 1);
    }
    return {};
  }

  Result<void> parseInterconnect(const toml::table& t, ServerConfig& config) const {
    if (auto ok = checkKeys(t, "interconnect", {"peers", "port", "control_port"}); !ok) {
      return makeError(std::move(ok).error());
    }
    if (auto ok = parsePortPair(t, "interconnect", config.interconnect_port,
                                config.interconnect_control_port);
        !ok) {
      return makeError(std::move(ok).error());
    }
    const auto* node = t.get("peers");
    if (node == nullptr) {
      return {};
    }
    const auto* arr = node->as_array();
    if (arr == nullptr) {
      return bad("interconnect", "peers", "must be a list of [[interconnect.peers]] tables");
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto* peer_table = (*arr)[i].as_table();
      const std::string where = "interconnect.peers " + std::to_string(i + 1);
      if (peer_table == nullptr) {
        // The form before interconnection was built: a bare address list.
        return bad("interconnect", "peers",
                   "entry " + std::to_string(i + 1) +
                       " must be a table with name, address and secret or certificate "
                       "([[interconnect.peers]], docs/interconnect.md)");
      }
      auto peer = parseInterconnectPeer(*peer_table, where, config);
      if (!peer) {
        return makeError(std::move(peer).error());
      }
      for (const auto& other : config.interconnect_peers) {
        if (other.name == peer->name) {
          return bad(where, "name", "'" + peer->name + "' is listed twice");
        }
      }
      config.interconnect_peers.push_back(std::move(*peer));
    }
    return {};
  }

  Result<ServerConfig::InterconnectPeer> parseInterconnectPeer(const toml::table& t,
                                                               const std::string& where,
                                                               const ServerConfig& config) const {
    if (auto ok = checkKeys(t, where,
                            {"name", "address", "port", "control_port", "secret", "certificate"});
        !ok) {
      return makeError(std::move(ok).error());
    }
    ServerConfig::InterconnectPeer peer;
    peer.port = config.interconnect_port;
    peer.control_port = config.interconnect_control_port;
    auto name = string(t, where, "name");
    if (!name) {
      return makeError(std::move(name).error());
    }
    if (name->empty()) {
      return bad(where, "name", "is required: that server's [server] name");
    }
    if (*name == config.name) {
      return bad(where, "name",
                 "'" + *name + "' is this server's own name; each server needs its own");
    }
    peer.name = *name;
    auto address = string(t, where, "address");
    if (!address) {
      return makeError(std::move(address).error());
    }
    asio::error_code ec;
    const auto ip = asio::ip::make_address(*address, ec);
    if (address->empty() || ec) {
      return bad(where, "address", "must be a numeric IP address");
    }
    peer.address = ip.to_string();
    if (auto ok = parsePortPair(t, where, peer.port, peer.control_port); !ok) {
      return makeError(std::move(ok).error());
    }
    auto secret = string(t, where, "secret");
    if (!secret) {
      return makeError(std::move(secret).error());
    }
    if (!secret->empty() && secret->size() < kMinInterconnectSecret) {
      return bad(where, "secret",
                 "is too short (" + std::to_string(secret->size()) + " characters; at least " +
                     std::to_string(kMinInterconnectSecret) + ": `openssl rand -base64 33`)");
    }
    peer.secret = *secret;
    if (t.get("certificate") != nullptr) {
      auto cert = path(t, where, "certificate", "");
      if (!cert) {
        return makeError(std::move(cert).error());
      }
      peer.certificate = *cert;
    }
    if (peer.secret.empty() && peer.certificate.empty()) {
      return bad(where, "",
                 "needs a secret or that server's certificate: an interconnection is always "
                 "authenticated");
    }
    return peer;
  }

  Result<void> parsePeer(const toml::table& t, ServerConfig& config) const {
    if (auto ok =
            checkKeys(t, "peer", {"peer_to_peer", "stun", "turn", "turn_secret", "turn_ttl_s"});
        !ok) {
      return makeError(std::move(ok).error());
    }
    if (const auto* node = t.get("peer_to_peer")) {
      const auto* b = node->as_boolean();
      if (b == nullptr) {
        return bad("peer", "peer_to_peer", "must be true or false");
      }
      config.peer_enabled = b->get();
    }
    // parseEndpoint takes numeric addresses only; port 0 means nothing here.
    const auto numeric = [](const Endpoint& ep) { return ep.port != 0; };
    auto stun = string(t, "peer", "stun");
    if (!stun) {
      return makeError(std::move(stun).error());
    }
    if (!stun->empty()) {
      auto ep = parseEndpoint(*stun);
      if (!ep || !numeric(*ep)) {
        return bad("peer", "stun", "must be \"ADDRESS:PORT\" with a numeric address");
      }
      config.peer_stun = *ep;
    }
    if (const auto* node = t.get("turn")) {
      const auto* arr = node->as_array();
      if (arr == nullptr || arr->size() > 8) {
        return bad("peer", "turn", "must be an array of at most 8 \"udp|tcp|tls:ADDRESS:PORT\"");
      }
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const auto* s = (*arr)[i].as_string();
        const std::string text = s == nullptr ? std::string() : s->get();
        const auto colon = text.find(':');
        const std::string transport = text.substr(0, colon);
        if (colon == std::string::npos ||
            (transport != "udp" && transport != "tcp" && transport != "tls")) {
          return bad("peer", "turn",
                     "entry " + std::to_string(i + 1) + " must start with udp:, tcp: or tls:");
        }
        auto ep = parseEndpoint(text.substr(colon + 1));
        if (!ep || !numeric(*ep)) {
          return bad("peer", "turn",
                     "entry " + std::to_string(i + 1) + " needs a numeric ADDRESS:PORT");
        }
        config.peer_turn.push_back({transport, *ep});
      }
    }
    auto secret = string(t, "peer", "turn_secret");
    if (!secret) {
      return makeError(std::move(secret).error());
    }
    config.peer_turn_secret = *secret;
    if (!config.peer_turn.empty() && config.peer_turn_secret.size() < 16) {
      return bad("peer", "turn_secret",
                 "TURN servers need coturn's static-auth-secret here (16 characters or more)");
    }
    auto ttl = integer(t, "peer", "turn_ttl_s", 60, 7 * 24 * 3600);
    if (!ttl) {
      return makeError(std::move(ttl).error());
    }
    if (*ttl >= 0) {
      config.peer_turn_ttl = std::chrono::seconds(*ttl);
    }
    return {};
  }

  Unexpected bad(std::string_view section, std::string_view key, const std::string& what) const {
    std::string where = source_ + ": ";
    if (key.empty()) {
      where += "[" + std::string(section) + "]";
    } else {
      where += "[" + std::string(section) + "] " + std::string(key);
    }
    return makeError(ErrorCode::ConfigInvalid, where + ": " + what);
  }

  Result<void> checkKeys(const toml::table& table, std::string_view section,
                         std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, node] : table) {
      bool known = false;
      for (auto a : allowed) {
        known = known || key.str() == a;
      }
      if (!known) {
        std::string list;
        for (auto a : allowed) {
          list += list.empty() ? "" : ", ";
          list += a;
        }
        const auto line = node.source().begin.line;
        std::string what = "unknown key '" + std::string(key.str()) + "'";
        if (line != 0) {
          what += " (line " + std::to_string(line) + ")";
        }
        what += section.empty() ? "; known sections: " : "; known keys: ";
        what += list;
        if (section.empty()) {
          return makeError(ErrorCode::ConfigInvalid, source_ + ": " + what);
        }
        return bad(section, "", what);
      }
    }
    return {};
  }

  // "" when absent.
  Result<std::string> string(const toml::table& t, std::string_view section,
                             std::string_view key) const {
    const auto* node = t.get(key);
    if (node == nullptr) {
      return std::string();
    }
    const auto* s = node->as_string();
    if (s == nullptr) {
      return bad(section, key, "must be a string");
    }
    if (s->get().empty()) {
      return bad(section, key, "must not be empty");
    }
    return s->get();
  }

  // -1 when absent.
  Result<std::int64_t> integer(const toml::table& t, std::string_view section, std::string_view key,
                               std::int64_t min, std::int64_t max) const {
    const auto* node = t.get(key);
    if (node == nullptr) {
      return std::int64_t{-1};
    }
    const auto* v = node->as_integer();
    if (v == nullptr) {
      return bad(section, key, "must be an integer");
    }
    if (v->get() < min || v->get() > max) {
      return bad(section, key,
                 std::to_string(v->get()) + " is out of range (" + std::to_string(min) + ".." +
                     std::to_string(max) + ")");
    }
    return v->get();
  }

  Result<std::filesystem::path> path(const toml::table& t, std::string_view section,
                                     std::string_view key, const char* def) const {
    auto v = string(t, section, key);
    if (!v) {
      return makeError(std::move(v).error());
    }
    std::filesystem::path p = v->empty() ? std::string(def) : *v;
    if (p.is_relative()) {
      p = base_dir_ / p;
    }
    return p.lexically_normal();
  }

  const toml::table& root_;
  std::filesystem::path base_dir_;
  std::string source_;
};

}  // namespace

std::string Endpoint::toString() const {
  if (address.find(':') != std::string::npos) {
    return "[" + address + "]:" + std::to_string(port);
  }
  return address + ":" + std::to_string(port);
}

Result<Endpoint> parseEndpoint(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return makeError(ErrorCode::ConfigInvalid, quoted + " is not \"[IPV6]:PORT\"");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return makeError(ErrorCode::ConfigInvalid, quoted + " is not \"ADDR:PORT\" (no port)");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return makeError(ErrorCode::ConfigInvalid,
                       quoted + ": write IPv6 addresses in brackets, \"[::]:5228\"");
    }
  }
  asio::error_code ec;
  const auto address = asio::ip::make_address(std::string(host), ec);
  if (ec) {
    return makeError(ErrorCode::ConfigInvalid,
                     quoted + ": '" + std::string(host) + "' is not a numeric IP address");
  }
  if (port.empty() || port.size() > 5) {
    return makeError(ErrorCode::ConfigInvalid, quoted + ": port must be 0..65535");
  }
  unsigned long value = 0;
  for (const char c : port) {
    if (c < '0' || c > '9') {
      return makeError(ErrorCode::ConfigInvalid,
                       quoted + ": port '" + std::string(port) + "' is not a number");
    }
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > 65535) {
    return makeError(ErrorCode::ConfigInvalid,
                     quoted + ": port " + std::to_string(value) + " is out of range (0..65535)");
  }
  return Endpoint{address.to_string(), static_cast<std::uint16_t>(value)};
}

unsigned ServerConfig::effectiveThreads() const {
  if (threads != 0) {
    return threads;
  }
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

Result<ServerConfig> parseServerConfig(std::string_view toml_text,
                                       const std::filesystem::path& base_dir,
                                       const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return makeError(ErrorCode::ConfigInvalid, source + ":" +
                                                   std::to_string(e.source().begin.line) + ":" +
                                                   std::to_string(e.source().begin.column) + ": " +
                                                   std::string(e.description()));
  }
  return Parser(root, base_dir, source).parse();
}

Result<ServerConfig> loadServerConfig(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(ErrorCode::Io,
                     "cannot read config file " + path.string() + ": no such file or not readable");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  if (ec) {
    absolute = path;
  }
  auto config = parseServerConfig(text.str(), absolute.parent_path(), path.string());
  if (config) {
    config->config_file = absolute;
  }
  return config;
}

int syslogFacilityNumber(std::string_view name) {
  if (name == "user") {
    return 1;
  }
  if (name == "daemon") {
    return 3;
  }
  if (name.size() == 6 && name.substr(0, 5) == "local" && name[5] >= '0' && name[5] <= '7') {
    return 16 + (name[5] - '0');
  }
  return -1;
}

std::string renderDefaultConfig(const std::string& name, const std::vector<Endpoint>& tcp,
                                const Endpoint& udp, const std::string& store_path) {
  std::string tcp_list;
  for (const auto& ep : tcp) {
    tcp_list += tcp_list.empty() ? "" : ", ";
    tcp_list += "\"" + ep.toString() + "\"";
  }
  std::string out;
  out += "# parleyd configuration, written by `parleyd init`.\n";
  out += "# Relative paths are relative to this file's directory.\n\n";
  out += "[server]\n";
  out += "name = \"" + name + "\"\n";
  out += "tcp = [" + tcp_list + "]\n";
  out += "udp = \"" + udp.toString() + "\"\n";
  out += "threads = 0                # 0 = number of cores\n";
  out += "# Connections not signed in yet; past either cap new ones are closed at once.\n";
  out += "max_unauthenticated_per_address = 32  # per IPv4 address or IPv6 /64\n";
  out += "max_unauthenticated = 1024            # in total\n\n";
  out += "[tls]\n";
  out += "certificate = \"server.crt\"  # server certificate followed by the CA\n";
  out += "private_key = \"server.key\"\n";
  out += "ca_certificate = \"ca.crt\"   # give this file to clients (pinned)\n\n";
  out += "[store]\n";
  out += "backend = \"sqlite\"         # or \"postgresql\", one database for several servers\n";
  out += "# postgresql = \"host=db.example.org dbname=parley user=parleyd\"  # libpq, with that\n";
  out += "path = \"" + (store_path.empty() ? std::string("parley.db") : store_path) + "\"\n";
  out +=
      "synchronous = \"normal\"     # \"normal\" survives a process crash; \"full\" also a "
      "power loss\n\n";
  out += "[rooms]\n";
  out += "idle_timeout_s = 120\n";
  out += "keepalive_interval_s = 20\n";
  out += "history_on_join = 200\n\n";
  out += "[accounts]\n";
  out += "argon2_opslimit = 2\n";
  out += "argon2_memlimit_kib = 65536\n";
  out += "max_failures = 5           # per account\n";
  out += "address_max_failures = 20 # per source address, across accounts\n";
  out += "lockout_first_s = 1         # doubled by each further failure\n";
  out += "lockout_max_s = 300\n";
  out += "account_slow_after = 10     # failures from all addresses before sign-ins are slowed\n";
  out += "account_delay_max_ms = 2000 # that slowing never refuses, and stays below this\n";
  out += "resume_token_days = 14      # reconnects skip the password hash; 0 = off\n\n";
  out += "[limits]                     # per signed-in participant: rate per second, burst\n";
  out += "chat_per_s = 5\n";
  out += "chat_burst = 30\n";
  out += "presence_per_s = 10          # joins, leaves, media and path state\n";
  out += "presence_burst = 40\n";
  out += "signal_per_s = 20            # peer-path signalling\n";
  out += "signal_burst = 120\n";
  out += "flood_disconnect_after = 1000  # refused in a row, then disconnected; 0 = never\n\n";
  out += "[log]\n";
  out += "level = \"info\"\n";
  out += "# syslog = \"local\"             # also to the local syslog socket,\n";
  out += "# syslog_socket = \"/dev/log\"     # this one\n";
  out += "# syslog = \"udp\"               # or RFC 5424 datagrams to a collector:\n";
  out += "# syslog_collector = \"192.0.2.10:514\"\n";
  out += "# syslog_facility = \"daemon\"     # daemon, user, local0..local7\n\n";
  out += "[metrics]\n";
  out += "enabled = false              # Prometheus text at http://ADDRESS/metrics\n";
  out += "address = \"127.0.0.1:9464\"\n\n";
  out += "[media]                      # kbit/s per stream; see parleyd network-requirements\n";
  out += "audio_kbps = 120\n";
  out += "video_kbps = 880\n";
  out += "screen_kbps = 1500\n";
  out += "max_upload_kbps = 2500\n\n";
  out += "[interconnect]               # servers sharing rooms with this one\n";
  out += "port = 5564                  # UDP media relay\n";
  out += "control_port = 5565          # TCP control link (TLS)\n";
  out += "# [[interconnect.peers]]      # one table per other server:\n";
  out += "# name = \"dmz\"               # its [server] name\n";
  out += "# address = \"198.51.100.7\"\n";
  out += "# secret = \"...\"             # the same on both; `openssl rand -base64 33`\n";
  out += "# certificate = \"dmz.crt\"     # or instead: its certificate\n\n";
  out += "[peer]                       # peer-to-peer paths for two-person rooms\n";
  out += "peer_to_peer = true          # false: media always through this server\n";
  out += "# stun = \"192.0.2.5:3478\"     # handed to clients for their public address\n";
  out += "# turn = [\"udp:192.0.2.5:3478\", \"tls:192.0.2.5:5349\"]\n";
  out += "# turn_secret = \"...\"         # coturn's static-auth-secret (use-auth-secret)\n";
  out += "# turn_ttl_s = 3600            # lifetime of the credentials clients get\n";
  return out;
}

}  // namespace parley::server
