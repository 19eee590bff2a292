#include "core/server/deployment/server_config.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/test_dir.h"

using namespace parley::server;
using parley::ErrorCode;

namespace {

std::string errorOf(std::string_view toml) {
  auto config = parseServerConfig(toml, "/etc/parley", "parleyd.toml");
  REQUIRE_FALSE(config);
  CHECK(config.error().code == ErrorCode::ConfigInvalid);
  return config.error().detail;
}

}  // namespace

TEST_CASE("the file init writes parses to the defaults", "[server][config]") {
  auto config = parseServerConfig(renderDefaultConfig("demo", {{"127.0.0.1", 0}, {"::1", 5228}},
                                                      {"0.0.0.0", 5228}),
                                  "/srv/parley", "parleyd.toml");
  REQUIRE(config);
  CHECK(config->name == "demo");
  REQUIRE(config->tcp.size() == 2);
  CHECK(config->tcp[0].toString() == "127.0.0.1:0");
  CHECK(config->tcp[1].toString() == "[::1]:5228");
  CHECK(config->certificate == "/srv/parley/server.crt");
  CHECK(config->store_path == "/srv/parley/parley.db");
  CHECK(config->idle_timeout == std::chrono::seconds(120));
  CHECK(config->history_on_join == 200);
  CHECK(config->argon2_opslimit == 2);
  CHECK(config->argon2_memlimit_kib == 65536);
  CHECK(config->lockout_first == std::chrono::seconds(1));
  CHECK(config->lockout_max == std::chrono::seconds(300));
  CHECK(config->account_slow_after == 10);
  CHECK(config->account_delay_max == std::chrono::milliseconds(2000));
  CHECK(config->resume_token_lifetime == std::chrono::hours(14 * 24));
  CHECK(config->chat_per_s == 5);
  CHECK(config->chat_burst == 30);
  CHECK(config->presence_per_s == 10);
  CHECK(config->presence_burst == 40);
  CHECK(config->signal_per_s == 20);
  CHECK(config->signal_burst == 120);
  CHECK(config->flood_disconnect_after == 1000);
  CHECK(config->synchronous == Synchronous::Normal);
  CHECK(config->store_backend == StoreBackend::Sqlite);
}

TEST_CASE("the store's backend is read", "[server][config]") {
  auto config = parseServerConfig(
      "[store]\nbackend = \"postgresql\"\n"
      "postgresql = \"host=db.example.org dbname=parley options='-c search_path=parley'\"\n",
      "/x", "store.toml");
  REQUIRE(config);
  CHECK(config->store_backend == StoreBackend::Postgresql);
  CHECK(config->store_postgresql ==
        "host=db.example.org dbname=parley options='-c search_path=parley'");
}

TEST_CASE("the message limits and the account backoff are read", "[server][config]") {
  auto config = parseServerConfig(
      "[accounts]\naccount_slow_after = 3\naccount_delay_max_ms = 500\n"
      "[limits]\nchat_per_s = 1\nchat_burst = 2\npresence_per_s = 3\npresence_burst = 4\n"
      "signal_per_s = 5\nsignal_burst = 6\nflood_disconnect_after = 0\n",
      "/x", "limits.toml");
  REQUIRE(config);
  CHECK(config->account_slow_after == 3);
  CHECK(config->account_delay_max == std::chrono::milliseconds(500));
  CHECK(config->chat_per_s == 1);
  CHECK(config->chat_burst == 2);
  CHECK(config->presence_per_s == 3);
  CHECK(config->presence_burst == 4);
  CHECK(config->signal_per_s == 5);
  CHECK(config->signal_burst == 6);
  CHECK(config->flood_disconnect_after == 0);
}

TEST_CASE("the resume token lifetime is read in days, 0 turning tokens off", "[server][config]") {
  auto week = parseServerConfig("[accounts]\nresume_token_days = 7\n", "/x", "t.toml");
  REQUIRE(week);
  CHECK(week->resume_token_lifetime == std::chrono::hours(7 * 24));
  auto off = parseServerConfig("[accounts]\nresume_token_days = 0\n", "/x", "t.toml");
  REQUIRE(off);
  CHECK(off->resume_token_lifetime.count() == 0);
  auto too_long = parseServerConfig("[accounts]\nresume_token_days = 366\n", "/x", "t.toml");
  REQUIRE_FALSE(too_long);
  CHECK_THAT(too_long.error().detail,
             Catch::Contains("[accounts] resume_token_days") && Catch::Contains("out of range"));
}

