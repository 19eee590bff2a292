// parleyd network-requirements: the flows, the golden tables and the
// bandwidth plan for a known config (PARLEY_UPDATE_GOLDEN=1 rewrites them).

#include "core/server/deployment/network_requirements.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/server/deployment/server_config.h"
#include "parley_test_paths.h"

using namespace parley::server;

namespace {

const std::string kGoldenDir =
    std::string(PARLEY_SOURCE_DIR) + "/tests/core/server/deployment/golden/";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ServerConfig knownConfig() {
  auto config =
      parseServerConfig(readFile(kGoldenDir + "known.toml"), "/etc/parleyd", "known.toml");
  REQUIRE(config);
  return *config;
}

// PARLEY_UPDATE_GOLDEN=1 rewrites the file instead of comparing.
void checkGolden(const std::string& name, const std::string& actual) {
  const auto path = kGoldenDir + name;
  if (std::getenv("PARLEY_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  CHECK(actual == readFile(path));
}

}  // namespace

TEST_CASE("network requirements list every flow of the config", "[server][netreq]") {
  const auto rows = networkRequirements(knownConfig());
  REQUIRE(rows.size() == 12);
  CHECK(rows[9].port == 3478);
  CHECK(rows[10].protocol == "UDP");
  CHECK(rows[11].protocol == "TCP");
  CHECK(rows[11].port == 5349);
  CHECK(rows[0].protocol == "TCP");
  CHECK(rows[0].port == 443);
  CHECK(rows[1].port == 5228);
  CHECK(rows[1].local_address == "2001:db8::10");
  CHECK(rows[2].protocol == "UDP");
  // The peer "dmz": media both ways on UDP 5564, the control link (TLS over
  // TCP 5565) opened by either server, each direction a rule of its own.
  CHECK(rows[3].protocol == "UDP");
  CHECK(rows[3].port == 5564);
  CHECK(rows[3].direction == PortRequirement::Direction::Inbound);
  CHECK(rows[3].remote_address == "198.51.100.7");
  CHECK(rows[4].direction == PortRequirement::Direction::Outbound);
  CHECK(rows[5].protocol == "TCP");
  CHECK(rows[5].port == 5565);
  CHECK(rows[5].direction == PortRequirement::Direction::Inbound);
  CHECK(rows[6].protocol == "TCP");
  CHECK(rows[6].direction == PortRequirement::Direction::Outbound);
  CHECK(rows[6].remote_address == "198.51.100.7");
  CHECK(rows[7].port == 9464);
  CHECK_FALSE(rows[7].loopback_only);
  CHECK(rows[8].direction == PortRequirement::Direction::Outbound);
  CHECK(rows[8].remote_address == "192.0.2.10");

  auto defaults = parseServerConfig("", "/x", "x.toml");
  REQUIRE(defaults);
  const auto plain = networkRequirements(*defaults);
  REQUIRE(plain.size() == 3);  // 443, 5228 TCP, 5228 UDP; metrics off, no syslog, no peers
}

TEST_CASE("network requirements match the golden output", "[server][netreq]") {
  const auto config = knownConfig();
  checkGolden("network_requirements.table.txt", renderRequirementsTable(config, 10));
  checkGolden("network_requirements.acl.txt", renderRequirementsAcl(config, 10));
  checkGolden("network_requirements.nft.txt", renderRequirementsNftables(config, 10));
}

TEST_CASE("the bandwidth plan follows the producer/consumer formulas", "[server][netreq]") {
  auto config = knownConfig();
  auto plan = bandwidthPlan(config, 4);
  CHECK(plan.producer_upload_kbps == 1000);
  CHECK(plan.presenter_upload_kbps == 2500);
  CHECK(plan.screen_kbps == 1500);
  CHECK(plan.consumer_download_kbps == 3 * 1000 + 1500);
  CHECK(plan.server_inbound_kbps == 4 * 1000 + 1500);
  CHECK(plan.server_outbound_kbps == 4 * 3 * 1000 + 3 * 1500);

  SECTION("the per-client cap clamps what a presenter sends") {
    config.max_upload_kbps = 1200;
    plan = bandwidthPlan(config, 2);
    CHECK(plan.producer_upload_kbps == 1000);
    CHECK(plan.presenter_upload_kbps == 1200);
    CHECK(plan.screen_kbps == 200);
  }
  SECTION("one participant downloads nothing") {
    plan = bandwidthPlan(config, 1);
    CHECK(plan.consumer_download_kbps == 0);
    CHECK(plan.server_outbound_kbps == 0);
  }
  SECTION("the participant count is bounded") {
    CHECK(bandwidthPlan(config, 0).participants == 1);
    CHECK(bandwidthPlan(config, 1u << 30).participants == kMaxPlanParticipants);
  }
}
