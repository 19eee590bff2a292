#include "core/server/deployment/server_init.h"

#include <catch2/catch.hpp>

#include "core/server/deployment/server_config.h"
#include "core/server/store/store.h"
#include "tests/support/test_dir.h"

using namespace parley::server;

TEST_CASE("init creates a complete deployment", "[server][init]") {
  parley::testing::TempDir dir;
  InitOptions options;
  options.dir = dir.path() / "deploy";
  options.hosts = {"localhost", "127.0.0.1"};
  options.tcp = {{"127.0.0.1", 0}};
  options.rsa_bits = 2048;
  auto result = initServerDirectory(options);
  REQUIRE(result);
  for (const auto& name : initFileNames()) {
    CHECK(std::filesystem::exists(options.dir / name));
  }
#ifndef _WIN32  // Windows protects them with an ACL (tests/windows/private_file_wine_test.cpp)
  CHECK(parley::testing::fileMode(options.dir / "ca.key") == 0600);
  CHECK(parley::testing::fileMode(options.dir / "server.key") == 0600);
#endif
  // server.crt is a chain: leaf then CA.
  const auto chain = parley::testing::readFile(options.dir / "server.crt");
  const auto ca = parley::testing::readFile(options.dir / "ca.crt");
  CHECK(chain.size() > ca.size());
  CHECK(chain.substr(chain.size() - ca.size()) == ca);
  CHECK(result->ca_fingerprint.size() == 95);

  auto config = loadServerConfig(result->config_file);
  REQUIRE(config);
  CHECK(config->tcp.front().toString() == "127.0.0.1:0");
  auto store = openStore(storeSettings(*config), false);
  REQUIRE(store);
  CHECK((*store)->listUsers()->empty());
}

TEST_CASE("init refuses a directory that already holds a deployment", "[server][init]") {
  parley::testing::TempDir dir;
  {
    std::ofstream out(dir.path() / "parleyd.toml", std::ios::binary);
    out << "# mine\n";
  }
  InitOptions options;
  options.dir = dir.path();
  options.rsa_bits = 2048;
  auto result = initServerDirectory(options);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == parley::ErrorCode::AlreadyExists);
  CHECK_THAT(result.error().detail, Catch::Contains("parleyd.toml"));
  // Nothing destroyed, nothing added.
  CHECK(parley::testing::readFile(dir.path() / "parleyd.toml") == "# mine\n");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "ca.key"));
}

TEST_CASE("init refuses weak keys", "[server][init]") {
  parley::testing::TempDir dir;
  InitOptions options;
  options.dir = dir.path();
  options.rsa_bits = 1024;
  CHECK_FALSE(initServerDirectory(options));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "ca.key"));
}