TEST_CASE("an empty file gives the defaults", "[server][config]") {
  auto config = parseServerConfig("", "/x", "empty.toml");
  REQUIRE(config);
  CHECK(config->tcp.size() == 2);
  CHECK(config->ca_certificate == "/x/ca.crt");
}

// An absolute path is kept as written.
#ifdef _WIN32
constexpr const char* kAbsoluteKey = "C:/abs/server.key";
#else
constexpr const char* kAbsoluteKey = "/abs/server.key";
#endif

TEST_CASE("relative paths are resolved against the config file's directory", "[server][config]") {
  parley::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "etc");
  {
    std::ofstream out(dir.path() / "etc" / "parleyd.toml");
    out << "[tls]\ncertificate = \"../certs/server.crt\"\nprivate_key = \"" << kAbsoluteKey
        << "\"\n[store]\npath = \"data/parley.db\"\n";
  }
  auto config = loadServerConfig(dir.path() / "etc" / "parleyd.toml");
  REQUIRE(config);
  CHECK(config->certificate == dir.path() / "certs" / "server.crt");
  CHECK(config->private_key == kAbsoluteKey);
  CHECK(config->store_path == dir.path() / "etc" / "data" / "parley.db");
}

TEST_CASE("config errors name the key and the problem", "[server][config]") {
  SECTION("missing file") {
    auto config = loadServerConfig("/nonexistent/parleyd.toml");
    REQUIRE_FALSE(config);
    CHECK_THAT(config.error().detail, Catch::Contains("/nonexistent/parleyd.toml"));
  }
  SECTION("bad TOML reports the line") {
    const auto e = errorOf("[server]\nname = \"x\"\nthreads = = 3\n");
    CHECK_THAT(e, Catch::StartsWith("parleyd.toml:3:"));
  }
  SECTION("unknown key") {
    const auto e = errorOf("[server]\nnmae = \"x\"\n");
    CHECK_THAT(e, Catch::Contains("[server]") && Catch::Contains("unknown key 'nmae'"));
  }
  SECTION("unknown section") {
    CHECK_THAT(errorOf("[srever]\n"), Catch::Contains("unknown key 'srever'"));
  }
  SECTION("bad address") {
    const auto e = errorOf("[server]\ntcp = [\"example.com:443\"]\n");
    CHECK_THAT(e, Catch::Contains("[server] tcp") && Catch::Contains("not a numeric IP"));
  }
  SECTION("missing port") {
    CHECK_THAT(errorOf("[server]\ntcp = [\"127.0.0.1\"]\n"), Catch::Contains("no port"));
  }
  SECTION("port out of range") {
    const auto e = errorOf("[server]\ntcp = [\"0.0.0.0:65536\"]\n");
    CHECK_THAT(e, Catch::Contains("[server] tcp") && Catch::Contains("out of range"));
  }
  SECTION("udp port out of range") {
    CHECK_THAT(errorOf("[server]\nudp = \"0.0.0.0:70000\"\n"), Catch::Contains("[server] udp"));
  }
  SECTION("threads negative") {
    const auto e = errorOf("[server]\nthreads = -1\n");
    CHECK_THAT(e, Catch::Contains("[server] threads") && Catch::Contains("out of range"));
  }
  SECTION("wrong type") {
    CHECK_THAT(errorOf("[rooms]\nidle_timeout_s = \"120\"\n"),
               Catch::Contains("[rooms] idle_timeout_s: must be an integer"));
  }
  SECTION("unknown store backend") {
    CHECK_THAT(errorOf("[store]\nbackend = \"mysql\"\n"),
               Catch::Contains("[store] backend") &&
                   Catch::Contains("\"sqlite\" or \"postgresql\""));
  }
  SECTION("postgresql without a connection string") {
    CHECK_THAT(errorOf("[store]\nbackend = \"postgresql\"\n"),
               Catch::Contains("[store] postgresql") && Catch::Contains("libpq connection string"));
  }
  SECTION("bad synchronous") {
    CHECK_THAT(errorOf("[store]\nsynchronous = \"off\"\n"), Catch::Contains("[store] synchronous"));
  }
  SECTION("keepalive not shorter than idle timeout") {
    CHECK_THAT(errorOf("[rooms]\nidle_timeout_s = 10\nkeepalive_interval_s = 10\n"),
               Catch::Contains("keepalive_interval_s"));
  }
  SECTION("first lockout out of range") {
    CHECK_THAT(errorOf("[accounts]\nlockout_first_s = 0\n"),
               Catch::Contains("[accounts] lockout_first_s") && Catch::Contains("out of range"));
  }
  SECTION("account delay that could outlast the handshake") {
    CHECK_THAT(errorOf("[accounts]\naccount_delay_max_ms = 9000\n"),
               Catch::Contains("[accounts] account_delay_max_ms") &&
                   Catch::Contains("out of range"));
  }
  SECTION("a chat rate of zero") {
    CHECK_THAT(errorOf("[limits]\nchat_per_s = 0\n"),
               Catch::Contains("[limits] chat_per_s") && Catch::Contains("out of range"));
  }
  SECTION("unknown limit") {
    CHECK_THAT(errorOf("[limits]\nmedia_per_s = 3\n"),
               Catch::Contains("unknown key 'media_per_s'"));
  }
  SECTION("bad log level") {
    CHECK_THAT(errorOf("[log]\nlevel = \"loud\"\n"), Catch::Contains("[log] level"));
  }
  SECTION("section that is not a table") {
    CHECK_THAT(errorOf("server = 3\n"), Catch::Contains("[server]"));
  }
  SECTION("empty tcp list") {
    CHECK_THAT(errorOf("[server]\ntcp = []\n"), Catch::Contains("at least one"));
  }
}

TEST_CASE("endpoints parse IPv4, bracketed IPv6 and port 0", "[server][config]") {
  CHECK(parseEndpoint("0.0.0.0:443")->port == 443);
  CHECK(parseEndpoint("127.0.0.1:0")->port == 0);
  CHECK(parseEndpoint("[::]:5228")->address == "::");
  CHECK_FALSE(parseEndpoint("::1:5228"));
  CHECK_FALSE(parseEndpoint("1.2.3.4:-1"));
  CHECK_FALSE(parseEndpoint("1.2.3.4:"));
}

TEST_CASE("new config sections have safe defaults", "[server][config]") {
  auto config = parseServerConfig("", "/x", "empty.toml");
  REQUIRE(config);
  CHECK_FALSE(config->metrics_enabled);
  CHECK(config->metrics_address.toString() == "127.0.0.1:9464");
  CHECK(config->syslog == ServerConfig::Syslog::Off);
  CHECK(config->syslog_socket == "/dev/log");
  CHECK(config->audio_kbps == 120);
  CHECK(config->max_upload_kbps == 2500);
  CHECK(config->max_forwarded_speakers == 3);
  CHECK(config->interconnect_peers.empty());
}

TEST_CASE("the file init writes still parses, with a separate store", "[server][config]") {
  auto config = parseServerConfig(renderDefaultConfig("demo", {{"0.0.0.0", 443}}, {"0.0.0.0", 5228},
                                                      "/var/lib/parleyd/x.db"),
                                  "/etc/parleyd", "parleyd.toml");
  REQUIRE(config);
  CHECK(config->store_path == "/var/lib/parleyd/x.db");
  CHECK_FALSE(config->metrics_enabled);
}

TEST_CASE("bad admin settings are refused with the key named", "[server][config]") {
  CHECK_THAT(errorOf("[log]\nsyslog = \"udp\"\n"),
             Catch::Contains("[log] syslog_collector: is required"));
  CHECK_THAT(errorOf("[log]\nsyslog = \"remote\"\n"), Catch::Contains("[log] syslog: must be"));
  CHECK_THAT(errorOf("[log]\nsyslog = \"udp\"\nsyslog_collector = \"loghost:514\"\n"),
             Catch::Contains("not a numeric IP address"));
  CHECK_THAT(errorOf("[log]\nsyslog_socket = \"/dev/log\"\n"),
             Catch::Contains("[log] syslog_socket: is only used with syslog = \"local\""));
  CHECK_THAT(errorOf("[log]\nsyslog = \"local\"\nsyslog_socket = \"dev/log\"\n"),
             Catch::Contains("[log] syslog_socket: must be an absolute path"));
  CHECK_THAT(errorOf("[log]\nsyslog_facility = \"kern\"\n"),
             Catch::Contains("[log] syslog_facility"));
  CHECK_THAT(errorOf("[metrics]\nenabled = \"yes\"\n"),
             Catch::Contains("[metrics] enabled: must be true or false"));
  CHECK_THAT(errorOf("[metrics]\nport = 1\n"), Catch::Contains("unknown key 'port'"));
  CHECK_THAT(errorOf("[media]\naudio_kbps = 0\n"), Catch::Contains("[media] audio_kbps"));
  CHECK_THAT(errorOf("[media]\naudio_kbps = 3000\n"),
             Catch::Contains("must not exceed max_upload_kbps"));
  CHECK_THAT(errorOf("[media]\nmax_forwarded_speakers = 33\n"),
             Catch::Contains("[media] max_forwarded_speakers: 33 is out of range (0..32)"));
  CHECK_THAT(errorOf("[interconnect]\npeers = [\"198.51.100.7\"]\n"),
             Catch::Contains("[interconnect] peers: entry 1 must be a table with name, address"));
  CHECK_THAT(errorOf("[interconnect]\nport = 65535\n"),
             Catch::Contains("[interconnect] control_port: must be given when port is 65535"));
  CHECK_THAT(errorOf("metrics = 1\n"), Catch::Contains("must be a table"));
}

namespace {
std::string peerToml(const std::string& body) {
  return "[server]\nname = \"inner\"\n[interconnect]\nport = 6000\n[[interconnect.peers]]\n" + body;
}
}  // namespace

TEST_CASE("[[interconnect.peers]] are read with their port pair and credentials",
          "[server][config]") {
  auto config = parseServerConfig(
      peerToml("name = \"outer\"\naddress = \"198.51.100.7\"\n"
               "secret = \"0123456789abcdef0123456789abcdef\"\n"
               "[[interconnect.peers]]\nname = \"hq\"\naddress = \"2001:db8::7\"\nport = 7000\n"
               "control_port = 7100\ncertificate = \"hq.crt\"\n"),
      "/etc/parley", "p.toml");
  REQUIRE(config);
  CHECK(config->interconnect_port == 6000);
  CHECK(config->interconnect_control_port == 6001);
  REQUIRE(config->interconnect_peers.size() == 2);
  const auto& outer = config->interconnect_peers[0];
  CHECK(outer.name == "outer");
  CHECK(outer.address == "198.51.100.7");
  CHECK(outer.port == 6000);  // ours unless said
  CHECK(outer.control_port == 6001);
  CHECK(outer.secret.size() == 32);
  CHECK(outer.certificate.empty());
  const auto& hq = config->interconnect_peers[1];
  CHECK(hq.port == 7000);
  CHECK(hq.control_port == 7100);
  CHECK(hq.certificate == "/etc/parley/hq.crt");
}

TEST_CASE("an interconnect peer without credentials or with a weak secret is refused",
          "[server][config]") {
  CHECK_THAT(errorOf(peerToml("name = \"outer\"\naddress = \"198.51.100.7\"\n")),
             Catch::Contains("needs a secret or that server's certificate"));
  CHECK_THAT(errorOf(
                 peerToml("name = \"outer\"\naddress = \"198.51.100.7\"\nsecret = \"short\"\n")),
             Catch::Contains("secret: is too short (5 characters; at least 32"));
  CHECK_THAT(errorOf(peerToml("name = \"outer\"\naddress = \"outer.example\"\nsecret = \"" +
                              std::string(40, 'x') + "\"\n")),
             Catch::Contains("address: must be a numeric IP address"));
  CHECK_THAT(errorOf(peerToml("name = \"inner\"\naddress = \"198.51.100.7\"\nsecret = \"" +
                              std::string(40, 'x') + "\"\n")),
             Catch::Contains("is this server's own name"));
  CHECK_THAT(errorOf(peerToml("address = \"198.51.100.7\"\nsecret = \"" + std::string(40, 'x') +
                              "\"\n")),
             Catch::Contains("name: is required"));
}

TEST_CASE("[media] max_forwarded_speakers is read, 0 meaning every voice", "[server][config]") {
  auto config = parseServerConfig("[media]\nmax_forwarded_speakers = 0\n", "/etc/parley", "p.toml");
  REQUIRE(config);
  CHECK(config->max_forwarded_speakers == 0);
  config = parseServerConfig("[media]\nmax_forwarded_speakers = 5\n", "/etc/parley", "p.toml");
  REQUIRE(config);
  CHECK(config->max_forwarded_speakers == 5);
}

TEST_CASE("[peer]: STUN and TURN servers, the TURN secret, and clear errors", "[server][config]") {
  auto config = parseServerConfig(
      "[peer]\npeer_to_peer = true\nstun = \"192.0.2.1:3478\"\n"
      "turn = [\"udp:192.0.2.1:3478\", \"tls:[2001:db8::1]:5349\"]\n"
      "turn_secret = \"a-long-enough-secret\"\nturn_ttl_s = 600\n",
      "/etc/parleyd", "parleyd.toml");
  REQUIRE(config);
  CHECK(config->peer_enabled);
  REQUIRE(config->peer_stun);
  CHECK(config->peer_stun->port == 3478);
  REQUIRE(config->peer_turn.size() == 2);
  CHECK(config->peer_turn[1].transport == "tls");
  CHECK(config->peer_turn[1].endpoint.address == "2001:db8::1");
  CHECK(config->peer_turn_ttl == std::chrono::seconds(600));

  auto off = parseServerConfig("[peer]\npeer_to_peer = false\n", "/x", "x.toml");
  REQUIRE(off);
  CHECK_FALSE(off->peer_enabled);

  CHECK_THAT(errorOf("[peer]\npeer_to_peer = 1\n"), Catch::Contains("[peer] peer_to_peer"));
  CHECK_THAT(errorOf("[peer]\nstun = \"stun.example.com:3478\"\n"), Catch::Contains("[peer] stun"));
  CHECK_THAT(errorOf("[peer]\nturn = [\"sctp:192.0.2.1:3478\"]\nturn_secret = \"x\"\n"),
             Catch::Contains("udp:, tcp: or tls:"));
  CHECK_THAT(errorOf("[peer]\nturn = [\"udp:192.0.2.1:3478\"]\n"),
             Catch::Contains("static-auth-secret"));
  CHECK_THAT(errorOf("[peer]\nturn_ttl_s = 5\n"), Catch::Contains("[peer] turn_ttl_s"));
  CHECK_THAT(errorOf("[peer]\nrelay = true\n"), Catch::Contains("relay"));
}

TEST_CASE("caps on connections not signed in: defaults, overrides and errors", "[server][config]") {
  auto defaults = parseServerConfig("", "/x", "empty.toml");
  REQUIRE(defaults);
  CHECK(defaults->max_unauthenticated_per_address == 32);
  CHECK(defaults->max_unauthenticated == 1024);

  auto written =
      parseServerConfig(renderDefaultConfig("demo", {{"127.0.0.1", 0}}, {"127.0.0.1", 0}), "/x",
                        "parleyd.toml");
  REQUIRE(written);
  CHECK(written->max_unauthenticated_per_address == 32);
  CHECK(written->max_unauthenticated == 1024);

  auto set =
      parseServerConfig("[server]\nmax_unauthenticated_per_address = 4\nmax_unauthenticated = 10\n",
                        "/x", "t.toml");
  REQUIRE(set);
  CHECK(set->max_unauthenticated_per_address == 4);
  CHECK(set->max_unauthenticated == 10);

  CHECK_THAT(errorOf("[server]\nmax_unauthenticated_per_address = 0\n"),
             Catch::Contains("[server] max_unauthenticated_per_address") &&
                 Catch::Contains("out of range"));
  CHECK_THAT(errorOf("[server]\nmax_unauthenticated = 0\n"),
             Catch::Contains("[server] max_unauthenticated") && Catch::Contains("out of range"));
  CHECK_THAT(errorOf("[server]\nmax_unauthenticated = \"many\"\n"),
             Catch::Contains("[server] max_unauthenticated: must be an integer"));
  CHECK_THAT(errorOf("[server]\nmax_unauthenticated_per_address = 64\nmax_unauthenticated = 10\n"),
             Catch::Contains("[server] max_unauthenticated_per_address: must not exceed "
                             "max_unauthenticated (10)"));
  CHECK_THAT(errorOf("[server]\nmax_unauthenticated_per_ip = 4\n"),
             Catch::Contains("unknown key 'max_unauthenticated_per_ip'"));
}
